"""考核 in 示范县: every ended month of the demo's inspections evaluated and published by the office a
few days after it ended (through ``scoring.actions``, so the figures, hashes and proposed rewards
and penalties are the real ones), the older months' rewards and penalties confirmed and applied,
and the city office's ranking of its counties for the latest month.

Like the inspections, these months follow today: the current month is never evaluated.
"""

from datetime import datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.context import DemoContext
from chuangcheng.inspections.models import Inspection
from chuangcheng.scoring import actions, evaluate, exposure
from chuangcheng.scoring.choices import SanctionStatus
from chuangcheng.scoring.models import (
    Evaluation,
    ExposedProblem,
    PointResult,
    Sanction,
    ScoringSettings,
    UnitResult,
)


def _months_with_data(ctx: DemoContext, now) -> list:
    first = (
        Inspection.objects.filter(area=ctx.county)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    if first is None:
        return []
    month = timezone.localtime(first).date().replace(day=1)
    months = []
    while evaluate.month_bounds(month)[1] <= now:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _at(day, hour) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build_evaluations(ctx: DemoContext) -> str:
    now = timezone.now()
    office = ctx.people_by_username["office"]
    months = _months_with_data(ctx, now)
    published = []
    for month in months:
        _start, end = evaluate.month_bounds(month)
        # the office evaluates on the third day after the month, and publishes that afternoon
        ran = min(now, _at(timezone.localtime(end).date() + timedelta(days=2), 9))
        draft = actions.run_month(office, ctx.county, month, now=ran)
        published.append(actions.publish(office, draft.pk, now=min(now, ran + timedelta(hours=6))))
    # the rewards and penalties of all but the latest month have been carried out
    moved = 0
    for evaluation in published[:-1]:
        for entry in Sanction.objects.filter(evaluation=evaluation, status=SanctionStatus.PROPOSED):
            confirmed = actions.move_sanction(office, entry.pk, SanctionStatus.CONFIRMED, "经领导小组审定")
            actions.move_sanction(office, confirmed.pk, SanctionStatus.APPLIED, "已在年度目标绩效考核中兑现")
            moved += 1
    exposed = 0
    if published:  # the office puts three open problems of failing points on the public board
        latest = published[-1]
        chosen = sorted(
            exposure.candidates(latest), key=lambda p: (not p.public_photos, p.deadline or now, p.pk)
        )
        for problem in chosen[:3]:
            exposure.choose(office, problem.pk, latest.month, "请责任单位立即整改，举一反三、防止反弹。")
            exposed += 1
    city = ctx.people_by_username.get("city")
    city_runs = 0
    if published and city is not None:
        month = months[-1]
        ran = min(now, _at(timezone.localtime(evaluate.month_bounds(month)[1]).date() + timedelta(days=4), 9))
        draft = actions.run_month(city, ctx.city, month, now=ran)
        actions.publish(city, draft.pk, now=ran + timedelta(hours=2))
        city_runs = 1
    first, last = (months[0], months[-1]) if months else (None, None)
    span = f"{first:%Y-%m} 至 {last:%Y-%m}" if months else "无"
    return (
        f"{len(published)} 个月已发布（{span}），奖惩 {moved} 项已兑现；"
        f"曝光问题 {exposed} 个；市级排名 {city_runs} 期"
    )


STEPS = [Step("月度考评", build_evaluations)]


def flush() -> None:
    """Published evaluations refuse deletion through the models (they are frozen): the demo
    wipes its own tables with plain statements."""
    with connection.cursor() as cursor:
        for model in (ExposedProblem, Sanction, PointResult, UnitResult):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        cursor.execute(f"UPDATE {Evaluation._meta.db_table} SET corrects_id = NULL")  # noqa: S608
        for model in (Evaluation, ScoringSettings):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
