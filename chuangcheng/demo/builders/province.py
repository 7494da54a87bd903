"""``seed_demo --scale province``: a province for the evaluation benchmark (issue 6 item 9).

≈180 counties (15 to a city) of 10 townships and streets and 10 departments each, 300 points per
county spread over the reference point types in the demo county's proportions, and the last full
month of covert inspections: one drawn plan per county (``actions.create_plan``, so the draw is
real and verifiable), four visits per point, every visit answering the point type's WHOLE
checklist, scored by ``inspections.score`` like the app. Every failed item opens a problem the way
``problems.intake`` does: assigned to the point's unit, its clock starting when the covert
month's embargo ends, rebounds linked to a problem closed at the same point and item. Each
problem then lives through accept → fix → (send back → fix) → verify as far as today allows.

The month before is present by its problems only (no inspection rows — the brief is one month of
inspections): without them nothing would be due in the evaluated month, since the month's own
covert findings start their clocks when the month ends. They carry ``source_detail`` saying so.

The reference content is loaded once per city (``load_reference``); the city's counties use
its point types: the indicators app reads an area's content from its ancestors too
(``scope_includes_ancestors``). The points form offers only a county's own point types, so
editing a province point in the UI would ask for a type of the county (the benchmark never does).

Written in bulk: units, people and points with ``bulk_create``; assignments by the draw; the
inspections, item results (with their indicator links) and problems with ``COPY`` on PostgreSQL
(multi-row INSERTs elsewhere) through ``inspections._insert``. No ProblemEvent history is
written: the evaluation never reads it.
"""

from __future__ import annotations

import bisect
import math
import random
import time as time_module
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.utils import timezone

from chuangcheng.core.workdays import Calendar, periods
from chuangcheng.demo import names as N
from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.builders.campaign import ADDRESS_STREETS
from chuangcheng.demo.builders.inspections import (
    BASE_FAILURE,
    FAILURE_NOTES,
    PARTS,
    TOWNSHIP_RISK,
    TYPE_RISK,
    _insert,
)
from chuangcheng.demo.context import DemoContext
from chuangcheng.indicators.models import CheckItem, PointType
from chuangcheng.indicators.reference.loader import load_reference
from chuangcheng.inspections import actions as inspection_actions
from chuangcheng.inspections.choices import AssignmentStatus, InspectionKind, Outcome, PlanKind
from chuangcheng.inspections.draw import Rules
from chuangcheng.inspections.models import Assignment, Inspection, ItemResult, Plan
from chuangcheng.inspections.score import score_line, total
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import OrgUnit, RoleAssignment, User
from chuangcheng.points.models import Point
from chuangcheng.problems import deadlines
from chuangcheng.problems.choices import ProblemSource, ProblemStatus, Severity
from chuangcheng.problems.models import Problem
from chuangcheng.utils.geo import distance_m
from chuangcheng.utils.pinyin import pinyin_key

COUNTIES = 180
POINTS = 300  # per county
COUNTIES_PER_CITY = 15
VISITS = 4  # covert visits per point in the month
INSPECTORS = 8  # per county
BATCH = 10  # counties written per round of COPY

CITY_FIRST = "临安宁丰永泰兴长清平华嘉"
CITY_SECOND = "州阳江川"
COUNTY_FIRST = "东西南北中青白石龙桃新金玉云松"
COUNTY_SECOND = "山河川源阳平宁江湖林溪岭原城桥"
# the demo county's ten townships and streets; ten of its departments
TOWNSHIPS = [(name, kind) for name, kind, _communities in N.TOWNSHIPS]
DEPARTMENTS = [
    "县城市管理局", "县住房和城乡建设局", "县卫生健康局", "县市场监督管理局", "县交通运输局",
    "县文化和旅游局", "县财政局", "县机关事务服务中心", "县教育局", "县公安局交警大队",
]  # fmt: skip
# points per type in the demo county (302 in all): the shares every county follows
TYPE_SHARE = {
    "ZCGD": 25, "BJXX": 40, "JMXQ": 45, "XXZB": 20, "SYDJ": 6, "MQZR": 15, "ZWFW": 3, "CXJH": 12,
    "WMSJ": 12, "NMSC": 8, "GYGC": 12, "YY": 6, "CZ": 4, "YHWD": 12, "JZGD": 10, "YSTQ": 5,
    "GJZD": 20, "TCC": 10, "WHCG": 7, "GGCS": 30,
}  # fmt: skip
# types a department answers for (the others: the township or street they lie in)
TYPE_OWNER = {
    "NMSC": "县市场监督管理局", "GYGC": "县住房和城乡建设局", "YY": "县卫生健康局", "CZ": "县交通运输局",
    "ZWFW": "县机关事务服务中心", "YHWD": "县财政局", "JZGD": "县住房和城乡建设局", "YSTQ": "县城市管理局",
    "GJZD": "县交通运输局", "TCC": "县公安局交警大队", "WHCG": "县文化和旅游局", "GGCS": "县城市管理局",
}  # fmt: skip
# the campaign bites: the month before fails a little more often than the evaluated one
MONTH_FACTOR = {"previous": 0.6, "month": 0.5}
# a problem's life: the unit accepts late, never gets to the fix, fixes late, is sent back
LATE_ACCEPT, STALL, LATE_FIX, REWORK, REWORK_TWICE, LATE_VERIFY = 0.1, 0.06, 0.15, 0.12, 0.2, 0.08
PROBLEM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class County:
    unit: OrgUnit
    city: OrgUnit
    index: int
    office: OrgUnit | None = None
    townships: list[OrgUnit] = field(default_factory=list)
    departments: dict[str, OrgUnit] = field(default_factory=dict)
    office_staff: list[User] = field(default_factory=list)
    inspectors: list[User] = field(default_factory=list)
    leaders: dict[int, User] = field(default_factory=dict)  # unit id → its point leader
    factor: float = 1.0  # how well the county keeps its points
    centre: tuple[float, float] = (0.0, 0.0)
    points: list[SimpleNamespace] = field(default_factory=list)
    plan: Plan | None = None


def steps(counties: int = COUNTIES, points: int = POINTS, per_city: int = COUNTIES_PER_CITY) -> list[Step]:
    """The province's steps for ``seed_demo``'s loop, with their size fixed."""
    if counties < 1 or points < 1 or per_city < 1:
        raise ValueError("--counties, --points and --counties-per-city must be at least 1")

    def configure(ctx: DemoContext) -> None:
        ctx.extra.setdefault(
            "province.options", SimpleNamespace(counties=counties, points=points, per_city=per_city)
        )

    def first(ctx: DemoContext) -> str:
        configure(ctx)
        return build_units(ctx)

    def timed(build):
        def run(ctx: DemoContext) -> str:
            started = time_module.monotonic()
            summary = build(ctx)
            return f"{summary}（{time_module.monotonic() - started:.1f} 秒）"

        return run

    return [
        Step(label, timed(build))
        for label, build in (
            ("组织架构", first),
            ("人员账号", build_people),
            ("测评体系", build_reference),
            ("测评点位", build_points),
            ("暗访计划", build_plans),
            ("上月问题", build_previous_problems),
            ("暗访督查", build_inspections),
            ("统计信息", build_statistics),
        )
    ]


def counts(ctx: DemoContext) -> Counter:
    """What the steps wrote (for the summary line and the tests)."""
    return ctx.extra.setdefault("province.counts", Counter())


# --- months ------------------------------------------------------------------------------------


def last_full_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_days(first: date) -> tuple[date, date]:
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def _moment(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


# --- step 1: units -----------------------------------------------------------------------------


def _place_units(units: list[OrgUnit]) -> None:
    """bulk_create skips ``OrgUnit.save``: fill the materialised path and depth from the ids."""
    for unit in units:
        unit.path = (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"
        unit.depth = unit.path.count("/") - 2
    OrgUnit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)


def _new_unit(name, kind, parent=None, short_name="", sort_order=0) -> OrgUnit:
    return OrgUnit(
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name,
        sort_order=sort_order,
        name_pinyin=pinyin_key(name),
    )


def _names(first: str, second: str, suffix: str, n: int, rng: random.Random) -> list[str]:
    pool = [a + b + suffix for a in first for b in second if a != b]
    rng.shuffle(pool)
    return [
        pool[i] if i < len(pool) else f"{pool[i % len(pool)][:-1]}{i // len(pool) + 1}{suffix}"
        for i in range(n)
    ]


def build_units(ctx: DemoContext) -> str:
    options = ctx.extra["province.options"]
    rng = ctx.rng
    n_cities = math.ceil(options.counties / options.per_city)
    cities = OrgUnit.objects.bulk_create(
        [
            _new_unit(name, UnitKind.CITY, sort_order=10 * (i + 1))
            for i, name in enumerate(_names(CITY_FIRST, CITY_SECOND, "市", n_cities, rng))
        ]
    )
    _place_units(cities)

    county_names = _names(COUNTY_FIRST, COUNTY_SECOND, "县", options.counties, rng)
    level = []
    for city in cities:
        level.append(_new_unit(f"{city.name}创城办", UnitKind.CAMPAIGN_OFFICE, city, "市创城办", 10))
    every_county: list[County] = []
    for i, name in enumerate(county_names):
        city = cities[i // options.per_city]
        unit = _new_unit(name, UnitKind.COUNTY, city, sort_order=20 + i % options.per_city)
        level.append(unit)
        every_county.append(
            County(
                unit=unit,
                city=city,
                index=i,
                factor=rng.lognormvariate(0, 0.3),
                centre=(26.0 + (i // 15) * 0.6, 110.0 + (i % 15) * 0.6),
            )
        )
    OrgUnit.objects.bulk_create(level)
    _place_units(level)
    ctx.extra["province.city_offices"] = level[: len(cities)]

    level = []
    for county in every_county:
        county.office = _new_unit(
            f"{county.unit.name}四城同创办", UnitKind.CAMPAIGN_OFFICE, county.unit, "创城办", 20
        )
        level.append(county.office)
        for i, (name, kind) in enumerate(TOWNSHIPS):
            township = _new_unit(name, kind, county.unit, sort_order=100 + i)
            county.townships.append(township)
            level.append(township)
        for i, name in enumerate(DEPARTMENTS):
            department = _new_unit(name, UnitKind.DEPARTMENT, county.unit, sort_order=200 + i)
            county.departments[name] = department
            level.append(department)
    OrgUnit.objects.bulk_create(level, batch_size=1000)
    _place_units(level)

    ctx.extra["province.cities"] = cities
    ctx.extra["province.counties"] = every_county
    units = len(cities) * 2 + len(every_county) + len(level)
    counts(ctx).update(units=units, cities=len(cities), counties=len(every_county))
    return (
        f"{units} 个单位：{len(cities)} 个市、{len(every_county)} 个县，"
        f"每县 {len(TOWNSHIPS)} 个乡镇街道、{len(DEPARTMENTS)} 个部门"
    )


# --- step 2: people ----------------------------------------------------------------------------


def _person(ctx: DemoContext, unit: OrgUnit, job_title: str) -> User:
    full_name = ctx.names.full_name()
    return User(
        username=ctx.names.username(full_name),
        password=ctx.password_hash,
        full_name=full_name,
        name_pinyin=pinyin_key(full_name),
        phone=ctx.names.mobile(),
        unit=unit,
        job_title=job_title,
    )


def build_people(ctx: DemoContext) -> str:
    """Per city a city-office clerk; per county two office staff, eight inspectors and a point
    leader for each township and department."""
    every_county: list[County] = ctx.extra["province.counties"]
    users, roles = [], []
    for office in ctx.extra["province.city_offices"]:
        person = _person(ctx, office, "科员")
        users.append(person)
        roles.append((person, office, Role.CITY_OFFICE))
    for county in every_county:
        for title in ("主任", "科员"):
            person = _person(ctx, county.office, title)
            county.office_staff.append(person)
            roles.append((person, county.office, Role.OFFICE))
        for _ in range(INSPECTORS):
            person = _person(ctx, county.office, "督查员")
            county.inspectors.append(person)
            roles.append((person, county.office, Role.INSPECTOR))
        for unit in [*county.townships, *county.departments.values()]:
            title = "副局长" if unit.kind == UnitKind.DEPARTMENT else "副主任"
            person = _person(ctx, unit, title)
            county.leaders[unit.pk] = person
            roles.append((person, unit, Role.POINT_LEADER))
        users += county.office_staff + county.inspectors + list(county.leaders.values())
    User.objects.bulk_create(users, batch_size=1000)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=person, unit=unit, role=role) for person, unit, role in roles], batch_size=1000
    )
    counts(ctx).update(users=len(users), roles=len(roles))
    return f"{len(users)} 人，{len(roles)} 项角色（每县创城办 2 人、督查员 {INSPECTORS} 人、点长 20 人）"


# --- step 3: the reference content, once per city ----------------------------------------------


def build_reference(ctx: DemoContext) -> str:
    types_by_city: dict[int, dict[str, PointType]] = {}
    summary = None
    for city in ctx.extra["province.cities"]:
        summary = load_reference(city, activate=True)
        types_by_city[city.pk] = {pt.code: pt for pt in PointType.objects.filter(area=city)}
    cities = list(types_by_city)
    items: dict[int, list[CheckItem]] = defaultdict(list)
    for item in CheckItem.objects.filter(point_type__area_id__in=cities, is_active=True).order_by(
        "point_type", "sort_order", "code"
    ):
        items[item.point_type_id].append(item)
    served: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for item_id, indicator_id, code in CheckItem.indicators.through.objects.filter(
        checkitem__point_type__area_id__in=cities
    ).values_list("checkitem_id", "indicator_id", "indicator__code"):
        served[item_id].append((code, indicator_id))
    ctx.extra["province.types"] = types_by_city
    ctx.extra["province.items"] = items
    # an item's indicators, and the one a problem names (the lowest code, as intake picks it)
    ctx.extra["province.indicators"] = {k: sorted(i for _c, i in v) for k, v in served.items()}
    ctx.extra["province.first_indicator"] = {k: min(v)[1] for k, v in served.items()}
    counts(ctx).update(point_types=sum(len(t) for t in types_by_city.values()))
    counts(ctx).update(check_items=sum(len(v) for v in items.values()))
    return (
        f"每个市载入一次（{len(cities)} 次）：{len(summary.systems)} 套测评体系、"
        f"{summary.point_types} 类点位、{summary.check_items} 条检查项；各县点位使用所在市的点位类型与检查项"
    )


# --- step 4: points ----------------------------------------------------------------------------


def _allocate(total_points: int) -> list[str]:
    """``total_points`` type codes in the demo county's proportions (largest remainder)."""
    whole = sum(TYPE_SHARE.values())
    exact = {code: share * total_points / whole for code, share in TYPE_SHARE.items()}
    given = {code: int(value) for code, value in exact.items()}
    left = total_points - sum(given.values())
    for code in sorted(exact, key=lambda c: (given[c] - exact[c], c))[:left]:
        given[code] += 1
    return [code for code in TYPE_SHARE for _ in range(given[code])]


def build_points(ctx: DemoContext) -> str:
    rng = ctx.rng
    options = ctx.extra["province.options"]
    types_by_city = ctx.extra["province.types"]
    plan = _allocate(options.points)
    rows = []
    for county in ctx.extra["province.counties"]:
        types = types_by_city[county.city.pk]
        numbers: Counter = Counter()
        # streets hold more of the points than towns
        weights = [3 if t.kind == UnitKind.STREET else 1 for t in county.townships]
        for code in plan:
            numbers[code] += 1
            township = rng.choices(county.townships, weights=weights)[0]
            owner = county.departments[TYPE_OWNER[code]] if code in TYPE_OWNER else township
            streets = ADDRESS_STREETS.get(township.name) or [township.name[:2] + "路"]
            latitude = Decimal(f"{county.centre[0] + rng.uniform(-0.2, 0.2):.6f}")
            longitude = Decimal(f"{county.centre[1] + rng.uniform(-0.2, 0.2):.6f}")
            point = Point(
                area=county.unit,
                point_type=types[code],
                code=f"{code}-{numbers[code]:03d}",
                name=f"{township.name}{types[code].name}{numbers[code]}号",
                address=f"{county.unit.name}{township.name}{rng.choice(streets)}{rng.randint(1, 320)}号",
                latitude=latitude,
                longitude=longitude,
                township=township,
                responsible_unit=owner,
                point_leader=county.leaders[owner.pk],
                public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
            rows.append((county, point, rng.lognormvariate(0, 0.35)))
    Point.objects.bulk_create([point for _c, point, _f in rows], batch_size=2000)
    for county, point, factor in rows:
        county.points.append(
            SimpleNamespace(
                pk=point.pk,
                code=point.code[: point.code.index("-")],
                point_type_id=point.point_type_id,
                township_id=point.township_id,
                township_name=point.township.name,
                responsible_unit_id=point.responsible_unit_id,
                point_leader_id=point.point_leader_id,
                latitude=point.latitude,
                longitude=point.longitude,
                address=point.address,
                factor=factor,
            )
        )
    counts(ctx).update(points=len(rows))
    return f"{len(rows)} 个点位（每县 {options.points} 个，{len(set(plan))} 类，比例同示范县）"


# --- step 5: the month's covert plans, drawn -----------------------------------------------------


def build_plans(ctx: DemoContext) -> str:
    now = timezone.now()
    month = last_full_month(timezone.localdate(now))
    start, end = month_days(month)
    ctx.extra["province.now"] = now
    ctx.extra["province.month"] = month
    every_county: list[County] = ctx.extra["province.counties"]
    for done, county in enumerate(every_county, start=1):
        county.plan = inspection_actions.create_plan(
            county.office_staff[0],
            inspection_actions.PlanInput(
                area=county.unit,
                name=f"{start.year}年{start.month}月暗访督查",
                kind=PlanKind.COVERT,
                period_start=start,
                period_end=end,
                rules=Rules(date_ranges=((start, end),), day_parts=tuple(PARTS), visits_per_point=VISITS),
                inspector_ids=[person.pk for person in county.inspectors],
                notes="全县点位每月暗访四次（省级基准测试数据）。",
            ),
            seed=f"{ctx.rng.getrandbits(256):064x}",
        )
        if done % 30 == 0 or done == len(every_county):
            ctx.write(f"    暗访计划 {done}/{len(every_county)}")
    plans = [county.plan.pk for county in every_county]
    created = _moment(start - timedelta(days=3), 16)
    Plan.objects.filter(pk__in=plans).update(
        created_at=created, updated_at=created, seed_revealed_at=_moment(end + timedelta(days=1), 1, 5)
    )
    assignments = Assignment.objects.filter(plan__in=plans).update(status=AssignmentStatus.DONE)
    counts(ctx).update(plans=len(plans), assignments=assignments)
    return f"{len(plans)} 个暗访计划（{month:%Y-%m}，随机抽取），{assignments} 项任务"


# --- answering checklists ------------------------------------------------------------------------


class _Checklists:
    """Answers and scores whole checklists; the same answer always scores the same."""

    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.rng = rng
        self.items = ctx.extra["province.items"]
        self.lines: dict[tuple, object] = {}

    def chance(self, county: County, point, month: str) -> float:
        return (
            BASE_FAILURE
            * TYPE_RISK.get(point.code, 1.0)
            * TOWNSHIP_RISK.get(point.township_name, 1.0)
            * county.factor
            * point.factor
            * MONTH_FACTOR[month]
        )

    def answer(self, point, chance: float) -> list:
        rng, lines = self.rng, []
        for item in self.items[point.point_type_id]:
            p = chance * 0.15 if item.is_veto else chance
            if not item.is_veto and rng.random() < 0.01:
                outcome, violations = Outcome.NOT_APPLICABLE, None
            elif rng.random() >= p:
                outcome, violations = Outcome.PASS, (0 if item.scoring_mode == "status_scale" else None)
            elif item.scoring_mode != "status_scale":
                outcome, violations = Outcome.FAIL, None
            else:
                steps_ = [
                    t for t in (item.threshold_b, item.threshold_c, item.threshold_c_sharp) if t is not None
                ]
                threshold = rng.choices(steps_, weights=[6, 3, 1][-len(steps_) :])[0]
                outcome, violations = Outcome.FAIL, threshold + rng.randint(0, 1)
            key = (item.pk, outcome, violations)
            line = self.lines.get(key)
            if line is None:
                line = self.lines[key] = score_line(item, outcome=outcome, violations=violations)
            lines.append(line)
        return lines


def _severity(line) -> str:
    """As ``intake.severity_of``: a failed veto item is critical, C# major, the rest general."""
    if line.check_item.is_veto:
        return Severity.CRITICAL
    if line.status == "C#":
        return Severity.MAJOR
    return Severity.GENERAL


# --- problems: clocks and lives ------------------------------------------------------------------


class _WorkClock:
    """``Calendar.add_work_hours`` by bisection over the span's working periods (the calendar
    walks day by day, which for half a million problems costs a minute)."""

    def __init__(self, first: date, last: date):
        self.calendar = Calendar(first, last)
        self.starts, self.ends, self.before = [], [], []
        self.verify_by_day: dict[date, datetime] = {}
        worked = 0.0
        day = first
        while day <= last:
            if self.calendar.is_workday(day):
                for begin, finish in periods():
                    a, b = _moment(day, begin.hour, begin.minute), _moment(day, finish.hour, finish.minute)
                    self.starts.append(a.timestamp())
                    self.ends.append(b.timestamp())
                    self.before.append(worked)
                    worked += b.timestamp() - a.timestamp()
            day += timedelta(days=1)
        self.cumulative_end = [
            w + (e - s) for w, s, e in zip(self.before, self.starts, self.ends, strict=True)
        ]

    def _worked(self, t: float) -> float:
        i = bisect.bisect_right(self.starts, t) - 1
        if i < 0:
            return 0.0
        return self.before[i] + min(t, self.ends[i]) - self.starts[i]

    def add_hours(self, moment: datetime, hours: float) -> datetime:
        target = self._worked(moment.timestamp()) + hours * 3600
        j = bisect.bisect_left(self.cumulative_end, target)
        return datetime.fromtimestamp(self.starts[j] + target - self.before[j], tz=moment.tzinfo)

    def hours_between(self, a: datetime, b: datetime) -> float:
        return max(0.0, self._worked(b.timestamp()) - self._worked(a.timestamp())) / 3600

    def verify_due(self, moment: datetime) -> datetime:
        """``deadlines.verify_due``: it depends only on the day, so once per day."""
        day = timezone.localtime(moment).date()
        if day not in self.verify_by_day:
            self.verify_by_day[day] = self.calendar.add_workdays(moment, settings.PROBLEM_VERIFY_WORKDAYS)
        return self.verify_by_day[day]


def _clocks(area_id: int, first: date) -> dict[str, SimpleNamespace]:
    """Per severity, the clock ``deadlines.schedule`` gives a covert finding of the month starting
    ``first``: every one of them starts when the month's embargo ends, so one per severity."""
    _start, last = month_days(first)
    clocks = {}
    for severity in Severity.values:
        stub = SimpleNamespace(area_id=area_id, severity=severity, category_id=None, embargo_until=last)
        deadlines.schedule(stub, deadlines.clock_start(stub, _moment(last, 12)))
        clocks[severity] = stub
    return clocks


def _life(rng: random.Random, clock, now: datetime, work: _WorkClock) -> dict:
    """The problem's steps as ``problems.actions`` records them, those before ``now`` taken."""
    start, deadline = clock.assigned_at, clock.deadline
    steps_ = []
    accepted = work.add_hours(
        start, rng.uniform(4.5, 16) if rng.random() < LATE_ACCEPT else rng.uniform(0.3, 3.8)
    )
    steps_.append((accepted, "accept"))
    if rng.random() >= STALL:
        if rng.random() < LATE_FIX:
            t = work.add_hours(deadline, rng.uniform(1, 40))
        else:
            allowed = work.hours_between(accepted, deadline)
            t = work.add_hours(accepted, max(0.2, allowed * rng.uniform(0.1, 0.95)))
        steps_.append((t, "submit"))
        reworks = (2 if rng.random() < REWORK_TWICE else 1) if rng.random() < REWORK else 0
        for _ in range(reworks):
            t = work.add_hours(t, rng.uniform(1, 12))
            steps_.append((t, "send_back"))
            t = work.add_hours(t, rng.uniform(2, 16))
            steps_.append((t, "submit"))
        t = work.add_hours(t, rng.uniform(17, 30) if rng.random() < LATE_VERIFY else rng.uniform(1, 14))
        steps_.append((t, "approve"))
    life = {
        "status": ProblemStatus.ASSIGNED, "accepted_at": None, "submitted_at": None, "verify_due_at": None,
        "closed_at": None, "accepted_on_time": None, "rectified_on_time": None, "verified_on_time": None,
        "rework_count": 0, "updated_at": start,
    }  # fmt: skip
    for when, step in steps_:
        if when > now:
            break
        life["updated_at"] = when
        if step == "accept":
            life.update(status=ProblemStatus.RECTIFYING, accepted_at=when)
            life["accepted_on_time"] = when <= clock.accept_due_at
        elif step == "submit":
            life.update(
                status=ProblemStatus.SUBMITTED, submitted_at=when, verify_due_at=work.verify_due(when)
            )
            life["rectified_on_time"] = when <= deadline
        elif step == "send_back":
            life["verified_on_time"] = when <= life["verify_due_at"]
            life.update(status=ProblemStatus.REWORK, verify_due_at=None)
            life["rework_count"] += 1
        else:
            life["verified_on_time"] = when <= life["verify_due_at"]
            life.update(status=ProblemStatus.CLOSED, closed_at=when)
    return life


PROBLEM_COLUMNS = (
    "id", "code", "area_id", "source", "source_detail", "instructed_by_id", "inspection_id",
    "item_result_id", "point_id", "point_type_id", "check_item_id", "indicator_id", "category_id",
    "title", "description", "severity", "address", "latitude", "longitude", "township_id",
    "responsible_unit_id", "status", "found_at", "reported_by_id", "embargo_until", "time_limit",
    "time_unit", "assigned_at", "deadline", "warn_at", "accept_due_at", "accepted_at", "submitted_at",
    "verify_due_at", "closed_at", "accepted_on_time", "rectified_on_time", "verified_on_time",
    "rework_count", "extension_count", "rebound_of_id", "is_rebound", "merged_into_id", "reminded_at",
    "escalated_at", "created_at", "updated_at",
)  # fmt: skip


class _Problems:
    """Problem rows for failed lines, with unique random ids and codes."""

    def __init__(self, ctx: DemoContext, rng: random.Random, work: _WorkClock, now: datetime):
        self.rng, self.work, self.now = rng, work, now
        self.first_indicator = ctx.extra["province.first_indicator"]
        self.ids: set[int] = ctx.extra.setdefault("province.ids", set())
        self.codes: set[str] = ctx.extra.setdefault("province.codes", set())
        # (point, check item) → [(closed at, problem id)] of problems closed by now: rebounds
        self.closed = ctx.extra.setdefault("province.closed", defaultdict(list))
        self.tally: Counter = Counter()

    def new_id(self) -> int:
        while True:
            candidate = self.rng.randrange(2**32, 2**53)
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate

    def _code(self, found: datetime) -> str:
        day = timezone.localtime(found).strftime("%Y%m%d")
        while True:
            code = day + "".join(self.rng.choice(PROBLEM_CODE_ALPHABET) for _ in range(6))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def row(self, *, county, point, line, clock, found, note, inspection_id=None, result_id=None, detail=""):
        item = line.check_item
        life = _life(self.rng, clock, self.now, self.work)
        rebound_of = None
        earlier = [
            (closed, pk)
            for closed, pk in self.closed.get((point.pk, item.pk), ())
            if found - timedelta(days=settings.PROBLEM_REBOUND_DAYS) <= closed <= found
        ]
        if earlier:
            rebound_of = max(earlier)[1]
        pk = self.new_id()
        if life["closed_at"] is not None:
            self.closed[(point.pk, item.pk)].append((life["closed_at"], pk))
        self.tally[life["status"]] += 1
        self.tally["rebound"] += rebound_of is not None
        self.tally["reworked"] += life["rework_count"] > 0
        return (
            pk, self._code(found), county.unit.pk, ProblemSource.INSPECTION, detail, None, inspection_id,
            result_id, point.pk, point.point_type_id, item.pk, self.first_indicator.get(item.pk), None,
            item.text[:200], note, clock.severity, point.address, None, None, point.township_id,
            point.responsible_unit_id, life["status"], found, None, clock.embargo_until, clock.time_limit,
            clock.time_unit, clock.assigned_at, clock.deadline, clock.warn_at, clock.accept_due_at,
            life["accepted_at"], life["submitted_at"], life["verify_due_at"], life["closed_at"],
            life["accepted_on_time"], life["rectified_on_time"], life["verified_on_time"],
            life["rework_count"], 0, rebound_of, rebound_of is not None, None, None, None, found,
            life["updated_at"],
        )  # fmt: skip


def _work_clock(ctx: DemoContext) -> _WorkClock:
    if "province.work" not in ctx.extra:
        month = ctx.extra["province.month"]
        previous = last_full_month(month)
        ctx.extra["province.work"] = _WorkClock(previous - timedelta(days=7), month + timedelta(days=400))
    return ctx.extra["province.work"]


def _visit_time(rng: random.Random, first: date, last: date, visit: int) -> datetime:
    """A moment in the ``visit``-th quarter of the month, in working daylight."""
    span = (last - first).days + 1
    day = first + timedelta(days=rng.randrange(visit * span // VISITS, (visit + 1) * span // VISITS))
    return _moment(day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))


# --- step 6: the month before, by its problems ----------------------------------------------------


def build_previous_problems(ctx: DemoContext) -> str:
    """Four covert visits per point the month before, kept only as the problems they opened:
    their clocks started when that month ended, so they fall due in the evaluated month."""
    month = ctx.extra["province.month"]
    previous = last_full_month(month)
    first, last = month_days(previous)
    every_county: list[County] = ctx.extra["province.counties"]
    rng = random.Random(ctx.rng.getrandbits(64))
    checklists = _Checklists(ctx, rng)
    problems = _Problems(ctx, rng, _work_clock(ctx), ctx.extra["province.now"])
    clocks = _clocks(every_county[0].unit.pk, previous)
    detail = f"{previous:%Y年%m月}暗访督查（基准测试数据：该月只生成问题，未生成督查记录）"
    rows = []
    for done, county in enumerate(every_county, start=1):
        for point in county.points:
            chance = checklists.chance(county, point, "previous")
            for visit in range(VISITS):
                found = _visit_time(rng, first, last, visit)
                for line in checklists.answer(point, chance):
                    if line.is_failure:
                        rows.append(
                            problems.row(
                                county=county, point=point, line=line, clock=clocks[_severity(line)],
                                found=found, note=rng.choice(FAILURE_NOTES), detail=detail,
                            )
                        )  # fmt: skip
        if done % BATCH == 0 or done == len(every_county):
            _write(Problem, PROBLEM_COLUMNS, rows)
            counts(ctx).update(problems_previous=len(rows))
            rows = []
            if done % (BATCH * 3) == 0 or done == len(every_county):
                ctx.write(
                    f"    上月问题 {done}/{len(every_county)} 个县，{counts(ctx)['problems_previous']} 个"
                )
    tally = problems.tally
    counts(ctx).update({f"previous_{k}": v for k, v in tally.items()})
    return (
        f"{counts(ctx)['problems_previous']} 个问题（{previous:%Y-%m} 发现，{month:%Y-%m} 到期）："
        f"已办结 {tally[ProblemStatus.CLOSED]}、返工过 {tally['reworked']}、仍在办 "
        f"{counts(ctx)['problems_previous'] - tally[ProblemStatus.CLOSED]}"
    )


# --- step 7: the month's inspections and their problems ------------------------------------------


INSPECTION_COLUMNS = (
    "id", "area_id", "kind", "plan_id", "assignment_id", "point_id", "responsible_unit_id", "township_id",
    "point_leader_id", "inspector_id", "second_inspector_id", "is_covert", "embargo_until", "client_key",
    "started_at", "submitted_at", "clock_skew_seconds", "latitude", "longitude", "location_accuracy_m",
    "distance_m", "is_late", "score", "points_lost", "pass_line", "passed", "veto_failed", "failed_items",
    "note", "created_at", "updated_at",
)  # fmt: skip
RESULT_COLUMNS = (
    "id", "inspection_id", "check_item_id", "outcome", "violations", "status", "points_lost", "is_veto",
    "note",
)  # fmt: skip


def _write(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """``inspections._insert`` (COPY on PostgreSQL, which adapts dates, UUIDs and decimals
    itself); elsewhere each value first goes through its field, as the ORM would send it."""
    if rows and connection.vendor != "postgresql":
        fields = {f.column: f for f in model._meta.concrete_fields}
        prepare = [fields[column].get_db_prep_save for column in columns]
        rows = [tuple(p(v, connection) for p, v in zip(prepare, row, strict=True)) for row in rows]
    _insert(model._meta.db_table, columns, rows)


def _reserve_ids(table: str, n: int) -> int:
    """The first of ``n`` consecutive ids nobody else will be given (the rows are written with
    their ids, so problems and indicator links can name them without reading them back)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            if n > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
            return first
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def build_inspections(ctx: DemoContext) -> str:
    month = ctx.extra["province.month"]
    _first, last = month_days(month)
    every_county: list[County] = ctx.extra["province.counties"]
    rng = random.Random(ctx.rng.getrandbits(64))
    checklists = _Checklists(ctx, rng)
    problems = _Problems(ctx, rng, _work_clock(ctx), ctx.extra["province.now"])
    clocks = _clocks(every_county[0].unit.pk, month)
    indicators = ctx.extra["province.indicators"]
    pass_line = Decimal(settings.INSPECTION_PASS_LINE)
    tally: Counter = Counter()
    for start in range(0, len(every_county), BATCH):
        batch = every_county[start : start + BATCH]
        assignments = defaultdict(list)
        for row in (
            Assignment.objects.filter(plan__in=[c.plan.pk for c in batch])
            .order_by("window_start", "sequence")
            .values("id", "plan_id", "point_id", "window_start", "window_end", "inspector_id")
        ):
            assignments[row["plan_id"]].append(row)
        inspections, answered = [], []
        for county in batch:
            points = {point.pk: point for point in county.points}
            for assignment in assignments[county.plan.pk]:
                point = points[assignment["point_id"]]
                lines = checklists.answer(point, checklists.chance(county, point, "month"))
                result = total(lines, pass_line)
                length = int((assignment["window_end"] - assignment["window_start"]).total_seconds() // 60)
                started = assignment["window_start"] + timedelta(minutes=rng.randint(5, max(6, length - 45)))
                submitted = started + timedelta(minutes=rng.randint(12, 35), seconds=rng.randint(0, 59))
                latitude = (point.latitude + Decimal(rng.gauss(0, 0.00025))).quantize(Decimal("0.000001"))
                longitude = (point.longitude + Decimal(rng.gauss(0, 0.00025))).quantize(Decimal("0.000001"))
                distance = round(
                    distance_m(
                        float(latitude), float(longitude), float(point.latitude), float(point.longitude)
                    )
                )
                inspection_id = problems.new_id()
                inspections.append(
                    (
                        inspection_id, county.unit.pk, InspectionKind.COVERT, county.plan.pk,
                        assignment["id"], point.pk, point.responsible_unit_id, point.township_id,
                        point.point_leader_id, assignment["inspector_id"], None, True, last,
                        uuid.UUID(int=rng.getrandbits(128), version=4), started, submitted,
                        rng.choice([0, 0, 0, 2, -3, 5, 41, -75, 300]), latitude, longitude,
                        rng.randint(5, 35), distance, False, result.score, result.points_lost, pass_line,
                        result.passed, result.veto_failed, result.failed_items,
                        f"发现问题 {result.failed_items} 处" if result.failed_items else "",
                        submitted, submitted,
                    )
                )  # fmt: skip
                answered.append((county, point, inspection_id, submitted, lines))
                tally["passed"] += result.passed
        first_result = _reserve_ids(ItemResult._meta.db_table, sum(len(a[4]) for a in answered))
        results, links, opened = [], [], []
        result_id = first_result
        for county, point, inspection_id, submitted, lines in answered:
            for line in lines:
                item = line.check_item
                note = rng.choice(FAILURE_NOTES) if line.is_failure else ""
                results.append(
                    (
                        result_id, inspection_id, item.pk, line.outcome, line.violations, line.status,
                        line.points_lost, item.is_veto, note,
                    )
                )  # fmt: skip
                links += [(result_id, indicator_id) for indicator_id in indicators.get(item.pk, ())]
                if line.is_failure:
                    opened.append(
                        problems.row(
                            county=county, point=point, line=line, clock=clocks[_severity(line)],
                            found=submitted, note=note, inspection_id=inspection_id, result_id=result_id,
                        )
                    )  # fmt: skip
                result_id += 1
        _write(Inspection, INSPECTION_COLUMNS, inspections)
        _write(ItemResult, RESULT_COLUMNS, results)
        _write(ItemResult.indicators.through, ("itemresult_id", "indicator_id"), links)
        _write(Problem, PROBLEM_COLUMNS, opened)
        counts(ctx).update(
            inspections=len(inspections), item_results=len(results), indicator_links=len(links),
            problems_month=len(opened),
        )  # fmt: skip
        done = start + len(batch)
        if done % (BATCH * 3) == 0 or done == len(every_county):
            c = counts(ctx)
            ctx.write(
                f"    暗访督查 {done}/{len(every_county)} 个县：督查 {c['inspections']} 次、"
                f"检查项结果 {c['item_results']} 条、问题 {c['problems_month']} 个"
            )
    c = counts(ctx)
    c.update(passed=tally["passed"])
    c.update({f"month_{k}": v for k, v in problems.tally.items()})
    rate = round(100 * tally["passed"] / c["inspections"]) if c["inspections"] else 0
    return (
        f"{c['inspections']} 次暗访（{month:%Y-%m}，每点 {VISITS} 次，达标率 {rate}%），"
        f"{c['item_results']} 条检查项结果（完整清单）、{c['indicator_links']} 条指标关联；"
        f"{c['problems_month']} 个问题（反弹 {problems.tally['rebound']} 个）"
    )


# --- step 8: planner statistics ----------------------------------------------------------------


def build_statistics(ctx: DemoContext) -> str:
    """ANALYZE the tables just filled (PostgreSQL): autovacuum would get to it within minutes, but
    until then the planner sees empty tables — a benchmark run at once would time bad plans
    (the city-level point step took 72 s instead of 4 s before it)."""
    if connection.vendor != "postgresql":
        return "（仅 PostgreSQL）"
    models = [OrgUnit, User, RoleAssignment, Point, Plan, Assignment, Inspection, ItemResult, Problem]
    tables = [model._meta.db_table for model in models] + [ItemResult.indicators.through._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return f"ANALYZE {len(tables)} 张表"
