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
from django.db.models import Count, Max
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


def current_settings_of(areas: list[OrgUnit]) -> dict[int, ScoringSettings]:
    """area id → its newest settings version (version 1 with the defaults made where none)."""
    newest: dict[int, ScoringSettings] = {}
    for row in ScoringSettings.objects.filter(area__in=areas).order_by("area_id", "version"):
        newest[row.area_id] = row
    missing = [area for area in areas if area.pk not in newest]
    if missing:
        made = ScoringSettings.objects.bulk_create(
            [
                ScoringSettings(
                    area=area, version=1, data=scoring_rules.Rules().to_data(), reason=_("Defaults")
                )
                for area in missing
            ]
        )
        newest.update({row.area_id: row for row in made})
    return newest


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
    evaluations, refused = run_months(user, [area], month, now=now, request=request)
    if refused:
        raise refused[area.pk]
    return evaluations[0]


def run_months(
    user, areas: list[OrgUnit], month: date, *, now: datetime | None = None, request=None
) -> tuple[list[Evaluation], dict[int, ScoringError]]:
    """Compute ``month`` for every area of ``areas`` (all counties, or all cities) as drafts in one
    pass: areas sharing their rules are evaluated by the same few statements (``evaluate.Batch``).
    Returns the drafts and, by area id, the areas refused (no data; covert visits still secret).
    A month not ended, or an area the user does not run, refuses the whole call."""
    now = now or timezone.now()
    areas = list({area.pk: area for area in areas}.values())  # each area once
    if len({area.kind == UnitKind.CITY for area in areas}) > 1:
        # a city reads its counties' rows: evaluated together, one run's refusal (a covert visit
        # still secret) or counts would be credited to the other
        raise ScoringError(_("Evaluate counties and cities in separate runs."), code="invalid")
    for area in areas:
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
    reads = {area.pk: evaluate.area_ids(area) for area in areas}
    every = sorted({read for ids in reads.values() for read in ids})
    refused: dict[int, ScoringError] = {}
    # a covert plan running past the month keeps its visits secret: results by point would tell
    # the units where the inspectors went before the plan's period ends (security.md 6)
    secret = dict(
        evaluate.counted_inspections_in(every, month)
        .filter(embargo_until__gte=timezone.localdate(now))
        .values("area")
        .annotate(last=Max("embargo_until"))
        .values_list("area", "last")
    )
    for area_id, ids in reads.items():
        until = [secret[read] for read in ids if read in secret]
        if until:
            refused[area_id] = ScoringError(
                _(
                    "Covert inspections of {month} stay secret until {day}; evaluate the month after that."
                ).format(month=month.strftime("%Y-%m"), day=max(until).isoformat()),
                code="not_ended",
            )
    with transaction.atomic():
        # one run of an area at a time
        list(OrgUnit.objects.select_for_update().filter(pk__in=list(reads)).order_by("pk").values("pk"))
        found = {
            key: dict(rows.order_by().values("area").annotate(n=Count("pk")).values_list("area", "n"))
            for key, rows in (
                ("inspections", evaluate.counted_inspections_in(every, month)),
                ("problems", evaluate.problems_found_in(every, month)),
            )
        }
        counts = {
            area_id: {key: sum(found[key].get(read, 0) for read in ids) for key in found}
            for area_id, ids in reads.items()
        }
        for area in areas:
            if area.pk not in refused and not any(counts[area.pk].values()):
                refused[area.pk] = ScoringError(
                    _("There is nothing to evaluate in {month}: no inspection and no problem.").format(
                        month=month.strftime("%Y-%m")
                    ),
                    code="no_data",
                )
        todo = [area for area in areas if area.pk not in refused]
        if not todo:
            return [], refused
        ids = [area.pk for area in todo]
        Evaluation.objects.filter(area_id__in=ids, month=month, status=EvaluationStatus.DRAFT).delete()
        numbers = dict(
            Evaluation.objects.filter(area_id__in=ids, month=month)
            .values("area")
            .annotate(n=Max("number"))
            .values_list("area", "n")
        )
        previous = _newest_published(ids, evaluate.previous_month(month))
        corrected = _newest_published(ids, month)
        settings_rows = current_settings_of(todo)
        evaluations = Evaluation.objects.bulk_create(
            [
                Evaluation(
                    area=area,
                    month=month,
                    number=numbers.get(area.pk, 0) + 1,
                    peer_level="counties" if area.kind == UnitKind.CITY else "units",
                    settings_version=settings_rows[area.pk],
                    cutoff=end,
                    computed_at=now,
                    computed_by=user,
                    corrects_id=corrected.get(area.pk),
                    input_counts=counts[area.pk],
                )
                for area in todo
            ]
        )
        # areas with the same rules and peer groups share one batch
        batches: dict[tuple, list[Evaluation]] = {}
        for evaluation in evaluations:
            key = (evaluation.peer_level, evaluation.settings_version.data_key())
            batches.setdefault(key, []).append(evaluation)
        for members in batches.values():
            first = members[0]
            evaluate.Batch(
                month,
                first.settings_version.rules,
                _groups(first.area),
                areas={e.pk: reads[e.area_id] for e in members},
                previous={e.pk: previous[e.area_id] for e in members if e.area_id in previous},
            ).run()
        ids = [e.pk for e in evaluations]
        written = {
            key: dict(model.objects.filter(evaluation_id__in=ids).values("evaluation").annotate(n=Count("pk"))
                      .values_list("evaluation", "n"))
            for key, model in (("points", PointResult), ("units", UnitResult))
        }  # fmt: skip
        for evaluation in evaluations:
            evaluation.input_counts = {
                **counts[evaluation.area_id],
                "points": written["points"].get(evaluation.pk, 0),
                "units": written["units"].get(evaluation.pk, 0),
            }
        Evaluation.objects.bulk_update(evaluations, ["input_counts"])
        evaluations = list(
            Evaluation.objects.filter(pk__in=ids)
            .select_related("area", "settings_version")
            .order_by("area__path")
        )
        for evaluation in evaluations:
            audit.record(
                AuditAction.CREATE, request=request, user=user, obj=evaluation, month=month.isoformat()
            )
    return evaluations, refused


def _newest_published(area_ids: list[int], month: date) -> dict[int, int]:
    """area id → the id of the newest published version of ``month`` (areas that have one)."""
    rows = (
        Evaluation.objects.published()
        .filter(area_id__in=area_ids, month=month)
        .order_by("area_id", "number")
        .values_list("area_id", "pk")
    )
    return dict(rows)  # the last (highest number) of each area wins


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
