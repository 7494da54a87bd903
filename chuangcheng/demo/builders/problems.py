"""问题整改 in 示范县: the two-level category catalogue (数字城管 classes, sample time limits),
every failed item of the seven months of inspections as a problem, and a life for each.

Problems open through the same ``intake.problem_for`` the live submission uses (clocks,
embargoes and rebounds are real), in the order they were found; each then lives through the
steps a unit and the office would have taken by now — accepted, fixed, sometimes sent back
and fixed again, verified and closed, a few stalled past their deadline or extended — each step
applied by ``actions.apply_step`` (the rules of the workflow) at its own moment and written in
bulk month by month, so that next month's failure at the same point and item finds the closed
problem and is flagged as a rebound. Then the office records media, leader-instruction and
citizen problems through ``actions`` like a person would, and housekeeping sends the reminders
and escalations due now.

Like the inspections these dates follow today: a problem found last week is still open.
"""

import io
import random
import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.utils import timezone

from chuangcheng.core.workdays import Calendar, overrides_read_once
from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.builders.inspections import _scene
from chuangcheng.demo.context import DemoContext
from chuangcheng.inspections.choices import Outcome
from chuangcheng.inspections.models import ItemResult
from chuangcheng.notifications.models import Notification
from chuangcheng.points.models import Point
from chuangcheng.problems import actions, intake
from chuangcheng.problems.choices import (
    Action,
    CategoryClass,
    PhotoKind,
    ProblemSource,
    ProblemStatus,
    Severity,
    TimeUnit,
)
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


# the department that answers for each small class (sample: counties differ)
DEPARTMENTS = {
    "SR": "县城市管理局", "XC": "县城市管理局", "SG": "县住房和城乡建设局", "JM": "县城市管理局",
    "JM02": "县公安局交警大队", "TF": "县住房和城乡建设局", "GY": "县住房和城乡建设局",
    "GY02": "县城市管理局", "DL": "县交通运输局", "YL": "县住房和城乡建设局", "YL02": "县林业局",
}  # fmt: skip


def build_catalogue(ctx: DemoContext) -> str:
    county = ctx.county
    n = 0
    for order, (code, name, cls, small) in enumerate(CATALOGUE):
        big = Category.objects.create(area=county, code=code, name=name, category_class=cls, sort_order=order)
        for sub_order, (sub_code, sub_name, limit, unit) in enumerate(small):
            department = DEPARTMENTS.get(sub_code) or DEPARTMENTS[code]
            Category.objects.create(
                area=county,
                parent=big,
                code=sub_code,
                name=sub_name,
                category_class=cls,
                time_limit=limit,
                time_unit=unit,
                responsible_unit=ctx.units_by_name.get(department),
                sort_order=sub_order,
            )
            n += 1
    DeadlineRule.objects.create(area=county, severity="critical", amount=1, unit=TimeUnit.WORK_DAYS)
    for text in SEND_BACK_NOTES:
        NoteTemplate.objects.create(area=county, action="send_back", text=text)
    NoteTemplate.objects.create(area=county, action="approve", text=APPROVE_NOTES[0])
    NoteTemplate.objects.create(area=county, action="reject", text="经核查，不属于创城问题，不予立案")
    NoteTemplate.objects.create(area=county, action="extend", text="涉及工程施工，需协调多部门，申请延期")
    return f"{n} 个问题小类"


SEND_BACK_NOTES = ["整改不彻底，请按标准重新整改", "整改照片与问题点位不符，请补充"]
APPROVE_NOTES = ["经复核，已整改到位，同意销号", "现场复核整改到位"]
SUBMIT_NOTES = [
    "已组织人员现场清理，建立日常巡查机制",
    "已完成整改，并对责任人进行提醒教育",
    "已整改到位，落实专人每日巡查",
    "已清理完毕，增设提示标识",
    "已维修更换，恢复正常使用",
]
EXTEND_NOTES = ["涉及工程施工，需协调多部门，申请延期", "需采购材料，申请延期五个工作日"]
AFTER_PHOTOS = 8  # clean street scenes shared by the demo's fixes (files are written once)
# chances, for problems found before the last two weeks and for the recent ones
STALL = {"old": 0.03, "recent": 0.2}
LATE_FIX, REWORK, LATE_ACCEPT, LATE_VERIFY, EXTEND = 0.14, 0.12, 0.1, 0.08, 0.3


@dataclass
class _Photo:
    image: str
    thumbnail: str
    width: int
    height: int


class _Cast:
    """Who takes the steps: the unit's staff or the point's leader, and the office's clerks (never
    the one who submitted the fix)."""

    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.rng = rng
        self.office = actions.office_people(ctx.county)
        self._units: dict[int, list] = {}

    def unit_person(self, problem):
        leader = problem.point.point_leader if problem.point_id else None
        if leader is not None and self.rng.random() < 0.5:
            return leader
        unit_id = problem.responsible_unit_id
        if unit_id not in self._units:
            self._units[unit_id] = actions.unit_people(problem.responsible_unit)
        people = self._units[unit_id] or [leader]
        return self.rng.choice([p for p in people if p is not None] or self.office)

    def verifier(self, submitter):
        return self.rng.choice([p for p in self.office if p.pk != submitter.pk])


def _after_photos(rng: random.Random) -> list[_Photo]:
    """A few after-photos written to storage once; the fixes of the demo share them."""
    from chuangcheng.problems.photos import THUMBNAIL_EDGE

    stored = []
    for n in range(AFTER_PHOTOS):
        image = _scene(rng, with_problem=False)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80)
        name = default_storage.save(f"problems/demo/after-{n + 1}.jpg", ContentFile(out.getvalue()))
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80)
        thumb = default_storage.save(f"problems/demo/after-{n + 1}-thumb.jpg", ContentFile(out.getvalue()))
        stored.append(_Photo(name, thumb, 640, 480))
    return stored


class _Life:
    """One problem's steps up to now, applied by the workflow's rules and collected for bulk writes."""

    def __init__(self, problem, now, rng, cast, photos):
        self.problem, self.now, self.rng, self.cast, self.photos = problem, now, rng, cast, photos
        self.events: list[ProblemEvent] = []
        self.after: list[tuple[int, ProblemPhoto]] = []  # (index of its event, photo)

    def take(self, action, actor, at, **step) -> bool:
        """Apply ``action`` at ``at`` if that moment has come; False (and nothing done) if not."""
        if at > self.now:
            return False
        p = self.problem
        event = ProblemEvent(
            problem=p, action=action, from_status=p.status, to_status=p.status, actor=actor, at=at,
            note=step.get("note", ""), from_unit_id=p.responsible_unit_id,
        )  # fmt: skip
        actions.apply_step(p, actions.Step(action, **step), event, at)
        event.to_unit_id = p.responsible_unit_id
        self.events.append(event)
        if action == Action.SUBMIT:
            photo = self.rng.choice(self.photos)
            self.after.append(
                (
                    len(self.events) - 1,
                    ProblemPhoto(
                        id=self.rng.randrange(2**32, 2**53),
                        problem=p,
                        kind=PhotoKind.AFTER,
                        image=photo.image,
                        thumbnail=photo.thumbnail,
                        width=photo.width,
                        height=photo.height,
                        uploaded_by=actor,
                        uploaded_at=at,
                    ),
                )
            )
        return True

    def live(self, recent: bool) -> None:
        p, rng = self.problem, self.rng
        if p.is_embargoed(timezone.localdate(self.now)):
            return  # a covert finding the unit has not been told of yet
        start, deadline = p.assigned_at, p.deadline
        calendar = Calendar.around(start)
        hours = max(calendar.working_seconds(start, deadline) / 3600, 1.0)
        accept_hours = settings.PROBLEM_ACCEPT_WORK_HOURS
        unit = self.cast.unit_person(p)
        stalled = rng.random() < STALL["recent" if recent else "old"]
        late = rng.random() < LATE_ACCEPT
        accept_at = calendar.add_work_hours(
            start, accept_hours * rng.uniform(*((1.3, 3) if late else (0.1, 0.9)))
        )
        if (stalled and rng.random() < 0.3) or not self.take(Action.ACCEPT, unit, accept_at):
            return
        if stalled:  # past its deadline, or given more time
            if rng.random() < EXTEND:
                office = self.cast.verifier(unit)
                asked = calendar.add_work_hours(start, hours * rng.uniform(0.5, 0.9))
                self.take(
                    Action.EXTEND, office, asked, note=rng.choice(EXTEND_NOTES),
                    deadline=calendar.add_workdays(deadline, 5),
                )  # fmt: skip
            return
        share = rng.uniform(1.05, 1.8) if rng.random() < LATE_FIX else rng.uniform(0.2, 0.95)
        submit_at = max(accept_at + timedelta(minutes=20), calendar.add_work_hours(start, hours * share))
        if not self.take(Action.SUBMIT, unit, submit_at, note=rng.choice(SUBMIT_NOTES)):
            return
        office = self.cast.verifier(unit)
        if rng.random() < REWORK:
            back_at = calendar.add_work_hours(submit_at, rng.uniform(1, 12))
            if not self.take(Action.SEND_BACK, office, back_at, note=rng.choice(SEND_BACK_NOTES)):
                return
            submit_at = calendar.add_work_hours(back_at, rng.uniform(2, 16))
            if not self.take(Action.SUBMIT, unit, submit_at, note="已按复核意见重新整改"):
                return
        verify_hours = rng.uniform(17, 30) if rng.random() < LATE_VERIFY else rng.uniform(1, 14)
        self.take(
            Action.APPROVE,
            office,
            calendar.add_work_hours(submit_at, verify_hours),
            note=rng.choice(APPROVE_NOTES),
        )


def _ids(rng: random.Random, problem, found: datetime) -> None:
    """Ids and numbers from the demo's generator, so a seed gives the same problems."""
    problem.id = rng.randrange(2**32, 2**53)
    problem.code = timezone.localtime(found).strftime("%Y%m%d") + "".join(
        rng.choice(string.ascii_uppercase.replace("I", "").replace("O", "") + "23456789") for _ in range(6)
    )


def _write(lives: list[_Life]) -> None:
    """One month's problems, events and photos in bulk."""
    Problem.objects.bulk_create([life.problem for life in lives])
    for life in lives:
        create = ProblemEvent(
            problem=life.problem, action=Action.CREATE, from_status="", to_status=ProblemStatus.ASSIGNED,
            actor=None, at=life.problem.found_at, to_unit_id=life.problem.responsible_unit_id,
            new_deadline=life.problem.deadline if not life.events else None,
        )  # fmt: skip
        life.events.insert(0, create)
        life.after = [(index + 1, photo) for index, photo in life.after]
    events = [event for life in lives for event in life.events]
    ProblemEvent.objects.bulk_create(events)
    photos = []
    for life in lives:
        for index, photo in life.after:
            photo.event = life.events[index]
            photos.append(photo)
    ProblemPhoto.objects.bulk_create(photos)


def build_problems(ctx: DemoContext) -> str:
    """Every failed item of the demo's inspections as a problem, living its life up to now."""
    rng = random.Random(ctx.rng.getrandbits(64))
    now = timezone.now()
    recent = now - timedelta(days=14)
    cast = _Cast(ctx, rng)
    photos = _after_photos(rng)
    failed = (
        ItemResult.objects.filter(inspection__area=ctx.county, outcome=Outcome.FAIL, problem__isnull=True)
        .select_related("check_item", "inspection__point__point_leader", "inspection__responsible_unit")
        .prefetch_related("indicators")
        .order_by("inspection__submitted_at", "inspection_id", "check_item__sort_order", "pk")
    )
    by_month: dict[tuple[int, int], list] = defaultdict(list)
    for result in failed:
        at = timezone.localtime(result.inspection.submitted_at)
        by_month[(at.year, at.month)].append(result)
    with overrides_read_once():
        total = 0
        for month in sorted(by_month):
            lives = []
            with transaction.atomic():
                for result in by_month[month]:
                    problem = intake.problem_for(result.inspection, result)
                    _ids(rng, problem, problem.found_at)
                    problem.responsible_unit = result.inspection.responsible_unit
                    life = _Life(problem, now, rng, cast, photos)
                    life.live(recent=problem.found_at >= recent)
                    lives.append(life)
                _write(lives)  # before the next month: its failures look for these closed ones
            total += len(lives)
    recorded = _recorded_problems(ctx, rng, now)
    counts = actions.housekeeping(now)
    states = dict(Problem.objects.values_list("status").annotate(n=models.Count("pk")))
    overdue = Problem.objects.overdue(now).count()
    rebounds = Problem.objects.filter(is_rebound=True).count()
    return (
        f"{total + recorded} 个问题（督查发现 {total}，媒体、交办与群众 {recorded}）："
        f"已销号 {states.get(ProblemStatus.CLOSED, 0)}，整改中 {states.get(ProblemStatus.RECTIFYING, 0)}，"
        f"待复核 {states.get(ProblemStatus.SUBMITTED, 0)}，返工 {states.get(ProblemStatus.REWORK, 0)}；"
        f"超期 {overdue}，反弹 {rebounds}；提醒 {counts['reminded']}、超期督办 {counts['escalated']} 条"
    )


# --- problems the office records: media exposure, leaders' instructions, residents' reports ------
MEDIA = [
    ("SR01", "城关街道", "农贸市场周边垃圾堆积无人清运", "《阳光问廉》第12期"),
    ("JM01", "东城街道", "步行街占道经营屡禁不止", "《阳光问廉》第13期"),
    ("XC01", "西城街道", "老旧小区楼道小广告泛滥", "县融媒体中心《创城曝光台》"),
]
LEADER = [
    ("GY01", "城关街道", "人民路井盖破损存在安全隐患，请立即整改", "县长现场督办"),
    ("YL01", "南湖街道", "滨河公园绿地脏乱，限期整治到位", "县委书记调研时交办"),
    ("DL01", "东城街道", "学校门口护栏损坏，尽快修复", "分管副县长批示"),
]
CITIZEN = [
    ("SR03", "城关街道", "小区门口道路油污没人清扫"), ("JM02", "东城街道", "人行道上电动车乱停乱放"),
    ("GY02", "西城街道", "路灯一到晚上就不亮，走路不安全"), ("SG01", "南湖街道", "工地夜间施工噪音扰民"),
    ("JM03", "城关街道", "路边一辆僵尸车停了半年"), ("SR02", "北山镇", "河边堆了很多建筑垃圾"),
    ("XC02", "东城街道", "店招破损摇摇欲坠"), ("YL02", "西城街道", "行道树被砍了没有补种"),
    ("SR01", "青石镇", "集市散场后垃圾满地"), ("SG02", "南湖街道", "工地扬尘大，没有围挡洒水"),
]  # fmt: skip


def _before_photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    _scene(rng).save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(f"report-{n}.jpg", out.getvalue(), content_type="image/jpeg")


def _recorded_problems(ctx: DemoContext, rng: random.Random, now: datetime) -> int:
    """Media, leader-instruction and citizen problems, recorded and moved on through ``actions``."""
    office = ctx.people_by_username["office"]
    colleague = next(p for p in actions.office_people(ctx.county) if p.pk != office.pk)
    categories = {
        c.code: c for c in Category.objects.filter(area=ctx.county).select_related("responsible_unit")
    }
    points = list(Point.objects.filter(area=ctx.county, latitude__isnull=False).select_related("township"))
    rows = [(ProblemSource.MEDIA, *m) for m in MEDIA] + [(ProblemSource.LEADER, *m) for m in LEADER]
    rows += [(ProblemSource.CITIZEN, code, township, title, "群众来电") for code, township, title in CITIZEN]
    recorded = []
    for n, (source, code, township, title, detail) in enumerate(rows):
        category = categories[code]
        near = [p for p in points if p.township and p.township.name == township] or points
        spot = rng.choice(near)
        found = now - timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 8))
        unit = category.responsible_unit if rng.random() < 0.6 else spot.township
        problem = actions.create_problem(
            office,
            actions.NewProblem(
                area=ctx.county, source=source, title=title, description=f"{detail}：{title}。",
                severity=Severity.MAJOR if source != ProblemSource.CITIZEN else Severity.GENERAL,
                category=category, address=spot.address or spot.name,
                latitude=spot.latitude + Decimal(rng.randint(-300, 300)) / 1000000,
                longitude=spot.longitude + Decimal(rng.randint(-300, 300)) / 1000000,
                source_detail=detail,
                instructed_by=ctx.leaders[n % len(ctx.leaders)] if source == ProblemSource.LEADER else None,
                found_at=found, unit=unit, photos=[_before_photo(rng, n)],
            ),
            now=found,
        )  # fmt: skip
        recorded.append(problem)
        _move_on(problem, rng, now, found, colleague)
    exposed = recorded[0]
    actions.launch_recheck(
        office,
        exposed,
        actions.Recheck(
            point_type=Point.objects.filter(area=ctx.county, name__contains="市场").first().point_type,
            period_start=timezone.localdate(now),
            period_end=timezone.localdate(now) + timedelta(days=10),
            mode="self",
        ),
    )
    return len(recorded)


def _move_on(problem, rng, now, found, office) -> None:
    """Take a recorded problem some of the way: accepted, fixed, verified — or not yet."""
    people = actions.unit_people(problem.responsible_unit)
    if not people:
        return
    unit = people[0]
    calendar = Calendar.around(found)
    fate = rng.random()
    plan = [(Action.ACCEPT, unit, calendar.add_work_hours(found, 1), {})]
    if fate > 0.3:
        fixed = calendar.add_work_hours(found, rng.uniform(3, 20))
        plan.append((Action.SUBMIT, unit, fixed, {"note": rng.choice(SUBMIT_NOTES)}))
        if fate > 0.55:
            plan.append(
                (Action.APPROVE, office, calendar.add_work_hours(fixed, 4), {"note": APPROVE_NOTES[0]})
            )
    for action, actor, at, extra in plan:
        if at > now:
            return
        if action == Action.SUBMIT:
            out = io.BytesIO()
            _scene(rng, with_problem=False).save(out, format="JPEG", quality=80)
            extra["photos"] = [SimpleUploadedFile("fix.jpg", out.getvalue(), content_type="image/jpeg")]
        actions.transition(problem.pk, actions.Step(action, **extra), actor, now=at)


STEPS = [Step("问题分类", build_catalogue), Step("问题", build_problems)]


def flush() -> None:
    """Delete all problem data: photos (and their files), events, problems, the catalogue."""
    files = sorted(
        {name for row in ProblemPhoto.objects.values_list("image", "thumbnail") for name in row if name}
    )
    with connection.cursor() as cursor:  # one statement each: the ORM would load every row first
        cursor.execute(f"DELETE FROM {ProblemPhoto._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {ProblemEvent._meta.db_table}")  # noqa: S608
    Problem.objects.filter(rebound_of__isnull=False).update(rebound_of=None)
    Problem.objects.filter(merged_into__isnull=False).update(merged_into=None)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Problem._meta.db_table}")  # noqa: S608
    NoteTemplate.objects.all().delete()
    DeadlineRule.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    Notification.objects.filter(kind__startswith="problem.").delete()
    if files:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
