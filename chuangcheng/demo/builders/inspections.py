"""督查 in 示范县: seven months of covert plans (six ended, which the office has evaluated, and
the current one) drawn from seeds of the demo's random generator,
the inspections of their past windows, an announced plan, evidence photos drawn locally and a
point leader's self-inspections.

Unlike the rest of the demo, these dates follow today (``timezone.localdate()``): the plans run
from six months ago to the current month, so that the current month's plan is open and the
``inspector`` login has something to do today. The same seed on the same day (and day part)
gives the same data.

Inspections are written in bulk (not through ``actions.submit``, which takes a lock and writes
an audit row per inspection) but scored by the same ``score.score_line``/``score.total``, so the
numbers agree with the app. Failure rates follow the county's story: markets, night markets,
urban villages and building sites fail more, 新桥镇 and 龙泉乡 more than 城关街道, and every
month is better than the one before.
"""

import io
import math
import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.context import DemoContext
from chuangcheng.indicators.models import CheckItem, PointType
from chuangcheng.inspections import actions, photos
from chuangcheng.inspections.choices import (
    AssignmentStatus,
    DayPart,
    InspectionKind,
    Outcome,
    PlanKind,
)
from chuangcheng.inspections.draw import Rules
from chuangcheng.inspections.models import (
    Amendment,
    Assignment,
    EvidencePhoto,
    Inspection,
    ItemResult,
    Plan,
)
from chuangcheng.inspections.score import score_line, total
from chuangcheng.points.models import Point
from chuangcheng.utils.geo import distance_m

MONTHS = 7
EXTRA_VISITS = 10  # per covert plan, drawn by risk weight
MISSED_RATE = 0.035
MAX_PHOTOS = 36
BASE_FAILURE = 0.1  # chance that one checklist item fails, before the factors below
# How much more often than average a point type's items fail
TYPE_RISK = {
    "NMSC": 2.1, "YSTQ": 2.0, "CXJH": 1.8, "JZGD": 1.6, "BJXX": 1.5, "GGCS": 1.3, "MQZR": 1.3,
    "JMXQ": 1.1, "ZCGD": 1.0, "SYDJ": 1.0, "CZ": 0.9, "GJZD": 0.9, "TCC": 0.9, "XXZB": 0.8,
    "GYGC": 0.8, "YY": 0.7, "WMSJ": 0.6, "WHCG": 0.5, "ZWFW": 0.4, "YHWD": 0.4,
}  # fmt: skip
TOWNSHIP_RISK = {
    "城关街道": 0.75, "东城街道": 1.25, "西城街道": 0.9, "南湖街道": 1.0, "北山镇": 1.1,
    "青石镇": 1.0, "桃源镇": 1.2, "龙泉乡": 1.45, "白沙镇": 1.0, "新桥镇": 1.5,
}  # fmt: skip
# the campaign bites: the oldest month first
MONTH_FACTOR = (1.15, 1.0, 0.85, 0.72, 0.62, 0.53, 0.45)
FAILURE_NOTES = [
    "现场发现，已拍照留证",
    "与上次暗访发现的问题相同",
    "多处存在同类问题",
    "问题较上月减少，但仍未达标",
    "早高峰时段问题突出",
    "责任区无人巡查",
    "问题位于出入口显眼处",
]
ANNOUNCED_TYPES = ("NMSC", "YSTQ")
AMENDMENT_REASON = "演示：调整到今天"
REASSIGN_REASON = "演示：改派给演示督查员"
PARTS = [DayPart.EARLY, DayPart.MORNING, DayPart.AFTERNOON, DayPart.EVENING]


def _months(today: date) -> list[tuple[date, date]]:
    """(first day, last day) of the last ``MONTHS`` months, the current one last."""
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        start = date(year, month + 1, 1)
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append((start, end))
    return months


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Inspector:
    """Scores checklists the way the county's points behave, and writes them in bulk."""

    def __init__(self, ctx: DemoContext, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.county = ctx.county
        self.pass_line = Decimal(settings.INSPECTION_PASS_LINE)
        self.points = {
            p.pk: p
            for p in Point.objects.filter(area=ctx.county)
            .select_related("point_type", "township", "responsible_unit")
            .order_by("pk")
        }
        # a point's own habits: some are kept well, some never are
        self.point_factor = {pk: self.rng.lognormvariate(0, 0.35) for pk in self.points}
        self.items: dict[int, list] = {}
        for item in CheckItem.objects.filter(point_type__area=ctx.county, is_active=True).order_by(
            "point_type", "sort_order", "code"
        ):
            self.items.setdefault(item.point_type_id, []).append(item)
        self.lines: dict[tuple, object] = {}
        self.indicators: dict[int, list[int]] = {}
        for item_id, indicator_id in (
            CheckItem.indicators.through.objects.filter(checkitem__point_type__area=ctx.county)
            .order_by("checkitem_id", "indicator_id")
            .values_list("checkitem_id", "indicator_id")
        ):
            self.indicators.setdefault(item_id, []).append(indicator_id)

    def _answer(self, item, chance: float) -> tuple[str, int | None]:
        rng = self.rng
        if item.is_veto:
            chance *= 0.15
        if not item.is_veto and rng.random() < 0.01:
            return Outcome.NOT_APPLICABLE, None
        failed = rng.random() < chance
        if item.scoring_mode != "status_scale":
            return (Outcome.FAIL if failed else Outcome.PASS), None
        if not failed:
            return Outcome.PASS, 0
        steps = [t for t in (item.threshold_b, item.threshold_c, item.threshold_c_sharp) if t is not None]
        weights = [6, 3, 1][-len(steps) :]
        threshold = rng.choices(steps, weights=weights)[0]
        return Outcome.FAIL, threshold + rng.randint(0, 1)

    def inspect(self, assignment: Assignment, month_index: int, kind: str, plan: Plan):
        """One inspection of an assignment whose window has passed: (inspection, [result rows])."""
        rng = self.rng
        point = self.points[assignment.point_id]
        chance = (
            BASE_FAILURE
            * TYPE_RISK.get(point.point_type.code, 1.0)
            * TOWNSHIP_RISK.get(point.township.name if point.township_id else "", 1.0)
            * MONTH_FACTOR[month_index]
            * self.point_factor[point.pk]
        )
        lines, notes = [], {}
        for item in self.items.get(point.point_type_id, []):
            outcome, violations = self._answer(item, chance)
            key = (item.pk, outcome, violations)
            line = self.lines.get(key)
            if line is None:  # the same answer always scores the same: score it once
                line = self.lines[key] = score_line(item, outcome=outcome, violations=violations)
            lines.append(line)
            if line.is_failure:
                notes[item.pk] = rng.choice(FAILURE_NOTES)
        result = total(lines, self.pass_line)
        length = int((assignment.window_end - assignment.window_start).total_seconds() // 60)
        started = assignment.window_start + timedelta(minutes=rng.randint(5, max(6, length - 45)))
        submitted = started + timedelta(minutes=rng.randint(12, 35), seconds=rng.randint(0, 59))
        latitude = longitude = distance = None
        if point.has_location:
            latitude = (point.latitude + Decimal(rng.gauss(0, 0.00025))).quantize(Decimal("0.000001"))
            longitude = (point.longitude + Decimal(rng.gauss(0, 0.00025))).quantize(Decimal("0.000001"))
            distance = round(
                distance_m(float(latitude), float(longitude), float(point.latitude), float(point.longitude))
            )
        inspection = Inspection(
            area=self.county,
            kind=kind,
            plan=plan,
            assignment=assignment,
            point=point,
            responsible_unit=point.responsible_unit,
            township=point.township,
            point_leader_id=point.point_leader_id,
            inspector_id=assignment.inspector_id,
            second_inspector_id=assignment.second_inspector_id,
            is_covert=plan.is_covert,
            embargo_until=plan.period_end if plan.is_covert else None,
            client_key=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            started_at=started,
            submitted_at=submitted,
            clock_skew_seconds=rng.choice([0, 0, 0, 2, -3, 5, 41, -75, 300]),
            latitude=latitude,
            longitude=longitude,
            location_accuracy_m=rng.randint(5, 35) if latitude is not None else None,
            distance_m=distance,
            score=result.score,
            points_lost=result.points_lost,
            pass_line=self.pass_line,
            passed=result.passed,
            veto_failed=result.veto_failed,
            failed_items=result.failed_items,
            note=f"发现问题 {result.failed_items} 处" if result.failed_items else "",
        )
        # (check item, outcome, violations, status, points lost, veto, note): plain rows for write()
        results = [
            (
                line.check_item.pk,
                line.outcome,
                line.violations,
                line.status,
                line.points_lost,
                line.check_item.is_veto,
                notes.get(line.check_item.pk, ""),
            )
            for line in lines
        ]
        return inspection, results

    def write(self, rows: list[tuple[Inspection, list[tuple]]]) -> None:
        """Write inspections, their item results and the results' indicator links."""
        if not rows:
            return
        created = Inspection.objects.bulk_create([inspection for inspection, _results in rows])
        if not all(inspection.pk for inspection in created):  # a backend without RETURNING
            pk_by_key = dict(
                Inspection.objects.filter(client_key__in=[i.client_key for i in created]).values_list(
                    "client_key", "pk"
                )
            )
            for inspection in created:
                inspection.pk = pk_by_key[inspection.client_key]
        ids = [inspection.pk for inspection in created]
        # the rows' own times, not the time the demo was built
        Inspection.objects.filter(pk__in=ids).update(
            created_at=F("submitted_at"), updated_at=F("submitted_at")
        )
        link = ItemResult.indicators.through
        _insert(
            ItemResult._meta.db_table,
            (
                "inspection_id",
                "check_item_id",
                "outcome",
                "violations",
                "status",
                "points_lost",
                "is_veto",
                "note",
            ),
            [
                (inspection.pk, *result)
                for inspection, (_i, results) in zip(created, rows, strict=True)
                for result in results
            ],
        )
        saved = ItemResult.objects.filter(inspection_id__in=ids).values_list("pk", "check_item_id")
        _insert(
            link._meta.db_table,
            ("itemresult_id", "indicator_id"),
            [
                (result_id, indicator_id)
                for result_id, item_id in saved
                for indicator_id in self.indicators.get(item_id, ())
            ],
        )


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple], chunk: int = 500) -> None:
    """Write plain rows fast: for the ~60 000 result and link rows of the demo, ``bulk_create``'s
    per-value preparation costs seconds, and so does binding thousands of parameters on
    PostgreSQL — there ``COPY`` takes a twentieth of the time; elsewhere, multi-row INSERTs."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as wrapper:
        # the driver's cursor: with DEBUG on (as seed_demo runs) Django's debug wrapper would
        # render every statement with its thousands of values for the query log
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([one] * len(part))}",  # noqa: S608
                [value for row in part for value in row],
            )


def _carry_out(inspector: _Inspector, plan: Plan, month_index: int, kind: str) -> Counter:
    """Inspect every assignment of the plan whose window has passed; a few are missed."""
    now = inspector.now
    grace = timedelta(hours=settings.INSPECTION_SUBMIT_GRACE_HOURS)
    rows, done, missed = [], [], []
    for assignment in plan.assignments.filter(window_end__lte=now).order_by("sequence"):
        if inspector.rng.random() < MISSED_RATE:
            if assignment.window_end + grace < now:
                missed.append(assignment.pk)
            continue  # within the grace an upload may still come: left pending
        rows.append(inspector.inspect(assignment, month_index, kind, plan))
        done.append(assignment.pk)
    inspector.write(rows)
    Assignment.objects.filter(pk__in=done).update(status=AssignmentStatus.DONE)
    Assignment.objects.filter(pk__in=missed).update(status=AssignmentStatus.MISSED)
    return Counter(done=len(done), missed=len(missed), passed=sum(1 for i, _r in rows if i.passed))


def _own_randomness(ctx) -> tuple[list[str], random.Random]:
    """The plans' secret seeds and a generator for everything else, taken from ``ctx.rng`` in a
    fixed amount: what the draws give depends on the database ids (they are part of the draw's
    inputs), so chance spent here must not shift what later builders draw from ``ctx.rng``."""
    seeds = [f"{ctx.rng.getrandbits(256):064x}" for _ in range(MONTHS + 1)]
    return seeds, random.Random(ctx.rng.getrandbits(64))


# --- step 1: plans and their inspections ---------------------------------------------------------


def build_plans(ctx: DemoContext) -> str:
    now = timezone.now()
    today = timezone.localdate(now)
    ctx.extra["inspections.now"] = now
    seeds, rng = _own_randomness(ctx)
    ctx.extra["inspections.rng"] = rng
    office = ctx.people_by_username["office"]
    inspector_ids = sorted(actions.eligible_inspectors(ctx.county).values_list("pk", flat=True))
    inspector = _Inspector(ctx, rng, now)
    totals = Counter()
    covert = []
    for index, (start, end) in enumerate(_months(today)):
        data = actions.PlanInput(
            area=ctx.county,
            name=f"{start.year}年{start.month}月暗访督查",
            kind=PlanKind.COVERT,
            period_start=start,
            period_end=end,
            rules=Rules(
                date_ranges=((start, end),),
                day_parts=tuple(PARTS),
                visits_per_point=1,
                extra_visits=EXTRA_VISITS,
            ),
            inspector_ids=inspector_ids,
            notes="全县点位全覆盖，高风险点位加密抽取。",
        )
        plan = actions.create_plan(office, data, seed=seeds[index])
        covert.append(plan)
        totals += _carry_out(inspector, plan, index, InspectionKind.COVERT)
        created = min(now, _at(start - timedelta(days=3), 16))
        Plan.objects.filter(pk=plan.pk).update(created_at=created, updated_at=created)
        if end < today:
            revealed = min(now, _at(end + timedelta(days=1), 1, 5))
            Plan.objects.filter(pk=plan.pk).update(seed_revealed_at=revealed)

    # 明查: the markets and night markets, two inspectors per visit, announced to the units
    start, end = _months(today)[-1]
    types = PointType.objects.filter(area=ctx.county, code__in=ANNOUNCED_TYPES).values_list("pk", flat=True)
    announced = actions.create_plan(
        office,
        actions.PlanInput(
            area=ctx.county,
            name=f"{start.month}月农贸市场与夜市摊区明查",
            kind=PlanKind.ANNOUNCED,
            period_start=start,
            period_end=end,
            rules=Rules(
                date_ranges=((start, end),),
                day_parts=(DayPart.MORNING, DayPart.EVENING),
                inspectors_per_visit=2,
            ),
            inspector_ids=inspector_ids,
            point_type_ids=sorted(types),
            notes="联合市场监管、城管部门开展明查，提前通知责任单位。",
        ),
        seed=seeds[MONTHS],
    )
    totals += _carry_out(inspector, announced, MONTHS - 1, InspectionKind.ANNOUNCED)
    ctx.extra["inspections.covert_plans"] = covert
    ctx.extra["inspections.announced_plan"] = announced
    assignments = Assignment.objects.filter(plan__in=[*covert, announced]).count()
    rate = round(100 * totals["passed"] / totals["done"]) if totals["done"] else 0
    first, last = covert[0].period_start, covert[-1].period_start
    return (
        f"{len(covert)} 个暗访计划（{first:%Y-%m} 至 {last:%Y-%m}）、1 个明查计划，{assignments} 项任务；"
        f"督查 {totals['done']} 次（达标率 {rate}%），未按时完成 {totals['missed']} 项"
    )


# --- step 2: evidence photos ---------------------------------------------------------------------


def _scene(rng, width=640, height=480, *, with_problem: bool = True) -> Image.Image:
    """A street scene of plain shapes: sky, buildings, a pavement, and the problem in view (or,
    ``with_problem=False``, the same kind of street put right, as a fix's after-photo shows it)."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    sky = (rng.randint(150, 200), rng.randint(180, 220), rng.randint(215, 245))
    horizon = rng.randint(height // 3, height // 2)
    for y in range(horizon):  # a little gradient towards the horizon
        shade = y / max(1, horizon)
        draw.line([(0, y), (width, y)], fill=tuple(int(c * (0.85 + 0.15 * shade)) for c in sky))
    x = 0
    while x < width:  # buildings
        w = rng.randint(60, 150)
        top = rng.randint(horizon - 140, horizon - 30)
        grey = rng.randint(150, 215)
        draw.rectangle(
            [x, top, x + w, horizon], fill=(grey, grey - rng.randint(0, 20), grey - rng.randint(0, 30))
        )
        for wy in range(top + 10, horizon - 15, 22):  # windows
            for wx in range(x + 8, x + w - 12, 20):
                draw.rectangle([wx, wy, wx + 9, wy + 11], fill=(90, 110, 130))
        x += w + rng.randint(0, 12)
    ground = (rng.randint(110, 140),) * 3
    draw.rectangle([0, horizon, width, height], fill=ground)
    draw.polygon(
        [(0, height), (width // 2 - 40, horizon), (width // 2 + 40, horizon), (width, height)],
        fill=(95, 95, 100),
    )
    if not with_problem:  # swept, with a bin standing where the heap was
        cx, cy = rng.randint(120, width - 120), rng.randint(horizon + 60, height - 70)
        draw.rectangle([cx - 18, cy - 40, cx + 18, cy + 20], fill=(40, 130, 70))
        draw.rectangle([cx - 22, cy - 46, cx + 22, cy - 38], fill=(30, 100, 55))
        return image
    # the problem — litter, boxes, a spill — in a heap, circled as inspectors mark their photos
    cx, cy = rng.randint(120, width - 120), rng.randint(horizon + 60, height - 70)
    for _ in range(rng.randint(3, 7)):
        x, y = cx + rng.randint(-45, 45), cy + rng.randint(-20, 20)
        r = rng.randint(8, 22)
        colour = rng.choice([(120, 90, 60), (60, 120, 60), (200, 200, 190), (170, 60, 40), (40, 40, 40)])
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r // 2, x + r, y + r // 2], fill=colour)
        else:
            draw.rectangle([x - r, y - r, x + r, y + r // 3], fill=colour)
    draw.ellipse([cx - 80, cy - 50, cx + 80, cy + 50], outline=(230, 30, 30), width=5)
    return image


def _jpeg_with_exif(image: Image.Image, taken: datetime, latitude, longitude) -> bytes:
    """JPEG bytes with the EXIF a phone writes: time taken (local) and GPS."""
    exif = Image.Exif()
    exif[0x0110] = "ChuangCheng demo camera"
    exif.get_ifd(0x8769)[0x9003] = timezone.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")
    if latitude is not None and longitude is not None:
        gps = exif.get_ifd(0x8825)

        def dms(value):
            value = abs(float(value))
            degrees = math.floor(value)
            minutes = math.floor((value - degrees) * 60)
            return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 2))

        gps[1], gps[2] = ("N" if latitude >= 0 else "S"), dms(latitude)
        gps[3], gps[4] = ("E" if longitude >= 0 else "W"), dms(longitude)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, exif=exif)
    return out.getvalue()


def _photo_upload(rng, inspection: Inspection) -> SimpleUploadedFile:
    taken = inspection.started_at + timedelta(minutes=rng.randint(1, 10), seconds=rng.randint(0, 59))
    data = _jpeg_with_exif(_scene(rng), taken, inspection.latitude, inspection.longitude)
    name = f"IMG_{timezone.localtime(taken):%Y%m%d_%H%M%S}.jpg"
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def build_photos(ctx: DemoContext) -> str:
    """Photos of failed items of the most recent inspections (the current month first)."""
    covert = ctx.extra["inspections.covert_plans"]
    rng = ctx.extra["inspections.rng"]
    failed = list(
        ItemResult.objects.filter(
            inspection__plan__in=covert[-2:], outcome=Outcome.FAIL, check_item__photo_required_on_failure=True
        )
        .select_related("inspection__point", "inspection__inspector")
        .order_by("-inspection__submitted_at", "inspection_id", "check_item__sort_order", "pk")[:MAX_PHOTOS]
    )
    for result in failed:
        prepared = photos.prepare(_photo_upload(rng, result.inspection))
        photos.store(result.inspection, {result.check_item_id: [prepared]}, {result.check_item_id: result})
    inspections = len({r.inspection_id for r in failed})
    return f"{len(failed)} 张现场照片（{inspections} 次督查的不达标项，本地生成）"


# --- step 3: today's work and self-inspections ---------------------------------------------------


def _part_now(now: datetime) -> tuple[date, str]:
    """The day part open now, else the next one to open (the office cannot move a visit into a
    window that has ended): between two parts the inspector finds it under "later today"."""
    day = timezone.localdate(now)
    for _ in range(2):
        for part in PARTS:
            if Assignment.window_for(day, part)[1] > now:
                return day, part
        day += timedelta(days=1)
    raise AssertionError("unreachable")


def _ensure_work_today(ctx, now: datetime) -> str:
    """The ``inspector`` login must find an assignment to do now and one for later. When the
    draw gave them none, the office amends pending ones (audited, with the reason): one of
    theirs (or, failing that, a colleague's) is moved to today's current day part, and a
    colleague's later one is handed to them. The action refuses a conflict of interest; then
    the next candidate is tried."""
    plan = ctx.extra["inspections.covert_plans"][-1]
    person = ctx.people_by_username["inspector"]
    office = ctx.people_by_username["office"]
    grace = timedelta(hours=settings.INSPECTION_SUBMIT_GRACE_HOURS)
    pending = list(
        Assignment.objects.filter(plan=plan, status=AssignmentStatus.PENDING).order_by(
            "window_start", "sequence"
        )
    )
    due = [a for a in pending if a.is_for(person) and a.window_start <= now <= a.window_end + grace]
    later = [a for a in pending if a.is_for(person) and a.window_start > now]
    others = [
        a for a in pending if a.window_start > now and not a.is_for(person) and not a.second_inspector_id
    ]

    def amend(candidates, day=None, part=None, reason=AMENDMENT_REASON):
        for assignment in candidates:
            try:
                return actions.amend_assignment(
                    office,
                    assignment,
                    actions.AmendInput(
                        inspector=person,
                        second_inspector=None,
                        day=day or assignment.day,
                        day_part=part or assignment.day_part,
                        reason=reason,
                    ),
                )
            except actions.ActionError as refused:
                if refused.code != "conflict":
                    raise
        return None

    amended = []
    day, part = _part_now(now)
    if not due and plan.period_start <= day <= plan.period_end:
        # the last of their own later visits moves (the next ones stay as drawn), else a colleague's
        moved = amend([*later[::-1], *others[::-1]], day, part)
        if moved is not None:
            due.append(moved)
            amended.append(moved)
            later = [a for a in later if a.pk != moved.replaces_id]
            others = [a for a in others if a.pk != moved.replaces_id]
    if not later:
        handed = amend(others, reason=REASSIGN_REASON)
        if handed is not None:
            later.append(handed)
            amended.append(handed)
    summary = f"督查员今日待办 {len(due)} 项、之后 {len(later)} 项"
    return summary + (f"（创城办调整 {len(amended)} 项）" if amended else "")


def _self_inspections(ctx, now: datetime) -> int:
    """The ``pointleader`` login's unit inspects its own points (自查), through the real action."""
    leader = ctx.people_by_username["pointleader"]
    rng = ctx.extra["inspections.rng"]
    points = list(Point.objects.filter(point_leader=leader).select_related("point_type").order_by("code"))[:2]
    made = 0
    for number, point in enumerate(points):
        when = now - timedelta(days=3 + 6 * number, hours=rng.randint(1, 5))
        items = list(
            CheckItem.objects.filter(point_type=point.point_type, is_active=True).order_by("sort_order")
        )
        failing = items[rng.randrange(len(items))] if number == 0 and items else None
        answers = []
        for item in items:
            outcome = Outcome.FAIL if item == failing else Outcome.PASS
            violations = None
            if item.scoring_mode == "status_scale":
                violations = (item.threshold_b or item.threshold_c_sharp) if item == failing else 0
            answers.append(actions.Answer(item.pk, outcome=outcome, violations=violations, note=""))
        evidence = {}
        if failing is not None:
            fake = Inspection(started_at=when, latitude=point.latitude, longitude=point.longitude)
            evidence = {failing.pk: [photos.prepare(_photo_upload(rng, fake))]}
        actions.submit(
            leader,
            actions.Submission(
                client_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                answers=answers,
                point_id=point.pk,
                started_at=when - timedelta(minutes=25),
                latitude=point.latitude,
                longitude=point.longitude,
                accuracy_m=12,
                note="社区每周自查",
                photos=evidence,
            ),
            now=when,
        )
        made += 1
    return made


def build_today(ctx: DemoContext) -> str:
    now = ctx.extra["inspections.now"]
    work = _ensure_work_today(ctx, now)
    made = _self_inspections(ctx, now)
    return f"{work}；点长自查 {made} 次"


STEPS = [
    Step("督查计划", build_plans),
    Step("现场照片", build_photos),
    Step("今日任务", build_today),
]


# --- flush ---------------------------------------------------------------------------------------


def flush() -> None:
    """Delete all inspection data: photos (and their files), inspections, amendments, plans."""
    files = [
        name
        for row in EvidencePhoto.objects.values_list("image", "thumbnail", "original")
        for name in row
        if name
    ]
    EvidencePhoto.objects.all().delete()
    # results and their indicator links: one statement each (the ORM would load them all first)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ItemResult.indicators.through._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {ItemResult._meta.db_table}")  # noqa: S608
    Inspection.objects.all().delete()
    Amendment.objects.all().delete()
    # a replacement protects the assignment it replaced: newest replacements first
    while Assignment.objects.filter(replaces__isnull=False, replaced_by__isnull=True).exists():
        Assignment.objects.filter(replaces__isnull=False, replaced_by__isnull=True).delete()
    Assignment.objects.all().delete()
    Plan.objects.all().delete()
    if files:
        storage = storages["default"]
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
