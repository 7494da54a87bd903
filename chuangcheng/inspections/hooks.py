"""Seams to the apps above (DESIGN.md: imports point downward; a higher app registers a hook).

* ``on_submitted(fn)``: ``fn(inspection)`` runs inside the submission's transaction, after the
  inspection and its item results are saved — the problems app opens a problem per failed
  item there, so a retried submission (which returns the first inspection) opens nothing twice.
  SECRECY: a covert inspection is submitted while its plan still runs. Whatever a hook creates
  from it (a problem, a notification) must stay out of the inspected unit's sight until
  ``inspection.embargo_until`` has passed — copy the embargo, or hold the notice back — or the
  unit learns the same day that an inspector was at its point.
* ``risk_provider(fn)``: ``fn(area, point_ids, since) -> {point_id: extra weight}`` adds risk
  (rebounds, citizen complaints…) to the draw's weights; inspections counts recent failures.
* ``recent_problem_points(fn)``: ``fn(area, days) -> set of point ids`` with problems closed in
  the last ``days`` days (the 回头看 pool filter); until a provider exists the filter uses points
  with a failed inspection in that time.
"""

from collections.abc import Callable

_submitted: list[Callable] = []
_risk: list[Callable] = []
_recent_problems: list[Callable] = []


def on_submitted(fn: Callable) -> Callable:
    if fn not in _submitted:
        _submitted.append(fn)
    return fn


def risk_provider(fn: Callable) -> Callable:
    if fn not in _risk:
        _risk.append(fn)
    return fn


def recent_problem_points(fn: Callable) -> Callable:
    if fn not in _recent_problems:
        _recent_problems.append(fn)
    return fn


def run_submitted(inspection) -> None:
    for fn in _submitted:
        fn(inspection)


def extra_risk(area, point_ids, since) -> dict[int, int]:
    total: dict[int, int] = {}
    for fn in _risk:
        for point_id, weight in fn(area, point_ids, since).items():
            total[point_id] = total.get(point_id, 0) + int(weight)
    return total


def points_with_recent_problems(area, days) -> set[int] | None:
    """None when no provider is registered (the caller falls back to failed inspections)."""
    if not _recent_problems:
        return None
    found: set[int] = set()
    for fn in _recent_problems:
        found |= set(fn(area, days))
    return found
