"""问题整改 in 示范县: the two-level category catalogue (数字城管 classes, sample time limits)
and the problems opened from the failed items of last month's covert inspections, through the
same intake the live submission uses (so their clocks, embargoes and rebounds are real).

A first step of the issue's demo: problems moved through every state (rework, overdue,
citizen, media and leader problems) are still to come — see the closing note of issue 5.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.context import DemoContext
from chuangcheng.inspections.choices import Outcome
from chuangcheng.inspections.models import Inspection
from chuangcheng.notifications.models import Notification
from chuangcheng.problems import intake
from chuangcheng.problems.choices import CategoryClass, TimeUnit
from chuangcheng.problems.models import (
    Category,
    DeadlineRule,
    NoteTemplate,
    Problem,
    ProblemEvent,
    ProblemPhoto,
)

# (big class code, name, class, [(code, name, limit, unit)]) — sample limits, not a standard's
CATALOGUE = [
    ("SR", "市容环境", CategoryClass.EVENT, [
        ("SR01", "暴露垃圾", 4, TimeUnit.WORK_HOURS), ("SR02", "积存垃圾渣土", 1, TimeUnit.WORK_DAYS),
        ("SR03", "道路不洁", 4, TimeUnit.WORK_HOURS), ("SR04", "私搭乱建", 20, TimeUnit.WORK_DAYS),
    ]),
    ("XC", "宣传广告", CategoryClass.EVENT, [
        ("XC01", "非法小广告", 1, TimeUnit.WORK_DAYS), ("XC02", "违规户外广告", 5, TimeUnit.WORK_DAYS),
    ]),
    ("SG", "施工管理", CategoryClass.EVENT, [
        ("SG01", "施工扰民", 2, TimeUnit.WORK_DAYS), ("SG02", "工地扬尘", 1, TimeUnit.WORK_DAYS),
    ]),
    ("JM", "街面秩序", CategoryClass.EVENT, [
        ("JM01", "占道经营", 4, TimeUnit.WORK_HOURS), ("JM02", "乱停放", 4, TimeUnit.WORK_HOURS),
        ("JM03", "僵尸车", 5, TimeUnit.WORK_DAYS),
    ]),
    ("TF", "突发事件", CategoryClass.EVENT, [("TF01", "路面塌陷", 2, TimeUnit.WORK_HOURS)]),
    ("GY", "公用设施", CategoryClass.COMPONENT, [
        ("GY01", "井盖破损", 1, TimeUnit.WORK_DAYS), ("GY02", "路灯不亮", 3, TimeUnit.WORK_DAYS),
    ]),
    ("DL", "道路交通", CategoryClass.COMPONENT, [("DL01", "护栏损坏", 3, TimeUnit.WORK_DAYS)]),
    ("YL", "园林绿化", CategoryClass.COMPONENT, [
        ("YL01", "绿地脏乱", 2, TimeUnit.WORK_DAYS), ("YL02", "行道树缺株", 10, TimeUnit.WORK_DAYS),
    ]),
]  # fmt: skip


def build_catalogue(ctx: DemoContext) -> str:
    county = ctx.county
    n = 0
    for order, (code, name, cls, small) in enumerate(CATALOGUE):
        big = Category.objects.create(area=county, code=code, name=name, category_class=cls, sort_order=order)
        for sub_order, (sub_code, sub_name, limit, unit) in enumerate(small):
            Category.objects.create(
                area=county,
                parent=big,
                code=sub_code,
                name=sub_name,
                category_class=cls,
                time_limit=limit,
                time_unit=unit,
                sort_order=sub_order,
            )
            n += 1
    DeadlineRule.objects.create(area=county, severity="critical", amount=1, unit=TimeUnit.WORK_DAYS)
    for text in ("整改不彻底，请按标准重新整改", "整改照片与问题点位不符，请补充"):
        NoteTemplate.objects.create(area=county, action="send_back", text=text)
    NoteTemplate.objects.create(area=county, action="approve", text="经复核，已整改到位，同意销号")
    return f"{n} 个问题小类"


def build_problems(ctx: DemoContext) -> str:
    """Open problems from last month's failed covert items (and the self-inspections)."""
    today = timezone.localdate()
    since = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    inspections = (
        Inspection.objects.filter(
            area=ctx.county, submitted_at__date__gte=since, results__outcome=Outcome.FAIL
        )
        .select_related("point")
        .distinct()
    )
    opened = 0
    for inspection in inspections:
        opened += len(intake.open_from_inspection(inspection))
    return f"{opened} 个问题"


STEPS = [Step("问题分类", build_catalogue), Step("问题", build_problems)]


def flush() -> None:
    ProblemPhoto.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ProblemEvent._meta.db_table}")  # noqa: S608
    Problem.objects.filter(rebound_of__isnull=False).update(rebound_of=None)
    Problem.objects.filter(merged_into__isnull=False).update(merged_into=None)
    Problem.objects.all().delete()
    NoteTemplate.objects.all().delete()
    DeadlineRule.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    Notification.objects.filter(kind__startswith="problem.").delete()
