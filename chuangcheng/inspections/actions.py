"""Operations that change inspections: drawing, amending, cancelling and revealing plans;
verifying draws; submitting inspections. Pages, the API and commands all call these."""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.indicators.models import CheckItem, PointType
from chuangcheng.inspections import draw as drawing
from chuangcheng.inspections import hooks
from chuangcheng.inspections.choices import (
    NEVER_SECRET,
    AssignmentOrigin,
    AssignmentStatus,
    InspectionKind,
    Outcome,
    PlanKind,
)
from chuangcheng.inspections.models import Amendment, Assignment, Inspection, ItemResult, Plan
from chuangcheng.inspections.querysets import can_manage_inspections
from chuangcheng.inspections.score import score_line, total
from chuangcheng.org.choices import AREA_KINDS, SUBTREE_ROLES, Role
from chuangcheng.org.models import OrgUnit, Pairing, User
from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import Point
from chuangcheng.utils.geo import distance_m

RISK_LOOKBACK_DAYS = 90
# A phone clock off by more than this is refused (the start time cannot be trusted, and the
# figures would overflow); less is measured and corrected. Phones are often days off.
MAX_CLOCK_SKEW_SECONDS = 366 * 24 * 3600
MAX_PLAN_DAYS = 366
MAX_RISK_WEIGHT = 10


class ActionError(Exception):
    """An action refused as a whole; the message is for the user (``messages`` for several)."""

    def __init__(self, message: str, messages: list[str] | None = None, code: str = "invalid"):
        super().__init__(message)
        self.messages = messages or [message]
        self.code = code

    @property
    def http_status(self) -> int:
        """The status the page's JSON answer and the API give this refusal (400 by default)."""
        return ERROR_STATUS.get(self.code, 400)


# Refusal codes → HTTP status, for the phone page and the API alike. "not_yours" answers like
# an unknown id (404: someone else's assignment, or a covert one not yet open, is not confirmed
# to exist); refusals by the state of things are conflicts; a reused key with another payload
# is 422 (IETF Idempotency-Key).
ERROR_STATUS = {
    "forbidden": 403,
    "not_yours": 404,
    "point": 404,
    "done": 409,
    "client_key": 409,
    "not_due": 409,
    "closed": 409,
    "withdrawn": 409,
    "cancelled": 409,
    "started": 409,
    "key_reused": 422,
}


# --- plans -----------------------------------------------------------------------------------------
@dataclass
class PlanInput:
    area: OrgUnit
    name: str
    kind: str
    period_start: date
    period_end: date
    rules: drawing.Rules
    inspector_ids: list[int]
    point_type_ids: list[int] = field(default_factory=list)
    township_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    recent_problem_days: int | None = None
    is_covert: bool | None = None  # None: by kind
    self_unit: OrgUnit | None = None
    notes: str = ""

    def filters_json(self) -> dict:
        return {
            "point_types": sorted(self.point_type_ids),
            "townships": sorted(self.township_ids),
            "units": sorted(self.unit_ids),
            "recent_problem_days": self.recent_problem_days,
        }


def can_plan(user, area=None) -> bool:
    return can_manage_inspections(user, area)


def _conflict_paths(inspectors: list[User], day_from: date, day_to: date) -> dict[int, set[str]]:
    """Per inspector, the paths of the units whose points they may not inspect: units they
    belong to (their own unit and units where they hold a role, the county itself excepted)
    and units they are paired with (结对联创) during the period."""
    paths: dict[int, set[str]] = {i.pk: set() for i in inspectors}
    for person in inspectors:
        units = [person.unit] if person.unit_id else []
        units += [a.unit for a in person._assignments()]
        for unit in units:
            if unit is not None and unit.kind not in AREA_KINDS:
                paths[person.pk].add(unit.path)
    pairings = Pairing.objects.filter(leader__in=inspectors, started_on__lte=day_to).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day_from)
    )
    for pairing in pairings.select_related("unit"):
        paths[pairing.leader_id].add(pairing.unit.path)
    return paths


def _conflicted(person_id: int, paths: set[str], point: Point) -> bool:
    """Whether a person may not inspect a point: they lead it (点长), or it belongs to (or lies
    in the territory of) a unit they belong to or are paired with (``paths``)."""
    if point.point_leader_id == person_id:
        return True
    unit_paths = [point.responsible_unit.path] + ([point.township.path] if point.township_id else [])
    return any(u.startswith(p) for u in unit_paths for p in paths)


def _recent_failures(area, point_ids, since) -> Counter:
    rows = (
        Inspection.objects.filter(area=area, point_id__in=point_ids, submitted_at__gte=since, passed=False)
        .exclude(kind=InspectionKind.SELF)
        .values_list("point_id", flat=True)
    )
    return Counter(rows)


def _last_inspectors(point_ids) -> dict[int, tuple[int, ...]]:
    last: dict[int, tuple[int, ...]] = {}
    rows = (
        Inspection.objects.filter(point_id__in=point_ids)
        .exclude(kind=InspectionKind.SELF)
        .order_by("point_id", "-submitted_at")
        .values_list("point_id", "inspector_id", "second_inspector_id")
    )
    for point_id, first, second in rows:
        if point_id not in last:
            last[point_id] = tuple(i for i in (first, second) if i)
    return last


def eligible_inspectors(area: OrgUnit, self_unit: OrgUnit | None = None):
    """Who may be drawn: people holding the inspector role in the area (for a self-inspection,
    the staff of the inspecting unit)."""
    people = User.objects.filter(is_active=True)
    if self_unit is not None:
        return people.filter(
            role_assignments__unit__path__startswith=self_unit.path,
            role_assignments__role__in=[*SUBTREE_ROLES, Role.POINT_LEADER],
        ).distinct()
    return people.filter(
        role_assignments__role=Role.INSPECTOR, role_assignments__unit__path__startswith=area.path
    ).distinct()


def pool_points(data: PlanInput):
    points = Point.objects.filter(area=data.area, status=PointStatus.ACTIVE)
    if data.self_unit is not None:
        points = points.filter(responsible_unit__path__startswith=data.self_unit.path)
    if data.point_type_ids:
        points = points.filter(point_type_id__in=data.point_type_ids)
    if data.township_ids:
        points = points.filter(township_id__in=data.township_ids)
    if data.unit_ids:
        unit_q = Q(pk__in=[])
        for unit in OrgUnit.objects.filter(pk__in=data.unit_ids):
            unit_q |= Q(responsible_unit__path__startswith=unit.path)
        points = points.filter(unit_q)
    if data.recent_problem_days:
        recent = hooks.points_with_recent_problems(data.area, data.recent_problem_days)
        if recent is None:
            since = timezone.now() - timedelta(days=data.recent_problem_days)
            recent = set(_recent_failures(data.area, points.values("pk"), since))
        points = points.filter(pk__in=sorted(recent))
    return points.select_related("responsible_unit", "township")


def build_pool(data: PlanInput) -> drawing.Pool:
    """Freeze the pool: the points (with type, township, risk weight, conflicts, last inspectors)
    and the inspectors, as plain data stored with the plan."""
    points = list(pool_points(data).order_by("pk"))
    candidates = {p.pk: p for p in eligible_inspectors(data.area, data.self_unit).prefetch_related(None)}
    unknown = [i for i in data.inspector_ids if i not in candidates]
    if unknown:
        raise ActionError(_("Some of the chosen people are not inspectors of this area."), code="inspectors")
    inspectors = [candidates[i] for i in sorted(set(data.inspector_ids))]
    for person in inspectors:
        person._role_assignment_cache = list(person.role_assignments.select_related("unit"))
    conflicts = (
        {} if data.kind == PlanKind.SELF else _conflict_paths(inspectors, data.period_start, data.period_end)
    )
    point_ids = [p.pk for p in points]
    since = timezone.now() - timedelta(days=RISK_LOOKBACK_DAYS)
    failures = _recent_failures(data.area, point_ids, since)
    extra = hooks.extra_risk(data.area, point_ids, since)
    last = _last_inspectors(point_ids)
    pool_points_: list[drawing.PoolPoint] = []
    for point in points:
        blocked = (
            ()
            if data.kind == PlanKind.SELF
            else tuple(
                person.pk
                for person in inspectors
                if _conflicted(person.pk, conflicts.get(person.pk, set()), point)
            )
        )
        weight = min(MAX_RISK_WEIGHT, 1 + 2 * failures.get(point.pk, 0) + extra.get(point.pk, 0))
        pool_points_.append(
            drawing.PoolPoint(
                id=point.pk,
                type_id=point.point_type_id,
                township_id=point.township_id,
                weight=weight,
                blocked=blocked,
                last_inspectors=last.get(point.pk, ()),
            )
        )
    return drawing.Pool(points=tuple(pool_points_), inspectors=tuple(p.pk for p in inspectors))


def explain(shortfalls: list[drawing.Shortfall]) -> list[str]:
    """Each infeasible constraint in words: which one and how short."""
    point_names = dict(
        Point.objects.filter(pk__in=[s.subject for s in shortfalls if s.subject]).values_list("pk", "name")
    )
    type_names = dict(
        PointType.objects.filter(pk__in=[s.subject for s in shortfalls if s.subject]).values_list(
            "pk", "name"
        )
    )
    texts = []
    for s in shortfalls:
        if s.code == "no_points":
            texts.append(_("The pool has no points: the filters match no active point."))
        elif s.code == "no_inspectors":
            texts.append(_("The pool has no inspectors: choose at least one."))
        elif s.code == "no_slots":
            texts.append(_("The time windows contain no day: check the date ranges, weekdays and day parts."))
        elif s.code == "too_few_inspectors":
            texts.append(
                _(
                    "Inspectors per visit: each visit needs {needed} inspectors but the pool has {available}."
                ).format(needed=s.needed, available=s.available)
            )
        elif s.code == "no_visits":
            texts.append(_("Neither visits per point nor extra visits are set: nothing would be drawn."))
        elif s.code == "type_quota":
            texts.append(
                _(
                    "Per-type quota: {type} has {available} points in the pool, {needed} are to be drawn."
                ).format(type=type_names.get(s.subject, s.subject), available=s.available, needed=s.needed)
            )
        elif s.code == "windows":
            texts.append(
                _(
                    "Coverage: every point is to be visited {needed} times "
                    "but there are only {available} windows."
                ).format(needed=s.needed, available=s.available)
            )
        elif s.code == "conflicts":
            texts.append(
                _(
                    "Conflict of interest: only {available} of the inspectors may inspect “{point}” "
                    "(the others belong to or are paired with its unit); {needed} are needed per visit."
                ).format(point=point_names.get(s.subject, s.subject), available=s.available, needed=s.needed)
            )
        elif s.code == "spacing":
            texts.append(
                _(
                    "Spacing: “{point}” is visited more than once "
                    "but only {available} inspectors may inspect it; "
                    "{needed} are needed so that nobody inspects it twice in a row."
                ).format(point=point_names.get(s.subject, s.subject), available=s.available, needed=s.needed)
            )
        elif s.code == "inspector_capacity":
            texts.append(
                _(
                    "Visits per inspector: the plan needs {needed} inspector visits but the inspectors "
                    "can make at most {available}; {short} short."
                ).format(needed=s.needed, available=s.available, short=s.needed - s.available)
            )
        elif s.code == "slot_capacity":
            texts.append(
                _(
                    "Time windows: the plan needs {needed} inspector visits but the windows hold at most "
                    "{available}; {short} short."
                ).format(needed=s.needed, available=s.available, short=s.needed - s.available)
            )
        else:  # unplaced
            texts.append(
                _(
                    "No inspector was free for visit {visit} to “{point}” between {start} and {end} "
                    "({eligible} may inspect it; the others are busy, at their limit or inspected it last). "
                    "Add inspectors, widen the windows or raise the limits."
                ).format(
                    visit=s.detail.get("visit"),
                    point=point_names.get(s.subject, s.subject),
                    start=s.detail.get("from"),
                    end=s.detail.get("to"),
                    eligible=s.detail.get("eligible"),
                )
            )
    return texts


def _validate_plan_input(user, data: PlanInput) -> None:
    if not can_plan(user, data.area):
        raise ActionError(_("Only the campaign office of this area can plan inspections."), code="forbidden")
    if data.period_end < data.period_start:
        raise ActionError(_("The period ends before it starts."), code="period")
    for start, end in data.rules.date_ranges:
        if end < start or start < data.period_start or end > data.period_end:
            raise ActionError(_("Every date range must lie within the plan's period."), code="date_ranges")
    if (data.period_end - data.period_start).days >= MAX_PLAN_DAYS:
        raise ActionError(_("A plan covers at most a year."), code="period")
    if data.kind == PlanKind.SELF and data.self_unit is None:
        raise ActionError(_("A self-inspection plan names the unit that inspects itself."), code="self_unit")
    if data.kind != PlanKind.SELF and data.self_unit is not None:
        raise ActionError(_("Only a self-inspection plan names a self-inspecting unit."), code="self_unit")
    if data.self_unit is not None and not data.self_unit.path.startswith(data.area.path):
        raise ActionError(_("The self-inspecting unit must belong to the plan's area."), code="self_unit")
    if data.rules.inspectors_per_visit not in (1, 2):
        raise ActionError(_("A visit is made by one or two inspectors."), code="inspectors_per_visit")


@transaction.atomic
def create_plan(user, data: PlanInput, *, request=None, seed: str | None = None, now=None) -> Plan:
    """Create a plan and draw it at once: the secret seed is generated here, its SHA-256
    commitment stored and shown; the assignments are ``draw(seed, pool, rules)``.

    Drawing at creation (not later) means nobody can tune the pool after seeing a seed; a plan
    is never deleted — one the office does not want is cancelled, with its reason, in view.
    """
    _validate_plan_input(user, data)
    pool = build_pool(data)
    seed = seed or secrets.token_hex(32)
    try:
        visits = drawing.draw(seed, pool, data.rules)
    except drawing.Infeasible as infeasible:
        texts = explain(infeasible.shortfalls)
        raise ActionError(texts[0], messages=texts, code="infeasible") from None
    is_covert = data.is_covert if data.is_covert is not None else data.kind not in NEVER_SECRET
    if data.kind in NEVER_SECRET:
        is_covert = False
    plan = Plan.objects.create(
        area=data.area,
        name=data.name,
        kind=data.kind,
        is_covert=is_covert,
        self_unit=data.self_unit,
        period_start=data.period_start,
        period_end=data.period_end,
        filters=data.filters_json(),
        rules=data.rules.to_json(),
        pool=pool.to_json(),
        inputs_digest=drawing.digest(pool, data.rules),
        seed_commitment=drawing.commitment(seed),
        seed=seed,
        algorithm_version=drawing.ALGORITHM_VERSION,
        notes=data.notes,
        created_by=user,
    )
    Assignment.objects.bulk_create(_assignments_for(plan, visits, start=1))
    audit.record(
        AuditAction.CREATE,
        request=request,
        user=user,
        obj=plan,
        commitment=plan.seed_commitment,
        assignments=len(visits),
    )
    return plan


def _assignments_for(plan, visits, *, start: int) -> list[Assignment]:
    rows = []
    for number, visit in enumerate(visits, start=start):
        window_start, window_end = Assignment.window_for(visit.day, visit.day_part)
        rows.append(
            Assignment(
                plan=plan,
                sequence=number,
                point_id=visit.point_id,
                day=visit.day,
                day_part=visit.day_part,
                window_start=window_start,
                window_end=window_end,
                inspector_id=visit.inspectors[0],
                second_inspector_id=visit.inspectors[1] if len(visit.inspectors) > 1 else None,
            )
        )
    return rows


@transaction.atomic
def cancel_plan(user, plan: Plan, reason: str, *, request=None) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not can_plan(user, plan.area):
        raise ActionError(_("Only the campaign office of this area can cancel its plans."), code="forbidden")
    if plan.is_cancelled:
        raise ActionError(_("This plan is already cancelled."), code="cancelled")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for cancelling the plan."), code="reason")
    plan.cancelled_at, plan.cancelled_by, plan.cancel_reason = timezone.now(), user, reason[:500]
    plan.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    plan.assignments.filter(status=AssignmentStatus.PENDING).update(status=AssignmentStatus.CANCELLED)
    audit.record(AuditAction.UPDATE, request=request, user=user, obj=plan, change="cancel", reason=reason)
    return plan


@dataclass
class AmendInput:
    inspector: User
    second_inspector: User | None
    day: date
    day_part: str
    reason: str


@transaction.atomic
def amend_assignment(user, assignment: Assignment, data: AmendInput, *, request=None) -> Assignment:
    """Replace a pending assignment by hand: the original stays (status replaced) so the draw can
    still be verified; the replacement is marked amended; the amendment records who and why."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("plan", "point__responsible_unit", "point__township")
        .get(pk=assignment.pk)
    )
    plan = assignment.plan
    if not can_plan(user, plan.area):
        raise ActionError(_("Only the campaign office of this area can amend its plans."), code="forbidden")
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one amendment at a time: sequence numbers
    now = timezone.now()
    if plan.is_cancelled:
        raise ActionError(_("This plan is cancelled."), code="cancelled")
    if assignment.status != AssignmentStatus.PENDING:
        raise ActionError(_("Only a pending assignment can be amended."), code="not_pending")
    reason = (data.reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the amendment."), code="reason")
    if assignment.window_start <= now:
        raise ActionError(
            _(
                "This assignment's window has begun: the inspector may be on the way. "
                "It can no longer be amended."
            ),
            code="started",
        )
    if not (plan.period_start <= data.day <= plan.period_end):
        raise ActionError(_("The new day lies outside the plan's period."), code="day")
    if Assignment.window_for(data.day, data.day_part)[1] <= now:
        raise ActionError(_("The new window has already ended; choose a later one."), code="day")
    per_visit = drawing.Rules.from_json(plan.rules).inspectors_per_visit
    if per_visit == 2 and data.second_inspector is None:
        raise ActionError(
            _("Visits of this plan are made by two inspectors: choose the second."), code="inspectors"
        )
    if data.second_inspector is not None and data.second_inspector.pk == data.inspector.pk:
        raise ActionError(_("The two inspectors must be different people."), code="inspectors")
    people = [data.inspector] + ([data.second_inspector] if data.second_inspector else [])
    allowed = set(eligible_inspectors(plan.area, plan.self_unit).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in people):
        raise ActionError(_("Some of the chosen people are not inspectors of this area."), code="inspectors")
    if plan.kind != PlanKind.SELF:
        conflicts = _conflict_paths(people, plan.period_start, plan.period_end)
        for person in people:
            if _conflicted(person.pk, conflicts[person.pk], assignment.point):
                raise ActionError(
                    _(
                        "{name} belongs to or is paired with the unit of this point and may not inspect it."
                    ).format(name=person.display_name),
                    code="conflict",
                )
    window_start, window_end = Assignment.window_for(data.day, data.day_part)
    next_sequence = (plan.assignments.aggregate(m=Max("sequence"))["m"] or 0) + 1
    replacement = Assignment.objects.create(
        plan=plan,
        sequence=next_sequence,
        point=assignment.point,
        day=data.day,
        day_part=data.day_part,
        window_start=window_start,
        window_end=window_end,
        inspector=data.inspector,
        second_inspector=data.second_inspector,
        origin=AssignmentOrigin.AMENDED,
        replaces=assignment,
    )
    assignment.status = AssignmentStatus.REPLACED
    assignment.save(update_fields=["status"])
    Amendment.objects.create(
        plan=plan, original=assignment, replacement=replacement, reason=reason, made_by=user
    )
    audit.record(
        AuditAction.UPDATE,
        request=request,
        user=user,
        obj=plan,
        change="amend",
        assignment=assignment.sequence,
        replacement=replacement.sequence,
        reason=reason,
    )
    return replacement


def reveal_due_seeds(today: date | None = None) -> int:
    """Reveal the seed of every plan whose period has ended (a periodic job); returns how many."""
    today = today or timezone.localdate()
    return Plan.objects.filter(period_end__lt=today, seed_revealed_at__isnull=True).update(
        seed_revealed_at=timezone.now()
    )


def mark_missed(now: datetime | None = None) -> int:
    """Pending assignments whose window (and the grace for late uploads) has passed are missed."""
    now = now or timezone.now()
    grace = timedelta(hours=settings.INSPECTION_SUBMIT_GRACE_HOURS)
    return Assignment.objects.filter(status=AssignmentStatus.PENDING, window_end__lt=now - grace).update(
        status=AssignmentStatus.MISSED
    )


# --- verification ----------------------------------------------------------------------------------
@dataclass
class Verification:
    plan: Plan
    ok: bool
    checked: int = 0
    problems: list[str] = field(default_factory=list)


BUNDLE_FORMAT = "chuangcheng-draw/1"


def verification_bundle(plan: Plan) -> dict:
    """Everything needed to check a revealed plan's draw without this database: the seed, its
    commitment, the frozen pool and rules, their digest, and the drawn assignments in order
    (``manage.py export_draw``; ``verify_draw --bundle`` or any re-implementation of
    docs/inspections.md checks it). Office only: the pool names inspectors by their ids."""
    drawn = plan.assignments.filter(origin=AssignmentOrigin.DRAWN).order_by("sequence")
    return {
        "format": BUNDLE_FORMAT,
        "plan": plan.pk,
        "name": plan.name,
        "algorithm_version": plan.algorithm_version,
        "seed": plan.revealed_seed,
        "seed_commitment": plan.seed_commitment,
        "inputs_digest": plan.inputs_digest,
        "pool": plan.pool,
        "rules": plan.rules,
        "assignments": [
            [a.sequence, a.point_id, a.day.isoformat(), a.day_part, list(a.inspector_ids)] for a in drawn
        ],
    }


def verify_bundle(bundle: dict) -> tuple[int, list[str]]:
    """Check a bundle (no database): returns (assignments checked, problems)."""
    problems: list[str] = []
    if bundle.get("algorithm_version") != drawing.ALGORITHM_VERSION:
        return 0, [
            _(
                "The plan was drawn with algorithm version {version}, which this software cannot re-run."
            ).format(version=bundle.get("algorithm_version"))
        ]
    seed = bundle.get("seed") or ""
    if not seed:
        return 0, [_("The seed is not revealed yet: a plan can be verified after its period.")]
    if drawing.commitment(seed) != bundle["seed_commitment"]:
        problems.append(_("The revealed seed does not match the commitment published with the plan."))
    pool = drawing.Pool.from_json(bundle["pool"])
    rules = drawing.Rules.from_json(bundle["rules"])
    if drawing.digest(pool, rules) != bundle["inputs_digest"]:
        problems.append(_("The stored pool or rules do not match the digest published with the plan."))
    try:
        expected = drawing.draw(seed, pool, rules)
    except drawing.Infeasible:
        problems.append(_("The draw cannot be re-run from the stored pool and rules."))
        expected = []
    drawn = bundle["assignments"]
    if len(drawn) != len(expected):
        problems.append(
            _("The plan holds {held} drawn assignments; the draw gives {expected}.").format(
                held=len(drawn), expected=len(expected)
            )
        )
    for (sequence, point_id, day, part, inspectors), visit in zip(drawn, expected, strict=False):
        if (point_id, date.fromisoformat(day), part, tuple(inspectors)) != visit.key:
            problems.append(_("Assignment {number} differs from the draw.").format(number=sequence))
    return len(drawn), problems


def verify_plan(plan: Plan) -> Verification:
    """Re-run the draw from the revealed seed and the frozen pool and rules, and compare it with
    every drawn assignment (amendments are listed separately and do not count as mismatches);
    also that each stored window is the one its day and day part give."""
    checked, problems = verify_bundle(verification_bundle(plan))
    if not plan.is_revealed and checked == 0:
        return Verification(plan=plan, ok=False, problems=problems)
    for a in plan.assignments.filter(origin=AssignmentOrigin.DRAWN).only(
        "sequence", "day", "day_part", "window_start", "window_end"
    ):
        if (a.window_start, a.window_end) != Assignment.window_for(a.day, a.day_part):
            problems.append(_("Assignment {number} differs from the draw.").format(number=a.sequence))
    return Verification(plan=plan, ok=not problems, checked=checked, problems=problems)


def randomness_warnings(plan: Plan) -> list[str]:
    """Where changes made by hand erode the draw's randomness: many amendments, amendments
    steering visits to one inspector, a point given the same inspector twice in a row, and
    other plans of the same period cancelled (drawn again until the result pleased?)."""
    rows = list(
        plan.assignments.order_by("window_start", "sequence").values(
            "status", "origin", "point_id", "inspector_id", "second_inspector_id"
        )
    )
    drawn = [r for r in rows if r["origin"] == AssignmentOrigin.DRAWN]
    amended = [r for r in rows if r["origin"] == AssignmentOrigin.AMENDED]
    warnings = []
    if drawn and amended and len(amended) * 10 > len(drawn):
        warnings.append(
            _(
                "{amended} of {drawn} drawn assignments were changed by hand: "
                "the plan is no longer mostly random."
            ).format(amended=len(amended), drawn=len(drawn))
        )
    if len(amended) >= 3:
        receivers = Counter(i for r in amended for i in (r["inspector_id"], r["second_inspector_id"]) if i)
        person_id, count = receivers.most_common(1)[0]
        if count * 2 > len(amended):
            person = User.objects.filter(pk=person_id).first()
            warnings.append(
                _("{count} of {amended} amendments sent the visit to the same inspector, {name}.").format(
                    count=count, amended=len(amended), name=person.display_name if person else person_id
                )
            )
    live = [r for r in rows if r["status"] not in (AssignmentStatus.REPLACED, AssignmentStatus.CANCELLED)]
    last_by_point: dict[int, set] = {}
    repeated = set()
    for r in live:
        people = {r["inspector_id"], r["second_inspector_id"]} - {None}
        if last_by_point.get(r["point_id"], set()) & people:
            repeated.add(r["point_id"])
        last_by_point[r["point_id"]] = people
    if repeated:
        names = ", ".join(Point.objects.filter(pk__in=sorted(repeated)).values_list("name", flat=True)[:5])
        warnings.append(
            _("After the amendments the same inspector visits {points} twice in a row.").format(points=names)
        )
    cancelled = (
        Plan.objects.filter(
            area=plan.area,
            kind=plan.kind,
            cancelled_at__isnull=False,
            period_start__lte=plan.period_end,
            period_end__gte=plan.period_start,
        )
        .exclude(pk=plan.pk)
        .count()
    )
    if cancelled:
        warnings.append(
            _(
                "{count} other plans of this kind for the same period were cancelled: was it drawn again?"
            ).format(count=cancelled)
        )
    return warnings


# --- inspecting ------------------------------------------------------------------------------------
@dataclass
class Answer:
    check_item_id: int
    outcome: str | None = None
    violations: int | None = None
    note: str = ""


@dataclass
class Submission:
    """What a phone sends: one inspection, answered, with photos per item (already checked by
    ``photos.prepare``) and the client key that makes a retry return the first inspection."""

    client_key: uuid.UUID
    answers: list[Answer]
    assignment_id: int | None = None
    point_id: int | None = None
    started_at: datetime | None = None
    device_now: datetime | None = None  # the phone's clock when it sent, to measure skew
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None
    note: str = ""
    photos: dict = field(default_factory=dict)  # check item id (or None for general) -> [EvidenceImage]


def can_self_inspect(user, point: Point) -> bool:
    """A unit inspects its own points (自查): its administrators and staff, and the point leader."""
    if point.point_leader_id == user.pk:
        return True
    return any(
        point.responsible_unit.path.startswith(unit.path) for unit in user.units_with_role(*SUBTREE_ROLES)
    )


def can_inspect_extra(user, point: Point) -> bool:
    """Extra unannounced inspections (outside any plan) are for the campaign office."""
    return can_manage_inspections(user, point.area)


def _last_day_of_month(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def submit(user, data: Submission, *, request=None, now: datetime | None = None) -> tuple[Inspection, bool]:
    """Record one inspection; returns (inspection, created). A retry with the same client key
    returns the first inspection and creates nothing. Refuses (ActionError) an assignment that
    is not the user's, not yet open, closed, or done; items not in the point's checklist; a
    missing answer; a failure without its required photo."""
    now = now or timezone.now()
    existing = Inspection.objects.filter(client_key=data.client_key).first()
    if existing is not None:
        return _same_submitter(user, existing, data), False
    try:
        with transaction.atomic():
            return _submit_locked(user, data, now=now, request=request)
    except IntegrityError:
        # a concurrent retry of the same submission won the race
        existing = Inspection.objects.filter(client_key=data.client_key).first()
        if existing is None:
            raise
        return _same_submitter(user, existing, data), False


def _same_submitter(user, inspection: Inspection, data: Submission) -> Inspection:
    """A key may only be reused for the same submission (IETF Idempotency-Key: a different
    payload under the same key is refused, not answered with the first result)."""
    if user.pk not in (inspection.inspector_id, inspection.second_inspector_id):
        raise ActionError(_("This submission key was already used by someone else."), code="client_key")
    same_target = (
        inspection.assignment_id == data.assignment_id
        if data.assignment_id is not None
        else (inspection.assignment_id is None and inspection.point_id == data.point_id)
    )
    if not same_target:
        raise ActionError(
            _("This submission key was already used for another inspection; the phone must make a new one."),
            code="key_reused",
        )
    return inspection


def _submit_locked(user, data: Submission, *, now, request) -> tuple[Inspection, bool]:
    early = timedelta(minutes=settings.INSPECTION_EARLY_MINUTES)
    plan = assignment = None
    second = None
    if data.assignment_id is not None:
        assignment = (
            # lock only the assignment row: PostgreSQL refuses FOR UPDATE on the nullable side
            # of the outer join to the point's township
            Assignment.objects.select_for_update(of=("self",))
            .select_related("plan", "point__responsible_unit", "point__township", "point__area")
            .filter(pk=data.assignment_id)
            .first()
        )
        if (
            assignment is None
            or not assignment.is_for(user)
            # a covert assignment does not exist for its inspector before its window: a refusal
            # naming the time would tell them where and when they will be sent
            or (assignment.plan.is_covert and now < assignment.window_start)
        ):
            raise ActionError(_("This assignment is not yours."), code="not_yours")
        done = Inspection.objects.filter(assignment=assignment).first()
        if done is not None:
            if done.client_key == data.client_key:
                return done, False  # a racing retry of this very submission
            raise ActionError(_("This assignment has already been inspected."), code="done")
        state = assignment.submission_state(now)
        if state == "withdrawn":
            raise ActionError(_("This assignment was withdrawn by the campaign office."), code="withdrawn")
        if state == "not_due":
            raise ActionError(
                _("This assignment is not due yet: it opens at {time}.").format(
                    time=timezone.localtime(assignment.window_start).strftime("%Y-%m-%d %H:%M")
                ),
                code="not_due",
            )
        if state == "closed":
            raise ActionError(
                _("This assignment's window closed at {time}; it can no longer be submitted.").format(
                    time=timezone.localtime(assignment.window_end).strftime("%Y-%m-%d %H:%M")
                ),
                code="closed",
            )
        plan = assignment.plan
        point = assignment.point
        kind = plan.kind
        is_covert = plan.is_covert
        embargo = plan.period_end if is_covert else None
        partner_id = (
            assignment.second_inspector_id if assignment.inspector_id == user.pk else assignment.inspector_id
        )
        second = partner_id
    else:
        point = (
            Point.objects.select_related("responsible_unit", "township", "area")
            .filter(pk=data.point_id, status=PointStatus.ACTIVE)
            .first()
        )
        if point is None or (
            not Point.objects.visible_to(user).filter(pk=point.pk).exists()
            and not (can_manage_inspections(user, point.area))
        ):
            raise ActionError(_("Choose a point you may inspect."), code="point")
        if can_inspect_extra(user, point):
            kind, is_covert = InspectionKind.EXTRA, True
            embargo = _last_day_of_month(timezone.localdate(now))
        elif can_self_inspect(user, point):
            kind, is_covert, embargo = InspectionKind.SELF, False, None
        else:
            raise ActionError(
                _("Only the campaign office or the point's own unit can inspect outside a plan."),
                code="forbidden",
            )

    # the phone's clock: measure the skew and correct the start time by it
    skew = 0
    if data.device_now is not None:
        skew = int((data.device_now - now).total_seconds())
    if abs(skew) > MAX_CLOCK_SKEW_SECONDS or (
        data.started_at is not None
        and abs((data.started_at - now).total_seconds()) > MAX_CLOCK_SKEW_SECONDS * 2
    ):
        raise ActionError(
            _(
                "The phone's clock is more than a year wrong: "
                "set the date and time on the phone and submit again."
            ),
            code="clock",
        )
    started_at = now if data.started_at is None else data.started_at - timedelta(seconds=skew)
    started_at = min(started_at, now)
    if assignment is not None and started_at < assignment.window_start - early:
        started_at = assignment.window_start

    lines = _score_answers(point, data)
    results = total(lines, Decimal(settings.INSPECTION_PASS_LINE))
    distance = None
    if data.latitude is not None and data.longitude is not None and point.has_location:
        distance = round(
            distance_m(
                float(data.latitude), float(data.longitude), float(point.latitude), float(point.longitude)
            )
        )
    inspection = Inspection.objects.create(
        area=point.area,
        kind=kind,
        plan=plan,
        assignment=assignment,
        point=point,
        responsible_unit=point.responsible_unit,
        township=point.township,
        point_leader_id=point.point_leader_id,
        inspector=user,
        second_inspector_id=second,
        is_covert=is_covert,
        embargo_until=embargo,
        client_key=data.client_key,
        started_at=started_at,
        submitted_at=now,
        clock_skew_seconds=skew,
        latitude=data.latitude,
        longitude=data.longitude,
        location_accuracy_m=data.accuracy_m,
        distance_m=distance,
        is_late=assignment is not None and started_at > assignment.window_end,
        score=results.score,
        points_lost=results.points_lost,
        pass_line=Decimal(settings.INSPECTION_PASS_LINE),
        passed=results.passed,
        veto_failed=results.veto_failed,
        failed_items=results.failed_items,
        note=(data.note or "")[:2000],
    )
    notes = {a.check_item_id: (a.note or "")[:500] for a in data.answers}
    saved = ItemResult.objects.bulk_create(
        [
            ItemResult(
                inspection=inspection,
                check_item=line.check_item,
                outcome=line.outcome,
                violations=line.violations,
                status=line.status,
                points_lost=line.points_lost,
                is_veto=line.check_item.is_veto,
                note=notes.get(line.check_item.pk, ""),
            )
            for line in lines
        ]
    )
    by_item = {r.check_item_id: r for r in saved}
    if not all(r.pk for r in saved):  # backends that do not return ids from bulk inserts
        by_item = {r.check_item_id: r for r in inspection.results.all()}
    links = [
        ItemResult.indicators.through(itemresult_id=by_item[item.pk].pk, indicator_id=indicator.pk)
        for item in (line.check_item for line in lines)
        for indicator in item.indicators.all()
    ]
    ItemResult.indicators.through.objects.bulk_create(links)
    from chuangcheng.inspections import photos

    photos.store(inspection, data.photos, by_item)
    if assignment is not None:
        assignment.status = AssignmentStatus.DONE
        assignment.save(update_fields=["status"])
    hooks.run_submitted(inspection)
    audit.record(
        AuditAction.CREATE,
        request=request,
        user=user,
        obj=inspection,
        score=str(inspection.score),
        passed=inspection.passed,
    )
    return inspection, True


def _score_answers(point: Point, data: Submission):
    items = {
        item.pk: item
        for item in CheckItem.objects.filter(
            point_type_id=point.point_type_id, is_active=True
        ).prefetch_related("indicators")
    }
    answers: dict[int, Answer] = {}
    problems = []
    for answer in data.answers:
        if answer.check_item_id not in items:
            problems.append(_("Item {id} is not on this point's checklist.").format(id=answer.check_item_id))
            continue
        if answer.check_item_id in answers:
            problems.append(_("Item {code} is answered twice.").format(code=items[answer.check_item_id].code))
            continue
        answers[answer.check_item_id] = answer
    for key in data.photos:
        if key is not None and key not in items:
            problems.append(
                _("Photos were sent for item {id}, which is not on this point's checklist.").format(id=key)
            )
    missing = [
        item.code for pk, item in sorted(items.items(), key=lambda kv: kv[1].sort_order) if pk not in answers
    ]
    if missing:
        problems.append(_("Not yet answered: {codes}.").format(codes="、".join(missing)))
    lines = []
    for pk, answer in answers.items():
        item = items[pk]
        if item.scoring_mode == "status_scale" and answer.outcome != Outcome.NOT_APPLICABLE:
            if answer.violations is None or answer.violations < 0:
                problems.append(
                    _("Item {code}: give the number of violations seen (0 or more).").format(code=item.code)
                )
                continue
        elif answer.outcome not in Outcome.values:
            problems.append(_("Item {code}: choose pass, fail or not applicable.").format(code=item.code))
            continue
        line = score_line(item, outcome=answer.outcome, violations=answer.violations)
        if line.is_failure and item.photo_required_on_failure and not data.photos.get(pk):
            problems.append(_("Item {code} failed: a photo is required.").format(code=item.code))
        lines.append(line)
    if problems:
        raise ActionError(problems[0], messages=problems, code="answers")
    lines.sort(key=lambda line: (line.check_item.sort_order, line.check_item.code))
    return lines
