"""测评体系: assessment systems, their indicator trees, point types with checklists, and metrics.

Everything a campaign is judged on traces back to an ``Indicator``: check items serve indicators,
and later problems, tasks and scores point at them. An ``AssessmentSystem`` and a ``PointType``
belong to a campaign *area* (a county or a city): each area keeps its own editions and
checklists, readable by every unit in it.

Point types live here rather than in ``points`` because check items (here) need them, and
imports point downward only (``indicators ← points``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import TimeStampedModel
from chuangcheng.indicators.choices import (
    STATUS_SHARE,
    TITLE_FAMILY,
    CityLevel,
    Comparison,
    ItemStatus,
    Method,
    PeriodType,
    ScoringMode,
    SystemStatus,
    Title,
)
from chuangcheng.indicators.querysets import (
    AreaOwnedQuerySet,
    CheckItemQuerySet,
    IndicatorQuerySet,
    MetricValueQuerySet,
)
from chuangcheng.org.models import OrgUnit

MAX_INDICATOR_LEVEL = 3
non_negative = MinValueValidator(Decimal("0"))


def _score_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=7,
        decimal_places=2,
        validators=[non_negative],
        null=True,
        blank=True,
        **kwargs,
    )


class AssessmentSystem(TimeStampedModel):
    """One versioned edition of one title's official system, for one city level, in one area.

    ``status`` goes draft → active → archived; at most one system is active per title, city
    level and area. ``is_sample`` marks content built from public facts where the official
    text was not available: the interface says so wherever it is shown.
    """

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="assessment_systems"
    )
    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    city_level = models.CharField(_("city level"), max_length=20, choices=CityLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    edition = models.CharField(_("edition"), max_length=40, help_text=_("e.g. 2021版"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=SystemStatus.choices, default=SystemStatus.DRAFT
    )
    declares_totals = models.BooleanField(
        _("declares totals"),
        default=True,
        help_text=_("The published system gives each parent's score, so children must fit within it."),
    )
    total_score = _score_field(_("total score"))
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_(
            "Built from public facts where the official text was not available; check before relying on it."
        ),
    )
    source = models.TextField(_("source"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = AreaOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment system")
        verbose_name_plural = _("assessment systems")
        ordering = ["title", "city_level", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "title", "city_level"],
                condition=Q(status=SystemStatus.ACTIVE),
                name="indicators_one_active_system",
                violation_error_message=_(
                    "Another system of this title and level is already active in this area."
                ),
            ),
            models.UniqueConstraint(
                fields=["area", "title", "city_level", "edition"], name="indicators_unique_edition"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.edition}）"

    def get_absolute_url(self):
        return reverse("indicators:system", args=[self.pk])

    @property
    def title_family(self):
        return TITLE_FAMILY[self.title]


class Indicator(TimeStampedModel):
    """A node of an indicator tree: 测评项目 (level 1) → 测评内容 (2) → 测评标准 (3).

    Leaves carry the score (or weight), method, responsible units and the point types where they
    are checked. ``code`` (e.g. "3.2.1") is unique within the system and is what spreadsheets
    and check items refer to.
    """

    system = models.ForeignKey(
        AssessmentSystem,
        verbose_name=_("assessment system"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    max_score = _score_field(_("max score"))
    weight = _score_field(_("weight"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_indicators",
    )
    cooperating_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("cooperating units"), blank=True, related_name="cooperating_indicators"
    )
    point_types = models.ManyToManyField(
        "PointType", verbose_name=_("point types"), blank=True, related_name="indicators"
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["system", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicators_unique_code"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_INDICATOR_LEVEL), name="indicators_level"
            ),
            models.CheckConstraint(
                condition=Q(max_score__isnull=True) | Q(max_score__gte=0),
                name="indicators_score_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def level_name(self):
        return {1: _("Assessment item"), 2: _("Assessment content"), 3: _("Assessment standard")}[self.level]


class PointType(TimeStampedModel):
    """A kind of place the assessors visit (农贸市场, 公共厕所…), with its checklist and the
    observation protocol inspectors follow there."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="point_types"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=60)
    protocol = models.TextField(
        _("observation protocol"),
        blank=True,
        help_text=_("What the inspector does there, e.g. walk 500 m along the road."),
    )
    walk_metres = models.PositiveIntegerField(_("distance to walk (m)"), null=True, blank=True)
    sample_count = models.PositiveIntegerField(_("samples to check"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample content"), default=False)

    objects = AreaOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("point type")
        verbose_name_plural = _("point types")
        ordering = ["area", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="indicators_unique_point_type_code")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicators:point_type", args=[self.pk])


class CheckItem(TimeStampedModel):
    """测评细则: one line of a point type's checklist.

    Scored either pass/fail (failing loses ``deduction`` points) or on the assessors' status
    scale, where the number of violations (例) observed sets the status: A below
    ``threshold_b``, B from ``threshold_b``, C from ``threshold_c``, C# from
    ``threshold_c_sharp``; the item keeps 100 / 66 / 33 / 0 % of its ``points``.
    """

    point_type = models.ForeignKey(
        PointType, verbose_name=_("point type"), on_delete=models.CASCADE, related_name="check_items"
    )
    code = models.CharField(_("code"), max_length=32)
    text = models.CharField(_("what to check"), max_length=500)
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators served"), related_name="check_items"
    )
    scoring_mode = models.CharField(
        _("scoring mode"), max_length=20, choices=ScoringMode.choices, default=ScoringMode.PASS_FAIL
    )
    points = _score_field(_("item points"))
    deduction = _score_field(_("deduction"))
    threshold_b = models.PositiveSmallIntegerField(_("violations for B"), null=True, blank=True)
    threshold_c = models.PositiveSmallIntegerField(_("violations for C"), null=True, blank=True)
    threshold_c_sharp = models.PositiveSmallIntegerField(_("violations for C#"), null=True, blank=True)
    photo_required_on_failure = models.BooleanField(_("photo required on failure"), default=True)
    is_veto = models.BooleanField(
        _("veto item"), default=False, help_text=_("Failing it fails the point whatever the score.")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CheckItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["point_type", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["point_type", "code"], name="indicators_unique_check_item_code"),
            models.CheckConstraint(
                condition=~Q(scoring_mode=ScoringMode.STATUS_SCALE)
                | (Q(points__isnull=False) & Q(threshold_c_sharp__isnull=False)),
                name="indicators_status_scale_complete",
            ),
            models.CheckConstraint(
                condition=~Q(scoring_mode=ScoringMode.PASS_FAIL) | Q(deduction__isnull=False),
                name="indicators_pass_fail_has_deduction",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"

    def status_for(self, violations: int) -> ItemStatus:
        """The status a number of observed violations gives on this item's scale."""
        if violations < 0:
            raise ValueError("violations cannot be negative")
        if self.threshold_c_sharp is not None and violations >= self.threshold_c_sharp:
            return ItemStatus.C_SHARP
        if self.threshold_c is not None and violations >= self.threshold_c:
            return ItemStatus.C
        if self.threshold_b is not None and violations >= self.threshold_b:
            return ItemStatus.B
        return ItemStatus.A

    def points_lost(self, *, passed: bool | None = None, violations: int | None = None) -> Decimal:
        """Points lost by one observation: pass/fail uses ``passed``, the status scale ``violations``."""
        if self.scoring_mode == ScoringMode.PASS_FAIL:
            return Decimal("0") if passed else (self.deduction or Decimal("0"))
        share = STATUS_SHARE[self.status_for(violations or 0)]
        return (self.points * (100 - share) / 100).quantize(Decimal("0.01"))


class Metric(TimeStampedModel):
    """数据指标: a quantity with a target, reported per period (e.g. 城区绿化覆盖率 ≥ 40 %).

    The target may depend on an attribute of the area (森林覆盖率 by annual rainfall): then
    ``band_attribute`` names it, ``band_value`` holds the area's value, and the matching
    ``MetricTargetBand`` gives the target.
    """

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="metrics"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="metrics",
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=20, blank=True, help_text=_("e.g. %, m², 个")
    )
    comparison = models.CharField(_("comparison"), max_length=10, choices=Comparison.choices)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    target_upper = models.DecimalField(
        _("upper target"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    period_type = models.CharField(
        _("period"), max_length=10, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    source_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("source department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sourced_metrics",
    )
    numerator_label = models.CharField(_("numerator"), max_length=100, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=100, blank=True)
    band_attribute = models.CharField(_("target depends on"), max_length=60, blank=True)
    band_value = models.DecimalField(
        _("the area's value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    is_sample = models.BooleanField(_("sample content"), default=False)

    objects = AreaOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["area", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="indicators_unique_metric_code")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicators:metric", args=[self.pk])

    @property
    def has_formula(self):
        return bool(self.numerator_label and self.denominator_label)

    def effective_target(self) -> tuple[Decimal | None, Decimal | None]:
        """(target, upper) in force for this area, after applying the band if there is one."""
        if self.band_attribute and self.band_value is not None:
            for band in self.bands.all():
                if band.contains(self.band_value):
                    return band.target, None
        return self.target, self.target_upper

    def is_met(self, value: Decimal, previous: Decimal | None = None) -> bool | None:
        """Whether a value meets the target; None when it cannot be said (no target, no history)."""
        target, upper = self.effective_target()
        if self.comparison == Comparison.IMPROVING:
            return None if previous is None else value > previous
        if target is None:
            return None
        if self.comparison == Comparison.AT_LEAST:
            return value >= target
        if self.comparison == Comparison.AT_MOST:
            return value <= target
        return target <= value <= (upper if upper is not None else target)


class MetricTargetBand(models.Model):
    """A target that applies when the area's attribute lies in [lower, upper)."""

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.CASCADE, related_name="bands"
    )
    lower = models.DecimalField(_("from"), max_digits=14, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("below"), max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("target band")
        verbose_name_plural = _("target bands")
        ordering = ["metric", "lower"]

    def __str__(self):
        return f"[{self.lower}, {self.upper}) → {self.target}"

    def contains(self, value: Decimal) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


def metric_evidence_path(instance, filename):
    return f"metrics/{instance.metric_id}/{filename}"


class MetricValue(models.Model):
    """One reported value of a metric for a period and an org unit. Never edited: a correction is
    a new row that ``supersedes`` the old one, so the history stays."""

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.CASCADE, related_name="values"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="metric_values"
    )
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(
        _("denominator"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    evidence = models.FileField(_("evidence"), upload_to=metric_evidence_path, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    objects = MetricValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        ordering = ["metric", "-period_start", "-entered_at"]
        indexes = [models.Index(fields=["metric", "unit", "period_start"])]

    def __str__(self):
        return f"{self.metric} {self.period_start:%Y-%m} = {self.value}"
