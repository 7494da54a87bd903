"""督查: inspection plans and their random draws, assignments, inspections, item results and
evidence photos.

Secrecy (三不三无) lives in the querysets (``querysets.py``); the draw in ``draw.py``; every
change of state in ``actions.py``.
"""

import hashlib
import hmac
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel, TimeStampedModel, random_id
from chuangcheng.indicators.models import CheckItem, Indicator
from chuangcheng.inspections.choices import (
    DAY_PART_HOURS,
    AssignmentOrigin,
    AssignmentStatus,
    DayPart,
    InspectionKind,
    Outcome,
    PlanKind,
)
from chuangcheng.inspections.querysets import AssignmentQuerySet, InspectionQuerySet, PlanQuerySet
from chuangcheng.org.models import OrgUnit
from chuangcheng.points.models import Point


def inspector_code(user, scope: str) -> str:
    """A pseudonym for an inspector within one ``scope`` ("plan:12", "inspection:34"): an HMAC
    of the scope and the person's id. Stamped on photos and shown where the name may not be.
    It differs from scope to scope, so a code seen beside a name on one plan (an announced one,
    say) says nothing about who holds a code on another; the office, which knows the inspection,
    can still tell whose stamp a photo carries."""
    message = f"inspector:{scope}:{user.pk}".encode()
    mac = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256)
    return "D" + mac.hexdigest()[:6].upper()


class Plan(TimeStampedModel):
    """An inspection plan for a period, with its frozen pool, rules and the commitment of the
    secret seed its draw came from (revealed after the period so anyone can re-run the draw)."""

    # random, not sequential: gaps in the ids a unit can see must not reveal covert work
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=PlanKind.choices)
    is_covert = models.BooleanField(
        _("covert"),
        default=True,
        help_text=_("Kept from the inspected units until the period ends (三不三无)."),
    )
    # 自查: the unit that inspects its own points (no conflict-of-interest rule applies)
    self_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("self-inspecting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="self_inspection_plans",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    filters = models.JSONField(_("pool filters"), default=dict)
    rules = models.JSONField(_("rules"))
    pool = models.JSONField(_("frozen pool"))
    inputs_digest = models.CharField(_("digest of pool and rules"), max_length=64)
    seed_commitment = models.CharField(_("seed commitment (SHA-256)"), max_length=64)
    # secret until revealed; never shown or sent before ``seed_revealed_at``
    seed = models.CharField(max_length=64, editable=False)
    seed_revealed_at = models.DateTimeField(_("seed revealed at"), null=True, blank=True)
    algorithm_version = models.PositiveSmallIntegerField(_("draw algorithm version"), default=1)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-period_start", "-pk"]
        indexes = [models.Index(fields=["area", "period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="inspections_plan_period"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:plan", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_ended(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.period_end

    @property
    def is_revealed(self) -> bool:
        return self.seed_revealed_at is not None

    @property
    def revealed_seed(self) -> str:
        """The seed, only once revealed (templates and serializers read this, never ``seed``)."""
        return self.seed if self.is_revealed else ""


class Assignment(models.Model):
    """One visit of the draw (or of an amendment): a point, a window and one or two inspectors."""

    # random, not sequential: gaps in the ids a unit can see must not reveal covert work
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="assignments"
    )
    sequence = models.PositiveIntegerField(_("number in the plan"))
    point = models.ForeignKey(Point, verbose_name=_("point"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    day_part = models.CharField(_("part of the day"), max_length=12, choices=DayPart.choices)
    window_start = models.DateTimeField(_("window opens"))
    window_end = models.DateTimeField(_("window closes"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    second_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=AssignmentOrigin.choices, default=AssignmentOrigin.DRAWN
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["window_start", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="inspections_assignment_sequence"),
            models.CheckConstraint(
                condition=Q(second_inspector__isnull=True) | ~Q(second_inspector=models.F("inspector")),
                name="inspections_two_different_inspectors",
            ),
        ]
        indexes = [
            models.Index(fields=["inspector", "window_start"]),
            models.Index(fields=["second_inspector", "window_start"]),
            models.Index(fields=["plan", "status"]),
        ]

    def __str__(self):
        return f"{self.plan} #{self.sequence}"

    @staticmethod
    def window_for(day, day_part) -> tuple[datetime, datetime]:
        start_hour, end_hour = DAY_PART_HOURS[day_part]
        tz = ZoneInfo(settings.TIME_ZONE)  # the campaign's clock, whatever zone a request activated
        return (
            timezone.make_aware(datetime.combine(day, time(start_hour)), tz),
            timezone.make_aware(datetime.combine(day, time(end_hour)), tz),
        )

    @property
    def inspector_ids(self) -> tuple[int, ...]:
        return tuple(i for i in (self.inspector_id, self.second_inspector_id) if i is not None)

    def is_for(self, user) -> bool:
        return user.pk in self.inspector_ids

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.window_start <= now

    def submission_state(self, now=None) -> str:
        """Whether it can be submitted now: "done", "withdrawn" (replaced or cancelled),
        "closed" (missed, or past the upload grace), "not_due" (more than the early minutes
        before its window), "late" (after its window, within the grace) or "open". The phone
        page shows it; ``actions.submit`` refuses by it."""
        from datetime import timedelta

        now = now or timezone.now()
        if self.status == AssignmentStatus.DONE:
            return "done"
        if self.status in (AssignmentStatus.REPLACED, AssignmentStatus.CANCELLED):
            return "withdrawn"
        if self.status == AssignmentStatus.MISSED or now > self.window_end + timedelta(
            hours=settings.INSPECTION_SUBMIT_GRACE_HOURS
        ):
            return "closed"
        if now < self.window_start - timedelta(minutes=settings.INSPECTION_EARLY_MINUTES):
            return "not_due"
        if now > self.window_end:
            return "late"
        return "open"


class Amendment(AppendOnlyModel):
    """A change made by hand after the draw: never silent, always with a reason."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="amendments"
    )
    original = models.ForeignKey(
        Assignment, verbose_name=_("original assignment"), on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.OneToOneField(
        Assignment, verbose_name=_("replacement"), on_delete=models.PROTECT, related_name="amendment"
    )
    reason = models.CharField(_("reason"), max_length=500)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"{self.plan}: {self.reason}"


class Inspection(TimeStampedModel):
    """One submitted inspection of one point: the checklist answered, scored, with photos.

    ``client_key`` makes submission idempotent: a retried upload returns the first inspection.
    ``embargo_until``: a covert inspection stays hidden from everyone but the office and its
    inspectors until the end of that day (the end of its plan's period).
    """

    # random, not sequential: gaps in the ids a unit can see must not reveal covert work
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    point = models.ForeignKey(
        Point, verbose_name=_("point"), on_delete=models.PROTECT, related_name="inspections"
    )
    # denormalised from the point when submitted, for scoping and statistics by the unit answerable then
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("township/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    point_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("point leader"), on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    second_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_covert = models.BooleanField(_("covert"), default=False)
    embargo_until = models.DateField(_("secret until"), null=True, blank=True)
    client_key = models.UUIDField(_("client key"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"))
    clock_skew_seconds = models.IntegerField(_("phone clock ahead by (s)"), default=0)
    latitude = models.DecimalField(
        _("latitude at start"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude at start"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy_m = models.PositiveIntegerField(_("location accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the point (m)"), null=True, blank=True)
    is_late = models.BooleanField(_("submitted after the window"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    points_lost = models.DecimalField(_("points lost"), max_digits=6, decimal_places=2)
    pass_line = models.DecimalField(_("pass line"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    veto_failed = models.BooleanField(_("veto item failed"), default=False)
    failed_items = models.PositiveSmallIntegerField(_("failed items"), default=0)
    note = models.TextField(_("note"), blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["area", "submitted_at"]),
            models.Index(fields=["point", "submitted_at"]),
            models.Index(fields=["responsible_unit", "submitted_at"]),
            models.Index(fields=["township", "submitted_at"]),
            models.Index(fields=["inspector", "submitted_at"]),
        ]

    def __str__(self):
        return f"{self.point} · {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("inspections:detail", args=[self.pk])

    @property
    def counts_as_covert_result(self) -> bool:
        """Self-inspections are marked as such and never count as covert results."""
        return self.kind != InspectionKind.SELF

    def is_embargoed(self, today=None) -> bool:
        return self.embargo_until is not None and (today or timezone.localdate()) <= self.embargo_until

    def inspector_shown_to(self, user) -> bool:
        """Who did a covert inspection is known only to the office and the inspectors themselves."""
        if not self.is_covert:
            return True
        from chuangcheng.inspections.querysets import can_manage_inspections

        return user.pk in (self.inspector_id, self.second_inspector_id) or can_manage_inspections(
            user, self.area
        )


class ItemResult(models.Model):
    """One checklist line of an inspection, keeping the check item and indicators it relates to."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    check_item = models.ForeignKey(
        CheckItem, verbose_name=_("check item"), on_delete=models.PROTECT, related_name="results"
    )
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), related_name="+", blank=True)
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices)
    violations = models.PositiveSmallIntegerField(_("violations seen"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=2, blank=True)  # A/B/C/C# for status-scale items
    points_lost = models.DecimalField(_("points lost"), max_digits=6, decimal_places=2, default=0)
    is_veto = models.BooleanField(_("veto item"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        ordering = ["inspection", "check_item__sort_order", "check_item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "check_item"], name="inspections_one_result_per_item"
            )
        ]
        indexes = [models.Index(fields=["check_item", "outcome"])]

    def __str__(self):
        return f"{self.check_item.code}: {self.get_outcome_display()}"


def evidence_path(instance, filename):
    return f"inspections/{timezone.now():%Y/%m}/{filename}"


def original_path(instance, filename):
    return f"inspections-originals/{timezone.now():%Y/%m}/{filename}"


class EvidencePhoto(models.Model):
    """An evidence photo: a stamped display copy without EXIF, a thumbnail, and the original
    (as uploaded, EXIF and all) for the office only."""

    # random, not sequential: gaps in the ids a unit can see must not reveal covert work
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="photos"
    )
    result = models.ForeignKey(
        ItemResult,
        verbose_name=_("item result"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(_("photo"), upload_to=evidence_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=evidence_path)
    original = models.FileField(_("original"), upload_to=original_path)
    original_sha256 = models.CharField(_("SHA-256 of the original"), max_length=64)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["inspection", "pk"]

    def __str__(self):
        return self.image.name
