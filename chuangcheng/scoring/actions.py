"""Every change in scoring: settings versions, running a month (a draft), publishing it (frozen,
hashed, its rewards and penalties proposed), correcting a published month, and moving a reward
or penalty along (proposed → confirmed → applied) as new ledger entries.

Pages, the API, the command and the Celery task call these; they raise ``ScoringError`` with a
message fit to show.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.scoring import evaluate
from chuangcheng.scoring import rules as scoring_rules
from chuangcheng.scoring.choices import EvaluationStatus, SanctionKind, SanctionStatus
from chuangcheng.scoring.models import Evaluation, PointResult, Sanction, ScoringSettings, UnitResult


class ScoringError(Exception):
    """A refused step. ``code``: forbidden, not_found, state, invalid, no_data, not_ended."""

    STATUS = {
        "forbidden": 403,
        "not_found": 404,
        "state": 409,
        "invalid": 400,
        "no_data": 400,
        "not_ended": 400,
    }

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message, self.code = message, code

    @property
    def http_status(self) -> int:
        return self.STATUS.get(self.code, 400)


def can_manage(user, area: OrgUnit) -> bool:
    """The office of the area (a city office also runs its counties' and its own evaluation)."""
    from chuangcheng.inspections.querysets import can_manage_inspections

    return can_manage_inspections(user, area)


def _check(user, area):
    if user is not None and not can_manage(user, area):
        raise ScoringError(_("Only the campaign office of this area runs its evaluation."), code="forbidden")


# --- settings ------------------------------------------------------------------------------------
def current_settings(area: OrgUnit, *, create=True) -> ScoringSettings | None:
    """The newest settings version of ``area`` (version 1 with the defaults is made if none)."""
    found = ScoringSettings.objects.filter(area=area).order_by("-version").first()
    if found is None and create:
        found = ScoringSettings.objects.create(
            area=area, version=1, data=scoring_rules.Rules().to_data(), reason=_("Defaults")
        )
    return found


def save_settings(user, area: OrgUnit, data: dict, reason: str, *, request=None) -> ScoringSettings:
    """A new version of the rules (ValidationError naming every bad key)."""
    _check(user, area)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the rules change.")})
    rules = scoring_rules.from_data(data)
    with transaction.atomic():
        last = (
            ScoringSettings.objects.select_for_update().filter(area=area).aggregate(v=Max("version"))["v"]
            or 0
        )
        saved = ScoringSettings.objects.create(
            area=area, version=last + 1, data=rules.to_data(), reason=reason.strip()[:300], created_by=user
        )
        audit.record(AuditAction.UPDATE, request=request, user=user, obj=saved, version=saved.version)
    return saved


# --- running a month -----------------------------------------------------------------------------
def _groups(area: OrgUnit):
    return evaluate.CITY_GROUPS if area.kind == UnitKind.CITY else evaluate.COUNTY_GROUPS


def run_month(user, area: OrgUnit, month: date, *, now: datetime | None = None, request=None) -> Evaluation:
    """Compute ``month`` for ``area`` as a draft (replacing an earlier draft of that month)."""
    now = now or timezone.now()
    _check(user, area)
    month = month.replace(day=1)
    _start, end = evaluate.month_bounds(month)
    if end > now:
        raise ScoringError(
            _("{month} has not ended yet; it can be evaluated from {day}.").format(
                month=month.strftime("%Y-%m"), day=timezone.localtime(end).date().isoformat()
            ),
            code="not_ended",
        )
    # a covert plan running past the month keeps its visits secret: results by point would tell
    # the units where the inspectors went before the plan's period ends (security.md 6)
    secret_until = (
        evaluate.counted_inspections_for(area, month)
        .filter(embargo_until__gte=timezone.localdate(now))
        .aggregate(last=Max("embargo_until"))["last"]
    )
    if secret_until is not None:
        raise ScoringError(
            _("Covert inspections of {month} stay secret until {day}; evaluate the month after that.").format(
                month=month.strftime("%Y-%m"), day=secret_until.isoformat()
            ),
            code="not_ended",
        )
    settings_row = current_settings(area)
    rules = settings_row.rules
    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=area.pk).first()  # one run of an area at a time
        inspections = evaluate.counted_inspections_for(area, month).count()
        problems = evaluate.problems_found_for(area, month).count()
        if inspections == 0 and problems == 0:
            raise ScoringError(
                _("There is nothing to evaluate in {month}: no inspection and no problem.").format(
                    month=month.strftime("%Y-%m")
                ),
                code="no_data",
            )
        Evaluation.objects.filter(area=area, month=month, status=EvaluationStatus.DRAFT).delete()
        last = Evaluation.objects.filter(area=area, month=month).aggregate(n=Max("number"))["n"] or 0
        previous = (
            Evaluation.objects.published()
            .filter(area=area, month=evaluate.previous_month(month))
            .order_by("-number")
            .first()
        )
        corrected = Evaluation.objects.published().filter(area=area, month=month).order_by("-number").first()
        evaluation = Evaluation.objects.create(
            area=area,
            month=month,
            number=last + 1,
            peer_level="counties" if area.kind == UnitKind.CITY else "units",
            settings_version=settings_row,
            cutoff=end,
            computed_at=now,
            computed_by=user,
            corrects=corrected,
            input_counts={"inspections": inspections, "problems": problems},
        )
        points = evaluate.compute_points(evaluation, rules, previous)
        units = evaluate.compute_units(evaluation, rules, _groups(area))
        Evaluation.objects.filter(pk=evaluation.pk).update(
            input_counts={"inspections": inspections, "problems": problems, "points": points, "units": units}
        )
        evaluation.refresh_from_db()
        audit.record(AuditAction.CREATE, request=request, user=user, obj=evaluation, month=month.isoformat())
    return evaluation


def publish(user, evaluation_id: int, *, reason: str = "", now=None, request=None) -> Evaluation:
    """Freeze a draft: who, when, its hash; propose the rewards and penalties its rules give. A
    correction of a published month needs a reason."""
    now = now or timezone.now()
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("area", "settings_version")
            .filter(pk=evaluation_id)
            .first()
        )
        if evaluation is None:
            raise ScoringError(_("No such evaluation."), code="not_found")
        _check(user, evaluation.area)
        if evaluation.status != EvaluationStatus.DRAFT:
            raise ScoringError(_("This evaluation is already published."), code="state")
        if evaluation.corrects_id and not reason.strip():
            raise ScoringError(
                _("{month} is already published: say why this correction replaces it.").format(
                    month=evaluation.month.strftime("%Y-%m")
                )
            )
        content_hash = evaluation.compute_hash()
        Evaluation.objects.filter(pk=evaluation.pk).update(
            status=EvaluationStatus.PUBLISHED,
            published_at=now,
            published_by=user,
            reason=reason.strip()[:300],
            content_hash=content_hash,
        )
        evaluation.refresh_from_db()
        propose_sanctions(evaluation, user)
        audit.record(
            AuditAction.UPDATE, request=request, user=user, obj=evaluation, step="publish", hash=content_hash
        )
    return evaluation


# --- rewards and penalties -----------------------------------------------------------------------
def propose_sanctions(evaluation: Evaluation, user) -> list[Sanction]:
    """The entries the rules give for a published evaluation (a correction's replace nothing:
    the office withdraws the old ones it no longer stands by). The evidence is written in
    Chinese whatever the publisher's interface language: it is part of the record."""
    with translation.override("zh-hans"):
        return _propose_sanctions(evaluation, user)


def _propose_sanctions(evaluation: Evaluation, user) -> list[Sanction]:
    rules = evaluation.settings_version.rules
    month = evaluation.month
    entries = []
    ranked = UnitResult.objects.filter(evaluation=evaluation, rank__isnull=False).select_related("unit")
    groups: dict[str, list[UnitResult]] = {}
    for row in ranked.order_by("peer_group", "rank", "unit_id"):
        groups.setdefault(row.peer_group, []).append(row)
    for rule in rules.sanctions:
        if rule.rule in ("top", "bottom"):
            for rows in groups.values():
                # top n as ranked; bottom n only in a group larger than n, never a top-n unit
                if rule.rule == "top":
                    chosen = [r for r in rows if r.rank <= rule.n]
                elif len(rows) > rule.n:
                    worst = max(r.rank for r in rows)
                    chosen = [r for r in rows if r.rank > max(worst - rule.n, rule.n)]
                else:
                    chosen = []
                for row in chosen:
                    entries.append(
                        Sanction(
                            unit=row.unit,
                            rule=f"{rule.rule}{rule.n}",
                            kind=rule.kind,
                            points=_signed(rule),
                            evidence=_("Rank {rank} of {n} ({group}), composite {value}").format(
                                rank=row.rank,
                                n=len(rows),
                                group=row.get_peer_group_display(),
                                value=row.composite,
                            ),
                        )
                    )
        elif rule.rule == "point_fail_streak":
            streaks = PointResult.objects.filter(
                evaluation=evaluation, passed=False, months_failing__gte=rule.n, point_leader__isnull=False
            ).select_related("point", "point_leader")
            for row in streaks:
                entries.append(
                    Sanction(
                        person=row.point_leader,
                        unit_id=row.responsible_unit_id,
                        rule=f"point_fail_streak{rule.n}",
                        kind=rule.kind,
                        points=_signed(rule),
                        evidence=_("{point} failed {n} months running (mean score {score})").format(
                            point=row.point.name, n=row.months_failing, score=row.mean_score
                        ),
                    )
                )
        elif rule.rule == "rebound":
            for row in UnitResult.objects.filter(evaluation=evaluation, rebounds__gt=0).select_related(
                "unit"
            ):
                entries.append(
                    Sanction(
                        unit=row.unit,
                        rule="rebound",
                        kind=rule.kind,
                        points=_signed(rule) * row.rebounds,
                        evidence=_("{n} rebounds").format(n=row.rebounds),
                    )
                )
    for entry in entries:
        entry.area, entry.month, entry.evaluation, entry.created_by = evaluation.area, month, evaluation, user
        entry.status = SanctionStatus.PROPOSED
    return Sanction.objects.bulk_create(entries)


def _signed(rule) -> Decimal:
    """Deductions count against the unit (negative points); praise may carry a bonus."""
    return -rule.points if rule.kind in (SanctionKind.DEDUCTION, SanctionKind.CRITICISM) else rule.points


NEXT_STATUS = {
    SanctionStatus.PROPOSED: {SanctionStatus.CONFIRMED, SanctionStatus.WITHDRAWN},
    SanctionStatus.CONFIRMED: {SanctionStatus.APPLIED, SanctionStatus.WITHDRAWN},
}


def move_sanction(user, sanction_id: int, status: str, note: str = "", *, request=None) -> Sanction:
    """A new entry carrying ``sanction`` to ``status`` (the old entry stays as it was)."""
    with transaction.atomic():
        entry = Sanction.objects.select_for_update().select_related("area").filter(pk=sanction_id).first()
        if entry is None:
            raise ScoringError(_("No such entry."), code="not_found")
        _check(user, entry.area)
        if Sanction.objects.filter(supersedes=entry).exists():
            raise ScoringError(
                _("This entry has already been superseded; act on its newest entry."), code="state"
            )
        if status not in NEXT_STATUS.get(entry.status, set()):
            raise ScoringError(
                _("An entry that is “{old}” cannot become “{new}”.").format(
                    old=entry.get_status_display(),
                    new=SanctionStatus(status).label if status in SanctionStatus.values else status,
                ),
                code="state",
            )
        moved = Sanction.objects.create(
            area=entry.area, month=entry.month, evaluation=entry.evaluation, rule=entry.rule, kind=entry.kind,
            unit=entry.unit, person=entry.person, points=entry.points, status=status,
            evidence=(entry.evidence + (f"\n{note.strip()}" if note.strip() else ""))[:2000],
            supersedes=entry, created_by=user,
        )  # fmt: skip
        audit.record(AuditAction.UPDATE, request=request, user=user, obj=moved, status=status)
    return moved
