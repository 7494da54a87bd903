"""问题整改: problems, their append-only history, photos, and the office's catalogue of
categories, time-limit rules and reply templates.

The workflow (who may take which step) is one table in ``transitions.py``; every change of
state goes through ``actions.transition``, which locks the row and appends a ``ProblemEvent``.
Overdue and the time-limit light are derived from ``deadline`` and ``warn_at``; rebound is
decided when a problem is opened (``intake``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel, TimeStampedModel, random_id
from chuangcheng.indicators.models import CheckItem, Indicator, PointType
from chuangcheng.inspections.models import Inspection, ItemResult
from chuangcheng.org.models import OrgUnit
from chuangcheng.points.models import Point
from chuangcheng.problems.choices import (
    FINAL_STATES,
    Action,
    CategoryClass,
    Light,
    PhotoKind,
    ProblemSource,
    ProblemStatus,
    Severity,
    Stage,
    TimeUnit,
)
from chuangcheng.problems.querysets import CategoryQuerySet, ProblemQuerySet


class Category(TimeStampedModel):
    """One class of the two-level problem catalogue (aligned with 数字城管's classification):
    a big class (``parent`` empty: 市容环境, 宣传广告…) or a small class under it, which carries
    its default time limit and responsible department. The office extends it per area."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("big class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    category_class = models.CharField(_("class"), max_length=12, choices=CategoryClass.choices)
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=60)
    time_limit = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    time_unit = models.CharField(
        _("time limit unit"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORK_DAYS
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    needs_photo = models.BooleanField(_("a report needs a photo"), default=True)
    duplicate_radius = models.PositiveIntegerField(
        _("duplicate radius (m)"),
        default=250,
        help_text=_(
            "A resident reporting this kind of problem is first shown the open ones within this distance."
        ),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        ordering = ["area", "category_class", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="problems_category_unique_code")]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    @property
    def time_limit_text(self) -> str:
        if not self.time_limit:
            return ""
        return f"{self.time_limit} {TimeUnit(self.time_unit).label}"


class DeadlineRule(models.Model):
    """A campaign's time limit by severity, for one category or (category empty) for all that
    give none of their own."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    amount = models.PositiveIntegerField(_("time limit"))
    unit = models.CharField(_("unit"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORK_DAYS)

    class Meta:
        verbose_name = _("time-limit rule")
        verbose_name_plural = _("time-limit rules")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "category", "severity"],
                condition=Q(category__isnull=False),
                name="problems_rule_unique_category",
            ),
            models.UniqueConstraint(
                fields=["area", "severity"],
                condition=Q(category__isnull=True),
                name="problems_rule_unique_default",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="problems_rule_positive"),
        ]

    def __str__(self):
        return (
            f"{self.category or '*'} · {self.get_severity_display()}: {self.amount} {self.get_unit_display()}"
        )


class NoteTemplate(models.Model):
    """The office's usual replies for a step (退回理由, 复核意见…), offered on the forms."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("step"), max_length=12, choices=Action.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.CharField(_("text"), max_length=300)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("note template")
        verbose_name_plural = _("note templates")
        ordering = ["action", "sort_order", "pk"]

    def __str__(self):
        return self.text


def new_problem_code() -> str:
    """A reference for phone calls and paper: date and random letters, not a running number
    (a count of problems would reveal covert findings still under embargo)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return timezone.localdate().strftime("%Y%m%d") + "".join(secrets.choice(alphabet) for _ in range(6))


class Problem(TimeStampedModel):
    """A problem to be rectified (数字城管's case, 案卷): where, what, whose, by when, and where
    it stands. Its history is ``events``; its state changes only through ``actions``."""

    # random, not sequential: a unit must not learn from gaps how many problems others have
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    code = models.CharField(_("number"), max_length=16, unique=True, default=new_problem_code, editable=False)
    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=ProblemSource.choices)
    source_detail = models.CharField(
        _("source detail"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 《阳光问廉》第12期, or the leader's words"),
    )
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructing leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    # one problem per failed item: a retried or replayed submission opens nothing twice
    item_result = models.OneToOneField(
        ItemResult,
        verbose_name=_("item result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem",
    )
    point = models.ForeignKey(
        Point,
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    point_type = models.ForeignKey(
        PointType,
        verbose_name=_("point type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    check_item = models.ForeignKey(
        CheckItem,
        verbose_name=_("check item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("township/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProblemStatus.choices,
        default=ProblemStatus.REPORTED,
        db_index=True,
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # a covert finding stays out of the unit's sight until its inspection's embargo ends; its
    # clock starts then
    embargo_until = models.DateField(_("secret until"), null=True, blank=True)

    # the clock
    time_limit = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    time_unit = models.CharField(_("time limit unit"), max_length=12, choices=TimeUnit.choices, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(_("due-soon from"), null=True, blank=True)
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("fix submitted at"), null=True, blank=True)
    verify_due_at = models.DateTimeField(_("verify by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # each stage's punctuality, recorded when the stage ends (the latest time for rectification)
    accepted_on_time = models.BooleanField(_("accepted on time"), null=True, blank=True)
    rectified_on_time = models.BooleanField(_("rectified on time"), null=True, blank=True)
    verified_on_time = models.BooleanField(_("verified on time"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # rebound (反弹): the closed problem this one repeats
    rebound_of = models.ForeignKey(
        "self",
        verbose_name=_("rebound of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rebounds",
    )
    is_rebound = models.BooleanField(_("rebound"), default=False)
    # duplicates merged into an original (the citizens app reports several of one problem)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-found_at", "-pk"]
        indexes = [
            models.Index(fields=["area", "status", "deadline"]),
            models.Index(fields=["responsible_unit", "status", "deadline"]),
            models.Index(fields=["point", "check_item", "closed_at"]),
            models.Index(fields=["area", "found_at"]),
            models.Index(fields=["township", "found_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["reported", "registered", "rejected"])
                | Q(responsible_unit__isnull=False),
                name="problems_assigned_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="problems_closed_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("problems:detail", args=[self.pk])

    # --- derived ----------------------------------------------------------------------------
    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    def is_overdue(self, now=None) -> bool:
        """Past its deadline and not closed (or rejected)."""
        return self.deadline is not None and not self.is_final and (now or timezone.now()) > self.deadline

    def light(self, now=None) -> str:
        """The time-limit light: green under the warning share of its time, yellow up to the
        deadline, red past it (DESIGN.md; settings.PROBLEM_WARN_SHARE)."""
        if self.deadline is None or self.is_final:
            return Light.NONE
        now = now or timezone.now()
        if now > self.deadline:
            return Light.RED
        if self.warn_at is not None and now >= self.warn_at:
            return Light.YELLOW
        return Light.GREEN

    def is_embargoed(self, today=None) -> bool:
        return self.embargo_until is not None and (today or timezone.localdate()) <= self.embargo_until

    @property
    def time_limit_text(self) -> str:
        if not self.time_limit:
            return ""
        return f"{self.time_limit} {TimeUnit(self.time_unit).label}"

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def location(self):
        """(lat, lon) of the problem, or of its point."""
        if self.has_location:
            return self.latitude, self.longitude
        if self.point_id and self.point.has_location:
            return self.point.latitude, self.point.longitude
        return None


class ProblemEvent(AppendOnlyModel):
    """One step of a problem's history: who, when, from which state to which, why, with what
    evidence. Written in the transaction of the change; never edited (DESIGN.md rule 2)."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("step"), max_length=12, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ProblemStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    from_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("from unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("to unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_deadline = models.DateTimeField(_("old deadline"), null=True, blank=True)
    new_deadline = models.DateTimeField(_("new deadline"), null=True, blank=True)
    stage = models.CharField(_("stage ended"), max_length=14, choices=Stage.choices, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["problem", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.problem_id} {self.action} {self.from_status}→{self.to_status}"


def problem_photo_path(instance, filename):
    return f"problems/{timezone.now():%Y/%m}/{filename}"


class ProblemPhoto(models.Model):
    """A photo of a problem: before (as found) or after (the fix), checked by content and
    re-encoded without EXIF (time and place read first). Inspection problems show their
    inspection's evidence photos as before-photos as well."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="photos"
    )
    event = models.ForeignKey(
        ProblemEvent,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PhotoKind.choices)
    image = models.ImageField(
        _("photo"), upload_to=problem_photo_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=problem_photo_path)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("problem photo")
        verbose_name_plural = _("problem photos")
        ordering = ["problem", "kind", "uploaded_at", "pk"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        return reverse("problems:photo", args=[self.pk, "display"])
