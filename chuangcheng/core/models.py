"""Base models and the audit log shared by every app."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.choices import AuditAction, AuditResult


def random_id() -> int:
    """A random primary key for rows whose ids are seen by people who must not learn how many
    others exist (covert inspections: security.md 6 — no guessable sequential ids). Below 2⁵³,
    so JavaScript reads it exactly; a collision among a million rows has odds of about 1 in 20 000
    over the table's whole life, and would fail the insert rather than mix rows up."""
    return secrets.randbelow(2**53 - 2**32) + 2**32


class TimeStampedModel(models.Model):
    """Adds created/updated times to a model."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row that history depends on."""


class AppendOnlyModel(models.Model):
    """A row that is written once: saving an existing row or deleting one raises.

    Corrections are new rows (DESIGN.md, rule 2). Bulk queryset updates bypass this guard,
    so the application never issues them on these tables.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AuditLog(AppendOnlyModel):
    """Who did what, when, from where, with which result (security.md 19).

    The user and unit are kept as plain values as well as a link, so an entry still reads
    correctly after the user is renamed or removed.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # DO_NOTHING and no constraint: removing a user never rewrites audit rows; the
        # username column keeps saying who it was.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    unit_id = models.BigIntegerField(_("unit id"), null=True, blank=True)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=AuditResult.choices)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.result}"


class CalendarDay(models.Model):
    """A day whose status the office sets by hand: a holiday or a make-up workday (调休) the
    shipped calendar does not know yet — the State Council publishes next year's schedule each
    November or December, and ``chinese-calendar`` covers only the years of its release.
    An entry here wins over the shipped calendar (see ``core.workdays``)."""

    day = models.DateField(_("day"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 春节, 国庆节调休"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}"
