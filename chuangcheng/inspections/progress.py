"""Read-only numbers about plans: progress of their assignments, counted in the database.

Every function takes an assignment queryset that is already scoped (``Assignment.objects.
visible_to(user)``), so the numbers never count what the reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from chuangcheng.inspections.choices import AssignmentStatus

S = AssignmentStatus


def _counts(now):
    """Conditional counts, one row per group: done, due (open, not yet done), pending (not yet
    open), missed, replaced, cancelled; ``live`` is what the plan still asks for."""
    return {
        "live": Count("pk", filter=~Q(status__in=[S.REPLACED, S.CANCELLED])),
        "done": Count("pk", filter=Q(status=S.DONE)),
        "due": Count("pk", filter=Q(status=S.PENDING, window_start__lte=now)),
        "pending": Count("pk", filter=Q(status=S.PENDING, window_start__gt=now)),
        "missed": Count("pk", filter=Q(status=S.MISSED)),
        "replaced": Count("pk", filter=Q(status=S.REPLACED)),
        "cancelled": Count("pk", filter=Q(status=S.CANCELLED)),
    }


COUNT_KEYS = ("live", "done", "due", "pending", "missed", "replaced", "cancelled")


@dataclass
class Progress:
    totals: dict
    by_inspector: list[dict]  # {"inspector_id", **counts}, the second inspector of a visit counted too
    by_township: list[dict]  # {"township_id", "township_name", **counts}


def totals(assignments, now=None) -> dict:
    return assignments.aggregate(**_counts(now or timezone.now()))


def by_plan(assignments, plan_ids, now=None) -> dict[int, dict]:
    """{plan id: counts} for several plans at once (the plans list), one query."""
    rows = (
        assignments.filter(plan_id__in=list(plan_ids))
        .order_by()
        .values("plan_id")
        .annotate(**_counts(now or timezone.now()))
    )
    return {row.pop("plan_id"): row for row in rows}


def by_inspector(assignments, now=None) -> list[dict]:
    """Counts per person: a visit made by two counts for each (two grouped queries, merged)."""
    now = now or timezone.now()
    first = assignments.order_by().values("inspector_id").annotate(**_counts(now))
    second = (
        assignments.filter(second_inspector__isnull=False)
        .order_by()
        .values("second_inspector_id")
        .annotate(**_counts(now))
    )
    merged: dict[int, dict] = {}
    for row in first:
        merged[row.pop("inspector_id")] = row
    for row in second:
        person = row.pop("second_inspector_id")
        into = merged.setdefault(person, dict.fromkeys(COUNT_KEYS, 0))
        for key in COUNT_KEYS:
            into[key] += row[key]
    return [{"inspector_id": person, **counts} for person, counts in merged.items()]


def by_township(assignments, now=None) -> list[dict]:
    rows = (
        assignments.order_by()
        .values("point__township_id", "point__township__name")
        .annotate(**_counts(now or timezone.now()))
        .order_by("point__township__name")
    )
    return [
        {
            "township_id": row.pop("point__township_id"),
            "township_name": row.pop("point__township__name"),
            **row,
        }
        for row in rows
    ]


def plan_progress(assignments, now=None) -> Progress:
    now = now or timezone.now()
    return Progress(
        totals=totals(assignments, now),
        by_inspector=by_inspector(assignments, now),
        by_township=by_township(assignments, now),
    )


def failures_by_item(results) -> list[dict]:
    """Failed results per check item (a point's history), most failures first."""
    from chuangcheng.inspections.choices import Outcome

    return list(
        results.filter(outcome=Outcome.FAIL)
        .order_by()
        .values("check_item_id", "check_item__code", "check_item__text")
        .annotate(failures=Count("pk"))
        .order_by("-failures", "check_item__code")
    )
