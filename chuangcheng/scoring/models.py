"""考核: the monthly evaluation of a campaign area — settings as versioned data, each run a draft
that the office reviews, publishing freezing it as an immutable snapshot with a content hash,
and the reward/penalty ledger. Rankings, league tables and the exposure board read only
published evaluations.

Immutability: a published evaluation and its result rows refuse ``save``/``delete`` (any path
that goes through the model: pages, API, admin, shell); a direct database edit is caught by
``Evaluation.verify()``, which recomputes the content hash.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import AppendOnlyModel
from chuangcheng.org.models import OrgUnit
from chuangcheng.points.models import Point
from chuangcheng.scoring import rules as scoring_rules
from chuangcheng.scoring.choices import Band, EvaluationStatus, PeerGroup, SanctionKind, SanctionStatus


class FrozenError(Exception):
    """A published evaluation (or a row of it) was about to be changed."""


class ScoringSettings(AppendOnlyModel):
    """One version of an area's evaluation rules. A change is a new version; evaluations keep the
    version they used."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("rules"), default=dict)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation settings")
        verbose_name_plural = _("evaluation settings")
        ordering = ["area", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="scoring_settings_unique_version")
        ]

    def __str__(self):
        return f"{self.area} v{self.version}"

    @property
    def rules(self) -> "scoring_rules.Rules":
        return scoring_rules.from_data(self.data)

    def data_key(self) -> str:
        """The rules in a canonical form: areas with equal keys are evaluated in one batch."""
        return json.dumps(self.rules.to_data(), sort_keys=True)


class EvaluationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EvaluationStatus.PUBLISHED)

    def latest_published(self, area):
        """The newest published version of the latest published month of ``area``."""
        return self.published().filter(area=area).order_by("-month", "-number").first()

    def visible_to(self, user):
        """Drafts to the office of the area (and the city office above); published evaluations to
        everyone in the area."""
        from chuangcheng.core.scoping import scope_for
        from chuangcheng.inspections.querysets import managed_q

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        scope = scope_for(user)
        published = Q(status=EvaluationStatus.PUBLISHED) & scope.unit_or_ancestor_q("area")
        return self.filter(managed_q(user, "area") | published)


class Evaluation(models.Model):
    """One run of the monthly evaluation of ``area`` for ``month``: a draft until published;
    then frozen. A correction is a new published version (``number`` + 1) naming what it corrects."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month evaluated."))
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    peer_level = models.CharField(
        _("ranked"),
        max_length=12,
        choices=[("units", _("units of a county")), ("counties", _("counties of a city"))],
    )
    settings_version = models.ForeignKey(
        ScoringSettings, verbose_name=_("settings version"), on_delete=models.PROTECT, related_name="+"
    )
    cutoff = models.DateTimeField(_("figures as of"))
    input_counts = models.JSONField(_("inputs"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly evaluation")
        verbose_name_plural = _("monthly evaluations")
        ordering = ["-month", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month", "number"], name="scoring_evaluation_unique_version"
            ),
            # one draft at a time per month: a new run replaces the old draft
            models.UniqueConstraint(
                fields=["area", "month"], condition=Q(status="draft"), name="scoring_evaluation_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["area", "status", "month"])]

    def __str__(self):
        return f"{self.area} {self.month:%Y-%m} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=EvaluationStatus.PUBLISHED).exists():
            raise FrozenError(_("A published evaluation cannot be changed; publish a correction instead."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("scoring:evaluation", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise FrozenError(_("A published evaluation cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == EvaluationStatus.PUBLISHED

    # --- the snapshot's fingerprint ------------------------------------------------------------
    def canonical_content(self) -> str:
        """Every figure of the evaluation, in a fixed order and form (the same on SQLite and
        PostgreSQL): what the hash covers."""
        points = list(self.point_results.order_by("point_id").values_list(*PointResult.HASHED))
        units = list(self.unit_results.order_by("unit_id").values_list(*UnitResult.HASHED))
        head = [
            self.area_id,
            self.month.isoformat(),
            self.number,
            self.settings_version_id,
            self.cutoff.isoformat(),
        ]
        return json.dumps([head, points, units], default=str, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content().encode()).hexdigest()

    def verify(self) -> bool:
        """True when the stored figures still give the hash recorded at publication."""
        return bool(self.content_hash) and self.compute_hash() == self.content_hash


class FrozenRow(models.Model):
    """A result row: refuses changes once its evaluation is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.evaluation.is_published:
            raise FrozenError(_("A published evaluation cannot be changed; publish a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.evaluation.is_published:
            raise FrozenError(_("A published evaluation cannot be changed; publish a correction instead."))
        return super().delete(*args, **kwargs)


class PointResult(FrozenRow):
    """A point's month: its inspections, mean score and pass rate, open and overdue problems as
    of the cut-off; a failing point's rank among the month's failing points (点未达标月评排名).

    A province writes some 50,000 of these a month: only the indexes the pages read by are kept
    (the evaluation's own index leads with the evaluation; the unit, township and leader columns
    are read through it, never on their own)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="point_results", db_index=False
    )
    point = models.ForeignKey(Point, verbose_name=_("point"), on_delete=models.PROTECT, related_name="+")
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("township/street"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    point_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("point leader"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    inspections = models.PositiveIntegerField(_("inspections"))
    passed_inspections = models.PositiveIntegerField(_("inspections passed"))
    mean_score = models.DecimalField(_("mean score"), max_digits=6, decimal_places=2)
    pass_rate = models.DecimalField(_("pass rate"), max_digits=6, decimal_places=2)
    veto_failed = models.BooleanField(_("a veto item failed"), default=False, db_default=False)
    passed = models.BooleanField(_("passed the month"))
    open_problems = models.PositiveIntegerField(_("open problems"), default=0, db_default=0)
    overdue_problems = models.PositiveIntegerField(_("overdue problems"), default=0, db_default=0)
    failing_rank = models.PositiveIntegerField(_("rank among failing points"), null=True)
    months_failing = models.PositiveSmallIntegerField(_("months failing in a row"), default=0, db_default=0)

    HASHED = (
        "point_id", "responsible_unit_id", "inspections", "passed_inspections", "mean_score", "pass_rate",
        "veto_failed", "passed", "open_problems", "overdue_problems", "failing_rank", "months_failing",
    )  # fmt: skip

    class Meta:
        verbose_name = _("point result")
        verbose_name_plural = _("point results")
        constraints = [models.UniqueConstraint(fields=["evaluation", "point"], name="scoring_point_once")]
        indexes = [models.Index(fields=["evaluation", "passed", "failing_rank"])]

    def __str__(self):
        return f"{self.evaluation} · {self.point_id}"


class UnitResult(FrozenRow):
    """A unit's month, each part shown: its points' pass rate, the rectification parts, rebounds
    and overdue problems, the composite value and band, and its rank in its peer group (none with
    too few observations)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="unit_results")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    # the unit's tree path when evaluated: its problems are those of its subtree
    unit_path = models.CharField(_("tree path"), max_length=255, editable=False)
    peer_group = models.CharField(_("peer group"), max_length=12, choices=PeerGroup.choices)
    points = models.PositiveIntegerField(_("points inspected"), default=0, db_default=0)
    points_passed = models.PositiveIntegerField(_("points passed"), default=0, db_default=0)
    inspections = models.PositiveIntegerField(_("inspections"), default=0, db_default=0)
    point_pass_rate = models.DecimalField(_("points' pass rate"), max_digits=6, decimal_places=2, null=True)
    problems = models.PositiveIntegerField(_("problems due"), default=0, db_default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0, db_default=0)
    closed_on_time = models.PositiveIntegerField(_("closed on time"), default=0, db_default=0)
    reworked = models.PositiveIntegerField(_("reworked"), default=0, db_default=0)
    rebounds = models.PositiveIntegerField(_("rebounds"), default=0, db_default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0, db_default=0)
    closing_rate = models.DecimalField(_("closing rate"), max_digits=6, decimal_places=2, null=True)
    on_time_rate = models.DecimalField(_("on-time rate"), max_digits=6, decimal_places=2, null=True)
    rework_rate = models.DecimalField(_("rework rate"), max_digits=6, decimal_places=2, null=True)
    workload = models.DecimalField(_("workload"), max_digits=6, decimal_places=2, null=True)
    rectification = models.DecimalField(_("rectification value"), max_digits=6, decimal_places=2, null=True)
    composite = models.DecimalField(_("composite value"), max_digits=6, decimal_places=2, null=True)
    band = models.CharField(_("band"), max_length=1, choices=Band.choices, blank=True, db_default="")
    insufficient_sample = models.BooleanField(_("insufficient sample"), default=False, db_default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True)

    HASHED = (
        "unit_id", "peer_group", "points", "points_passed", "inspections", "point_pass_rate", "problems",
        "closed", "closed_on_time", "reworked", "rebounds", "overdue", "closing_rate", "on_time_rate",
        "rework_rate", "workload", "rectification", "composite", "band", "insufficient_sample", "rank",
    )  # fmt: skip

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        ordering = ["peer_group", "rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "unit"], name="scoring_unit_once")]
        indexes = [models.Index(fields=["evaluation", "peer_group", "rank"])]

    def __str__(self):
        return f"{self.evaluation} · {self.unit_id}"


class Sanction(AppendOnlyModel):
    """奖惩台账: one entry — a reward or penalty from a rule, for a unit or a person, in a month.
    Nothing is edited: a change of status or a correction is a new entry that ``supersedes`` the
    last one (its current state is the newest entry of the chain)."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    rule = models.CharField(_("rule"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=SanctionKind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(_("performance points"), max_digits=6, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=SanctionStatus.choices, default=SanctionStatus.PROPOSED
    )
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        ordering = ["-month", "kind", "pk"]
        indexes = [models.Index(fields=["area", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False), name="scoring_sanction_has_target"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_kind_display()} {self.unit or self.person}"


class ExposedProblem(models.Model):
    """曝光台: a problem the office chose to publish on the public exposure board for a month of
    its area. Only what the board shows is public: an exposure of a problem that has since been
    closed, or that is still under a covert embargo, is never shown (``scoring.exposure``)."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month evaluated."))
    problem = models.ForeignKey(
        "problems.Problem", verbose_name=_("problem"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(
        _("note for the public"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the public board under the problem; no names or phone numbers."),
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("chosen at"))

    class Meta:
        verbose_name = _("exposed problem")
        verbose_name_plural = _("exposed problems")
        ordering = ["area", "-month", "chosen_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "month", "problem"], name="scoring_exposed_once")
        ]
        indexes = [models.Index(fields=["area", "month"])]

    def __str__(self):
        return f"{self.area} {self.month:%Y-%m} · {self.problem_id}"
