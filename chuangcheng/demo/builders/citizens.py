"""全民参与 in 示范县: residents' reports (随手拍) over the seven months, through
``citizens.actions.submit`` at the moment each was made — routed by category and township,
some from points' QR codes, some joining an open problem nearby (duplicates), a few anonymous —
each problem then living its life by the workflow's rules like the inspections' problems, and
some reporters answering "is it really fixed?". Then the question bank of 应知应会 and 满意度
(sample questions written for the demo, not an official bank), a quiz and a survey in every
community for each of the last three months with residents' answers, and two Open311 keys
(the first printed for trying).

Like the inspections these dates follow today.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from chuangcheng.citizens import actions as citizen_actions
from chuangcheng.citizens import quizzes
from chuangcheng.citizens.analytics import month_starts
from chuangcheng.citizens.choices import Channel, QuestionType, RoundKind
from chuangcheng.citizens.models import Answer, Choice, Question, Report, Response, Round, device_hash
from chuangcheng.core.workdays import overrides_read_once
from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.builders.inspections import _scene
from chuangcheng.demo.builders.problems import _after_photos, _Cast, _Life
from chuangcheng.demo.context import DemoContext
from chuangcheng.org.choices import UnitKind
from chuangcheng.points.models import AreaOutline, Point
from chuangcheng.problems.choices import ProblemStatus
from chuangcheng.problems.models import Category, Problem, ProblemEvent, ProblemPhoto
from chuangcheng.utils import geo

MONTHS = 7  # the inspections' months: six ended and the current one
PER_MONTH = (34, 44)  # reports a month
JOIN_SHARE = 0.3  # reports that join an open problem of the same kind nearby
# what residents report, with weights (the demo's "ten things residents like least")
KINDS = [
    ("SR01", 14, "路边垃圾堆了好几天没人清理"), ("JM01", 12, "流动摊贩占道经营，行人只能走机动车道"),
    ("JM02", 11, "人行道上电动车乱停乱放"), ("XC01", 9, "电线杆和墙上贴满小广告"),
    ("SR03", 8, "路面油污很多没人清扫"), ("SG01", 7, "工地晚上十点以后还在施工，噪音很大"),
    ("GY02", 6, "路灯坏了好几盏，晚上很黑"), ("GY01", 5, "井盖松动，车压过去咣当响"),
    ("SG02", 5, "工地扬尘大，没有覆盖和洒水"), ("JM03", 4, "小区门口一辆僵尸车停了很久"),
    ("SR04", 3, "楼顶私搭乱建"), ("YL01", 3, "绿地里堆满杂物"),
]  # fmt: skip
# townships where a kind is reported more (the story the analytics should show)
HOTSPOTS = {"城关街道": {"JM01", "SR01"}, "东城街道": {"JM02", "XC01"}, "南湖街道": {"SG01", "SG02"}}
FEEDBACK_DAYS = 30  # reporters of problems closed in the last month answer "is it really fixed?"

# sample questions written for the demo: the question, its choices (* right), 解析 (optional)
QUIZ_TEXT = """
全国文明城市测评多久进行一次总评？
一年
*三年
五年
解析：每三年为一个创建周期，期间有年度测评。

生活垃圾分为哪四类？
*可回收物、有害垃圾、厨余垃圾、其他垃圾
干垃圾、湿垃圾、建筑垃圾、其他垃圾
可燃垃圾、不可燃垃圾、有害垃圾、大件垃圾

废旧电池属于哪一类垃圾？
可回收物
*有害垃圾
其他垃圾

门前三包是指哪三包？
*包卫生、包秩序、包绿化
包水、包电、包气
包安全、包消防、包维修
解析：沿街单位和商户负责责任区的卫生、秩序和绿化。

市民文明公约倡导的出行方式是？
闯红灯快速通过
*遵守交通信号、礼让斑马线
机动车随意停放

创建国家卫生城市对病媒生物密度有什么要求？
*控制在国家标准 C 级以上
没有要求
只要求灭鼠

国家森林城市建设倡导的是？
*森林进城、园林下乡
只在城区种树
把树都移走

发现占道经营、乱贴小广告，可以怎样反映？
*扫描点位二维码或打开随手拍
不用管
自己动手撕掉就行
解析：随手拍反映后会得到查询码，可随时查看处理进度。

以下哪些属于文明行为？
*排队礼让
*垃圾入桶
随地吐痰
*文明养犬

哪些场所禁止吸烟？
*室内公共场所
*公共交通工具
自家阳台
"""


def _quiz() -> list[tuple[str, list[str], str]]:
    questions = []
    for block in QUIZ_TEXT.strip().split("\n\n"):
        lines = block.strip().splitlines()
        explanation = lines[-1].removeprefix("解析：") if lines[-1].startswith("解析：") else ""
        choices = lines[1:-1] if explanation else lines[1:]
        questions.append((lines[0], choices, explanation))
    return questions


SURVEY = [
    "您对所在社区的环境卫生是否满意？",
    "您对周边道路交通秩序是否满意？",
    "您对公园绿地和街头绿化是否满意？",
    "您对农贸市场的环境和秩序是否满意？",
    "您对本县创建工作的总体评价？",
]
SCALE = [("很满意", 100), ("满意", 80), ("基本满意", 60), ("不太满意", 30), ("不满意", 0)]


def _photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    _scene(rng, 480, 360).save(out, format="JPEG", quality=75)
    return SimpleUploadedFile(f"report-{n}.jpg", out.getvalue(), content_type="image/jpeg")


def _place_in(rng: random.Random, outline) -> tuple[float, float] | None:
    bounds = geo.bounds(outline.geojson)
    if bounds is None:
        return None
    lat0, lng0, lat1, lng1 = bounds  # south, west, north, east
    for _ in range(60):
        lat, lng = rng.uniform(lat0, lat1), rng.uniform(lng0, lng1)
        if geo.contains(outline.geojson, lat, lng):
            return lat, lng
    return None


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def build_reports(ctx: DemoContext) -> str:
    rng = random.Random(ctx.rng.getrandbits(64))
    now = timezone.now()
    county = ctx.county
    categories = {c.code: c for c in Category.objects.filter(area=county, parent__isnull=False)}
    kinds = [(categories[code], weight, text) for code, weight, text in KINDS if code in categories]
    outlines = list(
        AreaOutline.objects.filter(
            unit__path__startswith=county.path, unit__kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET]
        ).select_related("unit")
    )
    points = list(Point.objects.filter(area=county, latitude__isnull=False).order_by("code"))
    cast = _Cast(ctx, rng)
    after = _after_photos(rng)
    made = joined = qr = 0
    lives = []
    moments = []
    for start in month_starts(timezone.localdate(now), MONTHS):
        days = [
            start + timedelta(days=d) for d in range(31) if (start + timedelta(days=d)).month == start.month
        ]
        for _ in range(rng.randint(*PER_MONTH)):
            day = rng.choice(days)
            at = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59))))
            if at < now - timedelta(minutes=5):
                moments.append(at)
    moments.sort()
    with overrides_read_once():
        for n, at in enumerate(moments):
            outline = rng.choice(outlines)
            hot = HOTSPOTS.get(outline.unit.name, set())
            category, _w, text = rng.choices(kinds, [w * (3 if c.code in hot else 1) for c, w, _t in kinds])[
                0
            ]
            place = _place_in(rng, outline)
            if place is None:
                continue
            point = None
            channel = rng.choices([Channel.WEB, Channel.QR, Channel.OPEN311], [70, 20, 10])[0]
            if channel == Channel.QR and points:
                point = rng.choice(points)
                place = (None, None)
            join = None
            if point is None and rng.random() < JOIN_SHARE:
                # the same problem again: a resident near an open problem of this kind reports it
                # and is offered it (only problems still open can be joined)
                open_ones = list(
                    Problem.objects.filter(
                        area=county, category=category, found_at__lt=at, latitude__isnull=False
                    )
                    .exclude(status__in=[ProblemStatus.CLOSED, ProblemStatus.REJECTED])
                    .order_by("-found_at")[:5]
                )
                if open_ones:
                    target = rng.choice(open_ones)
                    place = (
                        float(target.latitude) + rng.uniform(-0.0006, 0.0006),
                        float(target.longitude) + rng.uniform(-0.0006, 0.0006),
                    )
                    near = citizen_actions.nearby(county, category, *place, today=timezone.localdate(at))
                    if any(x.problem.pk == target.pk for x in near):
                        join = target.pk
            anonymous = rng.random() < 0.15
            data = citizen_actions.ReportData(
                area=county,
                client_key=f"demo-{ctx.seed}-{n}",
                category=category,
                description=text,
                latitude=place[0],
                longitude=place[1],
                point=point,
                phone="" if anonymous or rng.random() < 0.35 else _phone(rng),
                anonymous=anonymous,
                photos=[] if join else [_photo(rng, n)],
                join=join,
                channel=channel,
                device=device_hash(f"demo-device-{rng.randrange(10**6)}"),
            )
            report = citizen_actions.submit(data, now=at).report
            made += 1
            joined += bool(join)
            qr += point is not None
            problem = report.problem
            if not join and problem.status == ProblemStatus.ASSIGNED:
                life = _Life(problem, now, rng, cast, after)
                life.live(recent=at >= now - timedelta(days=14))
                _save(life)
                lives.append(life)
    answered = _feedback(rng, now)
    keys = _open311_keys(ctx)
    return (
        f"{made} 条群众反映（并入已有问题 {joined}，扫码 {qr}），回访 {answered} 条；"
        f"Open311 接口密钥 {len(keys)} 把（演示用：{keys[0]}）"
    )


def _open311_keys(ctx: DemoContext) -> list[str]:
    """Two keys the office issued to civic apps (the raw key is shown once, here, for trying)."""
    from chuangcheng.open311.actions import issue_key

    office = ctx.people_by_username["office"]
    return [issue_key(office, ctx.county, name).raw for name in ("县政务微信小程序", "12345 市民热线系统")]


def _save(life) -> None:
    """Write one problem's steps (the life applied them to the row in memory)."""
    if not life.events:
        return
    with transaction.atomic():
        life.problem.save()
        ProblemEvent.objects.bulk_create(life.events)
        photos = []
        for index, photo in life.after:
            photo.event = life.events[index]
            photos.append(photo)
        ProblemPhoto.objects.bulk_create(photos)


def _feedback(rng: random.Random, now) -> int:
    """Reporters of problems closed in the last month answer; most say it is fixed."""
    recent = now - timedelta(days=FEEDBACK_DAYS)
    reports = Report.objects.filter(
        problem__status=ProblemStatus.CLOSED, problem__closed_at__gte=recent, feedback=""
    ).order_by("created_at", "pk")
    answered = 0
    for report in reports:
        if rng.random() < 0.55:
            fixed = rng.random() < 0.85
            note = "" if fixed else rng.choice(["过两天又有了", "只清理了一半", "晚上摊贩又回来了"])
            closed = report.problem.closed_at
            citizen_actions.answer(
                report.code, fixed, note, now=min(now, closed + timedelta(hours=rng.randint(2, 60)))
            )
            answered += 1
    return answered


# --- 应知应会 and 满意度 ---------------------------------------------------------------------------
def build_rounds(ctx: DemoContext) -> str:
    rng = random.Random(ctx.rng.getrandbits(64))
    county, office = ctx.county, ctx.people_by_username["office"]
    quiz = []
    for text, choices, explanation in _quiz():
        multiple = sum(c.startswith("*") for c in choices) > 1
        quiz.append(
            quizzes.save_question(
                office, county, kind=RoundKind.QUIZ,
                question_type=QuestionType.MULTIPLE if multiple else QuestionType.SINGLE,
                text=text, choices="\n".join(choices), explanation=explanation,
            )
        )  # fmt: skip
    survey = [
        quizzes.save_question(
            office, county, kind=RoundKind.SURVEY, question_type=QuestionType.SINGLE, text=text,
            choices="\n".join(f"{label} = {score}" for label, score in SCALE),
        )
        for text in SURVEY
    ]  # fmt: skip
    communities = [u for u in ctx.units_of_kind(UnitKind.COMMUNITY) if u.path.startswith(county.path)]
    today = timezone.localdate()
    months = month_starts(today, 4)  # the last three months and the current one
    rounds = responses = 0
    for community in communities:
        knows = rng.uniform(0.55, 0.8)  # this community's awareness, rising month by month
        likes = rng.uniform(0.55, 0.85)
        for index, start in enumerate(months):
            end = min(start + timedelta(days=20), today + timedelta(days=10))
            for kind, questions in ((RoundKind.QUIZ, rng.sample(quiz, 6)), (RoundKind.SURVEY, survey)):
                label = "应知应会" if kind == RoundKind.QUIZ else "满意度调查"
                round_ = Round.objects.create(
                    area=county, kind=kind, community=community, opens_on=start, closes_on=end,
                    created_by=office, title=f"{community.name}{start.month}月{label}",
                )  # fmt: skip
                round_.questions.set(questions)
                rounds += 1
                responses += _answers(
                    rng, round_, questions, knows + 0.04 * index, likes + 0.03 * index, today
                )
    return f"题库 {len(quiz)} 道测试题、{len(survey)} 道调查题；{rounds} 期测试与调查，{responses} 份答卷"


def _answers(rng, round_, questions, knows, likes, today) -> int:
    last = min(round_.closes_on, today - timedelta(days=1)) if round_.opens_on < today else round_.opens_on
    days = max((last - round_.opens_on).days, 0)
    count = rng.randint(12, 30) if round_.opens_on < today else rng.randint(0, 6)
    choices = {q.pk: list(q.choices.all()) for q in questions}
    rows, answers = [], []
    for n in range(count):
        at = timezone.make_aware(
            datetime.combine(round_.opens_on + timedelta(days=rng.randint(0, days)), time(rng.randint(8, 21)))
        )
        response = Response(
            id=rng.randrange(2**32, 2**53), round=round_, device=device_hash(f"demo-{round_.pk}-{n}"),
            client_key=f"demo-round-{round_.pk}-{n}", submitted_at=at,
        )  # fmt: skip
        scores, right = [], 0
        for question in questions:
            options = choices[question.pk]
            if round_.kind == RoundKind.QUIZ:
                correct = rng.random() < knows
                picked = (
                    [c.pk for c in options if c.is_correct]
                    if correct
                    else [rng.choice([c for c in options if not c.is_correct]).pk]
                )
                right += correct
                answers.append(Answer(response=response, question=question, chosen=picked, correct=correct))
            else:
                weights = [likes, likes, 0.6, 1 - likes, (1 - likes) / 2]
                choice = rng.choices(options, weights[: len(options)])[0]
                scores.append(choice.score)
                answers.append(
                    Answer(response=response, question=question, chosen=[choice.pk], score=choice.score)
                )
        if round_.kind == RoundKind.QUIZ:
            response.correct = right
        else:
            response.score = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))
        rows.append(response)
    Response.objects.bulk_create(rows)
    Answer.objects.bulk_create(answers)
    return len(rows)


STEPS = [Step("群众随手拍", build_reports), Step("应知应会与满意度", build_rounds)]


def flush() -> None:
    from chuangcheng.open311.models import ApiKey

    ApiKey.objects.all().delete()
    with connection.cursor() as cursor:
        for model in (Answer, Response):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    Round.questions.through.objects.all().delete()
    Round.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.all().delete()
    Report.objects.all().delete()
