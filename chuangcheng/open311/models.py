"""Open311 (GeoReport v2): the API keys the campaign office issues to civic clients.

A key is shown once, when it is issued; only its SHA-256 and a short prefix (to tell keys
apart on the page) are stored (security.md 12). A key belongs to one campaign area: the reports
it posts are that area's.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.org.models import OrgUnit

KEY_PREFIX = "cc311_"
PREFIX_LENGTH = len(KEY_PREFIX) + 6  # what the page shows: "cc311_Ab3dEf…"


def new_raw_key() -> str:
    """A key with 256 random bits (43 URL-safe characters after the prefix)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(raw: str) -> str:
    """A fast hash is enough: keys are long random strings, not passwords people choose."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A civic client's key to post reports to one area through Open311."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses the key, e.g. the county's WeChat mini program.")
    )
    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def valid_until(self):
        """The last day the key works (it expires at the start of the next one)."""
        if self.expires_at is None:
            return None
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
