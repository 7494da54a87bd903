"""Time limits of problems: which limit applies, and when it runs out.

The limit of a problem, most specific first: the campaign's rule for its category and
severity; its category's own limit; the campaign's rule for its severity; the setting
``PROBLEM_DEFAULT_WORKDAYS``. Limits are in working days or working hours on the statutory
calendar (``core.workdays``). The clock of a covert finding starts when its embargo ends.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from chuangcheng.core.workdays import Calendar
from chuangcheng.problems.choices import TimeUnit


def time_limit_for(problem) -> tuple[int, str]:
    from chuangcheng.problems.models import DeadlineRule

    rules = {
        (rule.category_id, rule.severity): rule
        for rule in DeadlineRule.objects.filter(area_id=problem.area_id, severity=problem.severity)
    }
    rule = rules.get((problem.category_id, problem.severity)) if problem.category_id else None
    if rule is not None:
        return rule.amount, rule.unit
    if problem.category_id and problem.category.time_limit:
        return problem.category.time_limit, problem.category.time_unit
    rule = rules.get((None, problem.severity))
    if rule is not None:
        return rule.amount, rule.unit
    return settings.PROBLEM_DEFAULT_WORKDAYS[problem.severity], TimeUnit.WORK_DAYS


def clock_start(problem, now: datetime) -> datetime:
    """When the unit's time starts: now, or the end of the embargo of a covert finding."""
    if problem.embargo_until is not None:
        end_of_embargo = timezone.make_aware(datetime.combine(problem.embargo_until, time(23, 59, 59)))
        return max(now, end_of_embargo)
    return now


def due(start: datetime, amount: int, unit: str, calendar: Calendar | None = None) -> datetime:
    calendar = calendar or Calendar.around(start)
    if unit == TimeUnit.WORK_HOURS:
        return calendar.add_work_hours(start, amount)
    return calendar.add_workdays(start, amount)


def warn_moment(start: datetime, deadline: datetime, calendar: Calendar | None = None) -> datetime:
    """The moment the share ``PROBLEM_WARN_SHARE`` of the working time allowed is used."""
    calendar = calendar or Calendar.around(start)
    allowed = calendar.working_seconds(start, deadline)
    if allowed <= 0:
        return start + (deadline - start) * settings.PROBLEM_WARN_SHARE
    return min(deadline, calendar.add_work_hours(start, allowed * settings.PROBLEM_WARN_SHARE / 3600))


def schedule(problem, start: datetime, deadline: datetime | None = None) -> None:
    """Set the clock fields of ``problem`` for an assignment starting at ``start`` (not saved)."""
    calendar = Calendar.around(start)
    if deadline is None:
        amount, unit = time_limit_for(problem)
        deadline = due(start, amount, unit, calendar)
        problem.time_limit, problem.time_unit = amount, unit
    else:
        problem.time_limit, problem.time_unit = None, ""
    problem.assigned_at = start
    problem.deadline = deadline
    problem.warn_at = warn_moment(start, deadline, calendar)
    problem.accept_due_at = min(deadline, calendar.add_work_hours(start, settings.PROBLEM_ACCEPT_WORK_HOURS))


def verify_due(submitted_at: datetime) -> datetime:
    return Calendar.around(submitted_at).add_workdays(submitted_at, settings.PROBLEM_VERIFY_WORKDAYS)


def max_deadline(now: datetime) -> datetime:
    return now + timedelta(days=366)
