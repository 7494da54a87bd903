"""群众最不满意的十件事: what residents complain about most — the categories of citizen problems
by month (optionally for one township), the ten largest over the period with their monthly trend,
how fast citizen problems were taken up and closed, and how many reporters said "really fixed".
Grouped queries, no loop over problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from chuangcheng.citizens.choices import Feedback
from chuangcheng.citizens.models import Report
from chuangcheng.problems.choices import ProblemSource, ProblemStatus
from chuangcheng.problems.models import Category, Problem

MONTH_CHOICES = (3, 6, 12)


def parse_months(raw) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and int(raw) in MONTH_CHOICES else 6


def month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(date(year, month + 1, 1))
    return out


@dataclass
class CategoryRow:
    category: Category
    total: int
    by_month: list[int]

    @property
    def trend(self) -> int:
        """+1 rising, −1 falling, 0 level: the last full month against the one before."""
        if len(self.by_month) < 3:
            return 0
        last, before = self.by_month[-2], self.by_month[-3]
        return (last > before) - (last < before)


@dataclass
class Speed:
    month: date
    problems: int
    closed: int
    closed_on_time: int
    hours_to_accept: float | None
    hours_to_close: float | None
    answered: int = 0  # reporters who said whether it is really fixed
    fixed: int = 0  # … and said yes

    @property
    def fixed_share(self):
        return round(self.fixed * 100 / self.answered, 1) if self.answered else None


@dataclass
class Complaints:
    months: list[date]
    top: list[CategoryRow] = field(default_factory=list)
    total: int = 0
    speed: list[Speed] = field(default_factory=list)


def _month(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def complaints(area, *, months: int = 6, township=None, today: date | None = None) -> Complaints:
    today = today or timezone.localdate()
    starts = month_starts(today, months)
    since = timezone.make_aware(datetime.combine(starts[0], datetime.min.time()))
    citizen = Problem.objects.filter(
        area=area, source=ProblemSource.CITIZEN, found_at__gte=since, merged_into=None
    )
    # a "not fixed" answer's re-check is the same complaint again, not a new one
    citizen = citizen.exclude(pk__in=Report.objects.filter(followup__isnull=False).values("followup"))
    if township is not None:
        citizen = citizen.filter(township__path__startswith=township.path)
    result = Complaints(months=starts)
    grouped = (
        citizen.exclude(category=None)
        .annotate(month=TruncMonth("found_at"))
        .values("category", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[date, int]] = {}
    for row in grouped:
        counts.setdefault(row["category"], {})[_month(row["month"])] = row["n"]
    totals = sorted(((sum(v.values()), k) for k, v in counts.items()), key=lambda t: (-t[0], t[1]))
    categories = Category.objects.in_bulk([k for _n, k in totals[:10]])
    result.top = [
        CategoryRow(categories[k], n, [counts[k].get(m, 0) for m in starts]) for n, k in totals[:10]
    ]
    result.total = citizen.count()
    took_accept = ExpressionWrapper(F("accepted_at") - F("found_at"), output_field=DurationField())
    took_close = ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField())
    speed = (
        citizen.annotate(month=TruncMonth("found_at"))
        .values("month")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
            on_time=Count("pk", filter=Q(status=ProblemStatus.CLOSED, rectified_on_time=True)),
            accept=Avg(took_accept, filter=Q(accepted_at__isnull=False)),
            close=Avg(took_close, filter=Q(closed_at__isnull=False)),
        )
        .order_by()
    )
    by_month = {_month(row["month"]): row for row in speed}
    reports = Report.objects.filter(area=area, created_at__gte=since).exclude(feedback="")
    if township is not None:
        reports = reports.filter(problem__township__path__startswith=township.path)
    answers = {
        _month(row["month"]): row
        for row in reports.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"), fixed=Count("pk", filter=Q(feedback=Feedback.FIXED)))
        .order_by()
    }
    for start in starts:
        row = by_month.get(start)
        if row is None:
            result.speed.append(Speed(start, 0, 0, 0, None, None))
            continue
        said = answers.get(start, {"n": 0, "fixed": 0})
        result.speed.append(
            Speed(
                start, row["n"], row["closed"], row["on_time"], _hours(row["accept"]), _hours(row["close"]),
                said["n"], said["fixed"],
            )
        )  # fmt: skip
    return result


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)
