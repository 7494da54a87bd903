"""Every change to a problem: opening one, each workflow step, bulk steps, housekeeping.

``transition`` is the only way a problem's state changes: it locks the row, checks the table
(``transitions.TABLE``), applies the step, appends a ``ProblemEvent`` and writes notices, all in
one transaction — two people acting on one problem at once cannot both succeed (the second
finds the state already moved and is refused). Pages and the API call these functions; they
raise ``TransitionError`` with a message fit to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.notifications.actions import notify
from chuangcheng.org.choices import AREA_KINDS, Role
from chuangcheng.org.models import OrgUnit, Pairing, User
from chuangcheng.problems import deadlines, photos, transitions
from chuangcheng.problems.choices import (
    UNIT_TODO_STATES,
    Action,
    PhotoKind,
    ProblemSource,
    ProblemStatus,
    Severity,
    Stage,
)
from chuangcheng.problems.models import Category, Problem, ProblemEvent


class TransitionError(Exception):
    """A refused step. ``code``: not_found, forbidden, state, same_person, invalid, conflict."""

    STATUS = {"not_found": 404, "forbidden": 403, "state": 409, "same_person": 403, "invalid": 400}

    def __init__(self, message: str, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    @property
    def http_status(self) -> int:
        return self.STATUS.get(self.code, 400)


# --- who hears of it -----------------------------------------------------------------------------
def unit_people(unit: OrgUnit) -> list[User]:
    """Who receives a unit's problems: its administrators and staff (else its principal and
    leader in charge)."""
    people = list(
        User.objects.filter(
            is_active=True,
            role_assignments__unit=unit,
            role_assignments__role__in=[Role.UNIT_ADMIN, Role.UNIT_STAFF],
        ).distinct()
    )
    if not people:
        people = [p for p in (unit.principal, unit.leader_in_charge) if p is not None]
    return people


def office_people(area: OrgUnit) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.OFFICE,
            role_assignments__unit__path__startswith=area.path,
        ).distinct()
    )


def escalation_people(unit: OrgUnit, day=None) -> list[User]:
    """The unit's leader in charge and the county leaders paired with it (or with a unit above it)."""
    people = [unit.leader_in_charge] if unit.leader_in_charge_id else []
    pairings = (
        Pairing.objects.active(day)
        .filter(Q(unit=unit) | Q(unit_id__in=unit.ancestor_ids))
        .select_related("leader")
    )
    people += [p.leader for p in pairings]
    return people


def _notify_unit(
    problem: Problem, title: str, kind: str, body: str = "", subject_key: str = "", today=None
) -> list:
    """Tell the unit's people and the point's leader; returns the notices written."""
    if problem.responsible_unit_id is None or problem.is_embargoed(today):
        return []  # a covert finding is told of when its embargo ends (housekeeping)
    people = unit_people(problem.responsible_unit)
    if problem.point_id and problem.point.point_leader_id:
        people.append(problem.point.point_leader)
    return notify(
        people,
        kind=kind,
        title=title,
        body=body or problem.title,
        url=problem.get_absolute_url(),
        subject_key=subject_key,
    )


def _notify_office(problem: Problem, title: str, kind: str) -> None:
    notify(
        office_people(problem.area),
        kind=kind,
        title=title,
        body=problem.title,
        url=problem.get_absolute_url(),
    )


# --- checks -------------------------------------------------------------------------------------
def check_unit(problem_area: OrgUnit, unit: OrgUnit | None) -> OrgUnit:
    if unit is None:
        raise TransitionError(_("Choose the responsible unit."), field="unit")
    if not unit.is_active or unit.kind in AREA_KINDS or not unit.path.startswith(problem_area.path):
        raise TransitionError(
            _("“{unit}” is not a unit of this campaign area.").format(unit=unit.name), field="unit"
        )
    return unit


def check_deadline(deadline: datetime | None, now: datetime, *, after: datetime | None = None) -> datetime:
    if deadline is None:
        raise TransitionError(_("Give the new deadline."), field="deadline")
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        raise TransitionError(_("The deadline must be in the future."), field="deadline")
    if after is not None and deadline <= after:
        raise TransitionError(_("An extension must be later than the current deadline."), field="deadline")
    if deadline > deadlines.max_deadline(now):
        raise TransitionError(_("The deadline cannot be more than a year away."), field="deadline")
    return deadline


def last_submitter_id(problem: Problem) -> int | None:
    return (
        ProblemEvent.objects.filter(problem=problem, action=Action.SUBMIT)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


# --- one step -----------------------------------------------------------------------------------
@dataclass
class Step:
    action: str
    note: str = ""
    unit: OrgUnit | None = None
    deadline: datetime | None = None
    photos: list = field(default_factory=list)  # uploaded files (after-photos with submit)


def transition(problem_id, step: Step, actor, *, now: datetime | None = None, request=None) -> Problem:
    """Apply one workflow step to one problem (see the module docstring)."""
    now = now or timezone.now()
    note = (step.note or "").strip()
    if step.action in transitions.NEEDS_NOTE and not note:
        raise TransitionError(_("Give a reason or note for this step."), field="note")
    if len(note) > 2000:
        raise TransitionError(_("The note is too long (at most 2000 characters)."), field="note")
    prepared = []
    if step.action in transitions.NEEDS_AFTER_PHOTOS:
        from django.conf import settings

        try:
            prepared = photos.prepare(step.photos)
        except ValidationError as exc:
            raise TransitionError(" ".join(exc.messages), field="photos") from exc
        if len(prepared) < settings.PROBLEM_MIN_AFTER_PHOTOS:
            raise TransitionError(_("Add at least one photo of the fix."), field="photos")
    elif step.photos:
        raise TransitionError(_("Photos go with the submission of a fix."), field="photos")

    with transaction.atomic():
        problem = (
            Problem.objects.select_for_update(of=("self",))
            .select_related("area", "responsible_unit", "point", "category")
            .filter(pk=problem_id)
            .first()
        )
        if problem is None or not Problem.objects.visible_to(actor).filter(pk=problem_id).exists():
            raise TransitionError(_("No such problem."), code="not_found")
        entry = transitions.target(problem.status, step.action)
        if entry is None:
            raise TransitionError(
                _("A problem that is “{state}” cannot be “{action}”.").format(
                    state=problem.get_status_display(), action=Action(step.action).label
                ),
                code="state",
            )
        to_status, who = entry
        if not (who & transitions.actor_kinds(actor, problem)):
            raise TransitionError(_("You may not take this step on this problem."), code="forbidden")
        if step.action in transitions.VERIFYING and last_submitter_id(problem) == actor.pk:
            raise TransitionError(
                _("You submitted this fix; someone else must verify it."), code="same_person"
            )
        event = ProblemEvent(
            problem=problem,
            action=step.action,
            from_status=problem.status,
            to_status=to_status or problem.status,
            actor=actor,
            at=now,
            note=note,
            from_unit=problem.responsible_unit,
        )
        apply_step(problem, step, event, now)
        problem.save()
        event.save()
        if prepared:
            photos.store(problem, event, PhotoKind.AFTER, prepared, actor)
        _tell(problem, event)
        audit.record(AuditAction.UPDATE, request=request, user=actor, obj=problem, step=step.action)
    return problem


def apply_step(problem: Problem, step: Step, event: ProblemEvent, now: datetime) -> None:
    """Change ``problem`` and ``event`` (neither saved) as ``step`` does at ``now``: the state
    from the table, the clock and punctuality fields. ``transition`` calls it under the row
    lock after its checks; the demo replays histories through it."""
    to_status, _who = transitions.TABLE[(problem.status, step.action)]
    _APPLY[step.action](problem, step, event, now)
    if to_status is not None:
        problem.status = to_status
    event.to_status = problem.status
    event.to_unit = problem.responsible_unit


def _register(problem, step, event, now):
    pass


def _reject(problem, step, event, now):
    problem.closed_at = None


def _assign(problem, step, event, now):
    unit = check_unit(problem.area, step.unit)
    deadline = None
    if step.deadline:
        # a covert finding's clock starts when its embargo ends: a deadline before that would
        # make it overdue before the unit is told of it
        starts = deadlines.clock_start(problem, now)
        deadline = check_deadline(step.deadline, now, after=starts if starts > now else None)
    # the deadline before the step: the evaluation reads a problem's deadline at a month's end
    # back from the first step after it that changed the deadline (scoring.evaluate)
    event.old_deadline = problem.deadline
    problem.responsible_unit = unit
    problem.accepted_at = problem.submitted_at = problem.verify_due_at = None
    problem.accepted_on_time = problem.rectified_on_time = None
    problem.reminded_at = problem.escalated_at = None
    deadlines.schedule(problem, deadlines.clock_start(problem, now), deadline)
    event.new_deadline = problem.deadline


def _reassign(problem, step, event, now):
    if step.unit is not None and step.unit.pk == problem.responsible_unit_id:
        raise TransitionError(_("The problem is already with this unit."), field="unit")
    event.old_deadline = problem.deadline
    _assign(problem, step, event, now)


def _return(problem, step, event, now):
    event.old_deadline, event.new_deadline = problem.deadline, None
    problem.responsible_unit = None
    problem.deadline = problem.warn_at = problem.accept_due_at = problem.assigned_at = None


def _accept(problem, step, event, now):
    problem.accepted_at = now
    problem.accepted_on_time = problem.accept_due_at is None or now <= problem.accept_due_at
    event.stage, event.on_time = Stage.ACCEPTANCE, problem.accepted_on_time


def _submit(problem, step, event, now):
    if problem.accepted_at is None:  # submitting straight from assignment is not allowed by the table
        problem.accepted_at = now
    problem.submitted_at = now
    problem.rectified_on_time = problem.deadline is None or now <= problem.deadline
    problem.verify_due_at = deadlines.verify_due(now)
    event.stage, event.on_time = Stage.RECTIFICATION, problem.rectified_on_time


def _verify(problem, event, now):
    problem.verified_on_time = problem.verify_due_at is None or now <= problem.verify_due_at
    event.stage, event.on_time = Stage.VERIFICATION, problem.verified_on_time


def _approve(problem, step, event, now):
    _verify(problem, event, now)
    problem.closed_at = now


def _send_back(problem, step, event, now):
    _verify(problem, event, now)
    problem.rework_count += 1
    problem.verify_due_at = None


def _extend(problem, step, event, now):
    deadline = check_deadline(step.deadline, now, after=problem.deadline)
    event.old_deadline, event.new_deadline = problem.deadline, deadline
    start = problem.assigned_at or now
    problem.deadline = deadline
    problem.warn_at = deadlines.warn_moment(start, deadline)
    problem.extension_count += 1
    problem.reminded_at = problem.escalated_at = None


def _comment(problem, step, event, now):
    pass


_APPLY = {
    Action.REGISTER: _register,
    Action.REJECT: _reject,
    Action.ASSIGN: _assign,
    Action.REASSIGN: _reassign,
    Action.RETURN: _return,
    Action.ACCEPT: _accept,
    Action.SUBMIT: _submit,
    Action.APPROVE: _approve,
    Action.SEND_BACK: _send_back,
    Action.EXTEND: _extend,
    Action.COMMENT: _comment,
}


def _tell(problem: Problem, event: ProblemEvent) -> None:
    action = event.action
    if action in (Action.ASSIGN, Action.REASSIGN):
        _notify_unit(
            problem, _("New problem for your unit: {code}").format(code=problem.code), "problem.assigned"
        )
    elif action == Action.SEND_BACK:
        _notify_unit(
            problem,
            _("Fix not accepted, rework needed: {code}").format(code=problem.code),
            "problem.rework",
            body=event.note,
        )
    elif action == Action.APPROVE:
        _notify_unit(
            problem, _("Problem verified and closed: {code}").format(code=problem.code), "problem.closed"
        )
    elif action == Action.EXTEND:
        _notify_unit(
            problem,
            _("Deadline extended: {code}").format(code=problem.code),
            "problem.extended",
            body=event.note,
        )
    elif action == Action.SUBMIT:
        _notify_office(
            problem,
            _("Fix submitted for verification: {code}").format(code=problem.code),
            "problem.submitted",
        )
    elif action == Action.RETURN:
        _notify_office(
            problem, _("Returned by the unit: {code}").format(code=problem.code), "problem.returned"
        )


# --- several at once ----------------------------------------------------------------------------
@dataclass
class BulkResult:
    done: list[Problem] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def bulk_transition(problem_ids, step: Step, actor, *, request=None) -> BulkResult:
    """The same step on many problems, each in its own transaction: one refusal does not undo
    the others, and each refusal is reported with its problem."""
    result = BulkResult()
    for problem_id in problem_ids:
        try:
            result.done.append(transition(problem_id, step, actor, request=request))
        except TransitionError as exc:
            result.refused.append((problem_id, exc.message))
    return result


# --- opening a problem --------------------------------------------------------------------------
@dataclass
class NewProblem:
    area: OrgUnit
    source: str
    title: str
    description: str = ""
    severity: str = Severity.GENERAL
    category: Category | None = None
    point: object | None = None
    check_item: object | None = None
    indicator: object | None = None
    address: str = ""
    latitude: object | None = None
    longitude: object | None = None
    source_detail: str = ""
    instructed_by: User | None = None
    found_at: datetime | None = None
    unit: OrgUnit | None = None  # assign at once to this unit
    deadline: datetime | None = None
    photos: list = field(default_factory=list)  # before-photos


def can_register(user, area=None) -> bool:
    from chuangcheng.inspections.querysets import can_manage_inspections

    return can_manage_inspections(user, area)


def create_problem(actor, data: NewProblem, *, request=None, now=None) -> Problem:
    """The office records a problem (media exposure, a leader's instruction, its own finding…):
    registered, and assigned at once when a unit is given. Before-photos are checked first."""
    now = now or timezone.now()
    if not can_register(actor, data.area):
        raise TransitionError(_("Only the campaign office records problems here."), code="forbidden")
    if data.source == ProblemSource.LEADER and data.instructed_by is None:
        raise TransitionError(_("Name the leader who gave the instruction."), field="instructed_by")
    if data.point is None and not data.address.strip() and data.latitude is None:
        raise TransitionError(_("Choose a point, or give an address or a place on the map."), field="address")
    if data.point is not None and data.point.area_id != data.area.pk:
        raise TransitionError(_("The point is not in this campaign area."), field="point")
    try:
        prepared = photos.prepare(data.photos)
    except ValidationError as exc:
        raise TransitionError(" ".join(exc.messages), field="photos") from exc
    unit = data.unit  # none: registered now, assigned later (the form offers the point's unit)
    if unit is not None:  # refused before anything is written
        check_unit(data.area, unit)
        if data.deadline is not None:
            check_deadline(data.deadline, now)
    elif data.deadline is not None:
        raise TransitionError(_("A deadline needs a unit to assign the problem to."), field="deadline")
    # one transaction with the assignment: a refused assignment leaves no half-recorded problem
    with transaction.atomic():
        problem = _new(data, actor, now)
        problem.status = ProblemStatus.REGISTERED
        problem.save()
        event = ProblemEvent.objects.create(
            problem=problem,
            action=Action.CREATE,
            from_status="",
            to_status=problem.status,
            actor=actor,
            at=now,
            note=data.source_detail,
        )
        audit.record(AuditAction.CREATE, request=request, user=actor, obj=problem, source=data.source)
        if unit is not None:
            problem = transition(
                problem.pk,
                Step(Action.ASSIGN, unit=unit, deadline=data.deadline),
                actor,
                now=now,
                request=request,
            )
        if prepared:  # files last: nothing above can be refused any more
            photos.store(problem, event, PhotoKind.BEFORE, prepared, actor)
    return problem


def _new(data: NewProblem, actor, now) -> Problem:
    from chuangcheng.problems import intake

    point = data.point
    problem = Problem(
        area=data.area,
        source=data.source,
        source_detail=data.source_detail[:200],
        instructed_by=data.instructed_by,
        point=point,
        point_type_id=point.point_type_id if point is not None else None,
        check_item=data.check_item,
        indicator=data.indicator,
        category=data.category,
        title=data.title.strip()[:200],
        description=data.description.strip(),
        severity=data.severity,
        address=data.address or (point.address if point is not None else ""),
        latitude=data.latitude,
        longitude=data.longitude,
        township=point.township
        if point is not None
        else intake.township_at(data.area, data.latitude, data.longitude),
        found_at=data.found_at or now,
        reported_by=actor,
    )
    intake.mark_rebound(problem)
    return problem


# --- housekeeping (every 15 minutes: Celery beat, or ``manage.py problems_housekeeping``) -------
def housekeeping(now: datetime | None = None) -> dict:
    """Tell units of covert findings whose embargo has ended; remind before deadlines; escalate
    overdue problems. Each notice is sent once (safe to run twice)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"released": 0, "reminded": 0, "escalated": 0}
    # embargo ended: the unit hears of it now (its clock started at the end of the embargo).
    # Only an assignment the embargo held back (its clock starts on the embargo's last day): one
    # made after the embargo was told at once by ``transition``. Counted when someone was told
    # now — the subject key keeps later runs from telling anyone twice.
    released = Problem.objects.filter(
        embargo_until__lt=today,
        status=ProblemStatus.ASSIGNED,
        accepted_at__isnull=True,
        assigned_at__date__lte=F("embargo_until"),
    ).select_related("responsible_unit", "point", "area")
    for problem in released.iterator():
        told = _notify_unit(
            problem,
            _("New problem for your unit: {code}").format(code=problem.code),
            "problem.assigned",
            subject_key=f"problem:{problem.pk}:assigned:{problem.assigned_at:%Y%m%d%H%M}",
            today=today,
        )
        if told:
            counts["released"] += 1
    # reminders and escalation only while the unit has the next move: a fix awaiting the
    # office's verification is not the unit's delay
    due_soon = (
        Problem.objects.filter(status__in=sorted(UNIT_TODO_STATES))
        .filter(warn_at__lte=now, deadline__gte=now, reminded_at__isnull=True, responsible_unit__isnull=False)
        .filter(Q(embargo_until__isnull=True) | Q(embargo_until__lt=today))
        .select_related("responsible_unit", "point", "area")
    )
    for problem in due_soon.iterator():
        with transaction.atomic():
            # the conditions again: an extension committed since the query resets the reminder
            locked = Problem.objects.filter(
                pk=problem.pk, reminded_at__isnull=True, warn_at__lte=now, deadline__gte=now
            ).update(reminded_at=now)
            if locked:
                _notify_unit(
                    problem,
                    _("Deadline near: {code} is due {when}").format(
                        code=problem.code, when=timezone.localtime(problem.deadline).strftime("%m-%d %H:%M")
                    ),
                    "problem.reminder",
                    today=today,
                )
                counts["reminded"] += 1
    overdue = (
        Problem.objects.overdue(now)
        .filter(status__in=sorted(UNIT_TODO_STATES))
        .filter(escalated_at__isnull=True, responsible_unit__isnull=False)
        .filter(Q(embargo_until__isnull=True) | Q(embargo_until__lt=today))
        .select_related("responsible_unit__leader_in_charge", "point", "area")
    )
    for problem in overdue.iterator():
        with transaction.atomic():
            locked = Problem.objects.filter(pk=problem.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not locked:
                continue
            title = _("Overdue: {code} ({unit})").format(
                code=problem.code, unit=problem.responsible_unit.name
            )
            people = escalation_people(problem.responsible_unit, today) + unit_people(
                problem.responsible_unit
            )
            notify(
                people,
                kind="problem.overdue",
                title=title,
                body=problem.title,
                url=problem.get_absolute_url(),
            )
            counts["escalated"] += 1
    return counts


# --- 举一反三 ------------------------------------------------------------------------------------
@dataclass
class Recheck:
    point_type: object
    period_start: object
    period_end: object
    mode: str = "recheck"  # or "self": each point's unit inspects its own points
    inspector_ids: list[int] = field(default_factory=list)


def launch_recheck(actor, problem: Problem, data: Recheck, *, request=None):
    """One exposed problem, every point of its type checked (举一反三): a re-check plan drawn
    by the inspections app over all active points of the type, or a self-inspection request to
    the unit of each such point. Returns the plan (or the number of units asked); the problem's
    history records it."""
    from chuangcheng.inspections import actions as inspections
    from chuangcheng.inspections.choices import PlanKind
    from chuangcheng.inspections.draw import Rules
    from chuangcheng.points.models import Point

    if not can_register(actor, problem.area):
        raise TransitionError(
            _("Only the campaign office can launch a check of all such points."), code="forbidden"
        )
    if data.mode == "self" and problem.is_embargoed():
        # asking units to check all such points would tell them a covert visit found something
        raise TransitionError(
            _("This covert finding is secret until {day}; ask for self-inspections after that.").format(
                day=problem.embargo_until.isoformat()
            ),
            code="forbidden",
            field="mode",
        )
    points = Point.objects.filter(area=problem.area, point_type=data.point_type).active()
    if not points.exists():
        raise TransitionError(_("There are no active points of this type."), field="point_type")
    if data.mode == "self":
        with transaction.atomic():
            by_unit: dict[int, list] = {}
            for point in points.select_related("responsible_unit"):
                by_unit.setdefault(point.responsible_unit_id, []).append(point)
            for unit_points in by_unit.values():
                unit = unit_points[0].responsible_unit
                notify(
                    unit_people(unit),
                    kind="problem.self_check",
                    title=_("Self-inspection requested: all {type} points by {end}").format(
                        type=data.point_type.name, end=data.period_end.isoformat()
                    ),
                    body=_("After “{title}”, inspect your {n} points of this type: {names}").format(
                        title=problem.title,
                        n=len(unit_points),
                        names="、".join(p.name for p in unit_points[:10]),
                    ),
                    url=reverse("points:list") + f"?point_type={data.point_type.pk}",
                )
            ProblemEvent.objects.create(
                problem=problem,
                action=Action.COMMENT,
                from_status=problem.status,
                to_status=problem.status,
                actor=actor,
                note=_(
                    "举一反三: self-inspection of all {n} {type} points requested from {u} units, by {end}."
                ).format(
                    n=points.count(),
                    type=data.point_type.name,
                    u=len(by_unit),
                    end=data.period_end.isoformat(),
                ),
            )
        return len(by_unit)
    plan_input = inspections.PlanInput(
        area=problem.area,
        name=_("举一反三: {type} ({code})").format(type=data.point_type.name, code=problem.code)[:120],
        kind=PlanKind.RECHECK,
        period_start=data.period_start,
        period_end=data.period_end,
        rules=Rules(date_ranges=((data.period_start, data.period_end),)),
        inspector_ids=list(data.inspector_ids),
        point_type_ids=[data.point_type.pk],
        notes=_("After problem {code}: {title}").format(code=problem.code, title=problem.title),
    )
    try:
        with transaction.atomic():
            plan = inspections.create_plan(actor, plan_input, request=request)
            ProblemEvent.objects.create(
                problem=problem,
                action=Action.COMMENT,
                from_status=problem.status,
                to_status=problem.status,
                actor=actor,
                note=_("举一反三: re-check plan “{name}” of {n} {type} points, {start} to {end}.").format(
                    name=plan.name,
                    n=points.count(),
                    type=data.point_type.name,
                    start=data.period_start.isoformat(),
                    end=data.period_end.isoformat(),
                ),
            )
    except inspections.ActionError as exc:
        raise TransitionError(" ".join(exc.messages)) from exc
    return plan
