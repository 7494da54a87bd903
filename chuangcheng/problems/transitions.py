"""The one transition table of the problem workflow (DESIGN.md "Problem workflow").

``TABLE[(state, action)] = (next state, who may take it)``. "office" is the campaign office of
the problem's area; "unit" is the staff of the responsible unit (or a unit above it) and the
point's leader. Read-only roles (oversight) and everyone else take no step. The verifier is
never the person who submitted the fix — checked in ``actions`` because it depends on history.
"""

from chuangcheng.org.choices import Role
from chuangcheng.problems.choices import Action as A
from chuangcheng.problems.choices import ProblemStatus as S

OFFICE, UNIT = "office", "unit"

_HELD = (S.ASSIGNED, S.RECTIFYING, S.REWORK)

TABLE: dict[tuple[str, str], tuple[str | None, frozenset[str]]] = {
    (S.REPORTED, A.REGISTER): (S.REGISTERED, frozenset({OFFICE})),
    (S.REPORTED, A.REJECT): (S.REJECTED, frozenset({OFFICE})),
    (S.REGISTERED, A.REJECT): (S.REJECTED, frozenset({OFFICE})),
    (S.REGISTERED, A.ASSIGN): (S.ASSIGNED, frozenset({OFFICE})),
    (S.ASSIGNED, A.ACCEPT): (S.RECTIFYING, frozenset({UNIT})),
    (S.ASSIGNED, A.RETURN): (S.REGISTERED, frozenset({UNIT})),
    (S.RECTIFYING, A.SUBMIT): (S.SUBMITTED, frozenset({UNIT})),
    (S.REWORK, A.SUBMIT): (S.SUBMITTED, frozenset({UNIT})),
    (S.SUBMITTED, A.APPROVE): (S.CLOSED, frozenset({OFFICE})),
    (S.SUBMITTED, A.SEND_BACK): (S.REWORK, frozenset({OFFICE})),
    **{(state, A.REASSIGN): (S.ASSIGNED, frozenset({OFFICE})) for state in _HELD},
    # None: the state stays as it is
    **{(state, A.EXTEND): (None, frozenset({OFFICE})) for state in (*_HELD, S.SUBMITTED)},
    **{
        (state, A.COMMENT): (None, frozenset({OFFICE, UNIT}))
        for state in (S.REPORTED, S.REGISTERED, *_HELD, S.SUBMITTED)
    },
}

# what each step needs besides the actor
NEEDS_NOTE = frozenset({A.REJECT, A.RETURN, A.SEND_BACK, A.REASSIGN, A.EXTEND, A.COMMENT})
NEEDS_UNIT = frozenset({A.ASSIGN, A.REASSIGN})
NEEDS_DEADLINE = frozenset({A.EXTEND})
NEEDS_AFTER_PHOTOS = frozenset({A.SUBMIT})
# steps that end a verification and must not be taken by the fix's submitter
VERIFYING = frozenset({A.APPROVE, A.SEND_BACK})

UNIT_ROLES = frozenset({Role.UNIT_ADMIN, Role.UNIT_STAFF})


def actor_kinds(user, problem) -> frozenset[str]:
    """What ``user`` is to ``problem``: the office of its area, its unit, both or neither."""
    from chuangcheng.inspections.querysets import can_manage_inspections

    if not user.is_authenticated or not user.is_active:
        return frozenset()
    kinds = set()
    if can_manage_inspections(user, problem.area):
        kinds.add(OFFICE)
    unit = problem.responsible_unit
    if unit is not None:
        for held in user.units_with_role(*UNIT_ROLES):
            if unit.path.startswith(held.path):
                kinds.add(UNIT)
                break
        if problem.point_id and problem.point.point_leader_id == user.pk:
            kinds.add(UNIT)
    return frozenset(kinds)


def target(state: str, action: str) -> tuple[str | None, frozenset[str]] | None:
    return TABLE.get((state, action))


def actions_from(state: str) -> list[str]:
    return [action for (s, action) in TABLE if s == state]


def allowed_actions(user, problem) -> list[str]:
    """The steps ``user`` may take on ``problem`` now (for the buttons on its page)."""
    kinds = actor_kinds(user, problem)
    if not kinds:
        return []
    return [a for a in actions_from(problem.status) if TABLE[(problem.status, a)][1] & kinds]
