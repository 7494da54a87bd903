"""四城同创 in 示范县: the reference systems and checklists, township outlines, ~300 assessment points
with their point leaders, and a year of metric values.

The county is fictional, drawn around 30.05 N, 119.95 E (WGS-84): the four streets (街道) share
the county seat as four quadrants of a small rectangle; the six towns are 60° wedges of the
ring around it. Every point is placed inside its township's outline.
"""

import itertools
import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.files.storage import storages
from django.db import transaction

from chuangcheng.demo.builders.base import Step
from chuangcheng.demo.builders.org import DEPUTY, PRINCIPAL, STAFF
from chuangcheng.demo.context import DemoContext
from chuangcheng.indicators.models import (
    AssessmentSystem,
    CheckItem,
    Indicator,
    Metric,
    MetricTargetBand,
    MetricValue,
    PointType,
)
from chuangcheng.indicators.reference.loader import load_reference
from chuangcheng.org.choices import Role
from chuangcheng.org.models import RoleAssignment
from chuangcheng.points.models import AreaOutline, Point, PointPhoto

TZ = ZoneInfo("Asia/Shanghai")

# --- geography --------------------------------------------------------------------------------

CENTRE_LAT, CENTRE_LNG = Decimal("30.05"), Decimal("119.95")
# half-width (longitude) and half-height (latitude) in degrees, relative to the centre
SEAT = (0.035, 0.03)  # the county seat: four streets
COUNTY = (0.25, 0.2)  # the whole county
# streets: (name, quadrant signs (x, y)) — west/east by x, south/north by y
STREET_QUADRANTS = {"城关街道": (-1, 1), "东城街道": (1, 1), "西城街道": (-1, -1), "南湖街道": (1, -1)}
# towns: (name, from angle, to angle) in degrees, counter-clockwise from east
TOWN_WEDGES = {
    "青石镇": (0, 60),
    "北山镇": (60, 120),
    "桃源镇": (120, 180),
    "龙泉乡": (180, 240),
    "新桥镇": (240, 300),
    "白沙镇": (300, 360),
}
RAINFALL_MM = Decimal("1450")  # the county's mean annual rainfall: sets the 森林覆盖率 band


def _edge(half: tuple[float, float], angle: float) -> tuple[float, float]:
    """Where a ray from the centre at ``angle`` (radians) leaves a centred rectangle."""
    cos, sin = math.cos(angle), math.sin(angle)
    reach = min(
        half[0] / abs(cos) if abs(cos) > 1e-12 else math.inf,
        half[1] / abs(sin) if abs(sin) > 1e-12 else math.inf,
    )
    return reach * cos, reach * sin


def _corners_between(half, start, end):
    """The rectangle's corners whose angle lies strictly between start and end (radians)."""
    corners = []
    for x, y in ((1, 1), (-1, 1), (-1, -1), (1, -1)):
        angle = math.atan2(y * half[1], x * half[0]) % (2 * math.pi)
        if start < angle < end:
            corners.append((angle, (x * half[0], y * half[1])))
    return [corner for _angle, corner in sorted(corners)]


def _wedge(start_deg: float, end_deg: float) -> list[tuple[float, float]]:
    """The ring between the seat and the county border, from one angle to another."""
    start, end = math.radians(start_deg), math.radians(end_deg)
    outer = [_edge(COUNTY, start), *_corners_between(COUNTY, start, end), _edge(COUNTY, end)]
    inner = [_edge(SEAT, start), *_corners_between(SEAT, start, end), _edge(SEAT, end)]
    return outer + inner[::-1]


def _quadrant(signs: tuple[int, int]) -> list[tuple[float, float]]:
    sx, sy = signs
    w, h = SEAT
    return [(0.0, 0.0), (sx * w, 0.0), (sx * w, sy * h), (0.0, sy * h)]


def _geojson(ring: list[tuple[float, float]]) -> dict:
    coordinates = [
        [float(round(CENTRE_LNG + Decimal(x), 6)), float(round(CENTRE_LAT + Decimal(y), 6))] for x, y in ring
    ]
    return {"type": "Polygon", "coordinates": [[*coordinates, coordinates[0]]]}


def _place(rng, township: str) -> tuple[Decimal, Decimal]:
    """A random spot well inside a township's outline: (latitude, longitude)."""
    if township in STREET_QUADRANTS:
        sx, sy = STREET_QUADRANTS[township]
        x = sx * rng.uniform(0.06, 0.94) * SEAT[0]
        y = sy * rng.uniform(0.06, 0.94) * SEAT[1]
    else:
        start, end = TOWN_WEDGES[township]
        angle = math.radians(rng.uniform(start + 4, end - 4))
        inner, outer = _edge(SEAT, angle), _edge(COUNTY, angle)
        share = rng.uniform(0.08, 0.85)
        x = inner[0] + share * (outer[0] - inner[0])
        y = inner[1] + share * (outer[1] - inner[1])
    return round(CENTRE_LAT + Decimal(y), 6), round(CENTRE_LNG + Decimal(x), 6)


# --- the points -------------------------------------------------------------------------------

# Streets used in addresses, per township.
ADDRESS_STREETS = {
    "城关街道": ["人民路", "解放路", "中山路", "府前街", "文昌路"],
    "东城街道": ["朝阳路", "东湖路", "新华路", "振兴路", "迎宾大道"],
    "西城街道": ["育才路", "西苑路", "建设路", "和平路"],
    "南湖街道": ["滨江大道", "南湖路", "望湖路", "湖滨路", "健康路"],
    "北山镇": ["北山大街", "松林路"],
    "青石镇": ["青石街", "石桥路"],
    "桃源镇": ["桃源路", "桃花街"],
    "龙泉乡": ["龙泉街"],
    "白沙镇": ["沙河街", "白沙路"],
    "新桥镇": ["新桥大街", "双桥路"],
}

# 主次干道: (street, road, the crossing roads in order) — one point per stretch between two crossings
ROADS = [
    ("城关街道", "人民路", ["解放路", "中山路", "府前街", "文昌路"]),
    ("城关街道", "解放路", ["人民路", "北关大街", "环城北路"]),
    ("城关街道", "中山路", ["人民路", "文昌路", "府前街"]),
    ("城关街道", "北关大街", ["解放路", "环城北路"]),
    ("东城街道", "朝阳路", ["东湖路", "新华路", "振兴路"]),
    ("东城街道", "东湖路", ["朝阳路", "环城东路", "新华路"]),
    ("东城街道", "新华路", ["东湖路", "迎宾大道"]),
    ("东城街道", "迎宾大道", ["新华路", "环城东路"]),
    ("西城街道", "育才路", ["西苑路", "和平路", "环城西路"]),
    ("西城街道", "西苑路", ["育才路", "建设路"]),
    ("西城街道", "建设路", ["西苑路", "和平路", "环城西路"]),
    ("南湖街道", "滨江大道", ["南湖路", "望湖路", "环城南路"]),
    ("南湖街道", "南湖路", ["滨江大道", "湖滨路", "健康路"]),
    ("南湖街道", "望湖路", ["滨江大道", "湖滨路"]),
    ("南湖街道", "健康路", ["南湖路", "环城南路"]),
]
LANES = {
    "城关街道": "书院巷 北关后街 仓前巷 打铁巷 米市巷 油坊巷 鼓楼巷 井巷 学前巷 盐仓巷 糖坊巷 府后街",
    "东城街道": "东关横街 朝阳里 新华一巷 新华二巷 振兴巷 东湖里 砖瓦巷 粮站巷 东关后街",
    "西城街道": "西关巷 西苑横巷 育才巷 和平里 石板巷 花园巷 柳树巷 西关后街",
    "南湖街道": "湖滨巷 望湖里 滨江一巷 南湖新村巷 渔业巷 码头巷 船厂巷",
    "北山镇": "北山老街",
    "青石镇": "青石老街",
    "桃源镇": "桃源后街",
    "白沙镇": "河埠巷",
}
ESTATES = {
    "城关街道": "府前小区 文昌花园 北关新村 南关小区 人民路一号院 县供电公司宿舍 粮食局家属院 锦绣华庭 "
    "阳光花园 解放路小区 书香苑 中山花园 鼓楼小区",
    "东城街道": "朝阳新村 东湖御景 新华苑 振兴家园 东方名城 紫荆花园 香樟苑 东关小区 纺织厂生活区 "
    "金色家园 迎宾花园",
    "西城街道": "西苑小区 育才新村 和平里小区 西关小区 桂花苑 丽景花园 康居小区 教师新村 建设路小区",
    "南湖街道": "南湖花园 湖滨小区 滨江明珠 望湖苑 翠湖苑 世纪华府 泰和家园 安居小区",
    "北山镇": "北山安置小区",
    "青石镇": "青石幸福家园",
    "桃源镇": "桃源新村",
    "白沙镇": "白沙滨河小区",
}
TOILETS = {
    "城关街道": "人民路公厕 解放路公厕 北关社区公厕 文昌阁公厕 府前街公厕 鼓楼公厕 南关社区公厕 中山路公厕",
    "东城街道": "朝阳路公厕 东湖路公厕 新华社区公厕 振兴路公厕 迎宾大道公厕 东关社区公厕",
    "西城街道": "育才路公厕 西苑社区公厕 和平路公厕 建设路公厕 西关社区公厕",
    "南湖街道": "滨江大道1号公厕 滨江大道2号公厕 南湖公园公厕 望湖路公厕 湖滨社区公厕",
    "北山镇": "北山集镇公厕",
    "青石镇": "青石集镇公厕",
    "桃源镇": "桃源汽车站公厕",
    "龙泉乡": "龙泉集镇公厕",
    "白沙镇": "白沙集镇公厕",
    "新桥镇": "新桥集镇公厕",
}
SCHOOLS = {
    "城关街道": "县实验小学 县第一中学 城关第一小学 城关幼儿园",
    "东城街道": "县第二中学 东城中学 东城小学 朝阳幼儿园",
    "西城街道": "西城小学 育才中学 育才小学 县职业中等专业学校",
    "南湖街道": "南湖小学 南湖幼儿园 滨江中学",
    "北山镇": "北山镇中心小学",
    "青石镇": "青石镇中心小学",
    "桃源镇": "桃源镇中学",
    "白沙镇": "白沙镇中心小学",
    "新桥镇": "新桥镇中心小学",
}
FRONTAGES = {
    "城关街道": "人民路 解放路 中山路 府前街",
    "东城街道": "朝阳路 东湖路 新华路",
    "西城街道": "育才路 西苑路 建设路",
    "南湖街道": "滨江大道 南湖路",
    "北山镇": "北山大街",
    "青石镇": "青石街",
    "白沙镇": "沙河街",
}
BUS_STOPS = {
    "城关街道": "县人民医院站 县政府站 实验小学站 文化广场站 北关站",
    "东城街道": "客运中心站 东湖路口站 新华路站 中医院站 朝阳新村站",
    "西城街道": "育才中学站 西苑小区站 体育公园站 和平里站",
    "南湖街道": "南湖公园站 滨江公园站 望湖路站 湖滨站",
    "北山镇": "北山镇站",
    "桃源镇": "桃源镇站",
}
VILLAGE_FRINGES = [  # 城中村/城乡结合部: (township, community)
    ("东城街道", "东关社区"),
    ("北山镇", "上庄村"),
    ("北山镇", "王家庄村"),
    ("北山镇", "松林村"),
    ("青石镇", "石桥村"),
    ("青石镇", "河湾村"),
    ("桃源镇", "桃花村"),
    ("桃源镇", "杏林村"),
    ("龙泉乡", "龙泉村"),
    ("白沙镇", "沙河村"),
    ("新桥镇", "新民村"),
    ("新桥镇", "双桥村"),
]
PRACTICE_STATIONS = [  # 新时代文明实践站: (township, community)
    ("城关街道", "北关社区"),
    ("城关街道", "南关社区"),
    ("城关街道", "文昌社区"),
    ("东城街道", "朝阳社区"),
    ("东城街道", "东湖社区"),
    ("西城街道", "育才社区"),
    ("西城街道", "和平社区"),
    ("南湖街道", "湖滨社区"),
    ("北山镇", "上庄村"),
    ("桃源镇", "桃花村"),
    ("龙泉乡", "龙井村"),
    ("白沙镇", "沙坪村"),
]
# Places looked after by a department: (type code, department, [(township, name)…])
DEPARTMENT_PLACES = [
    (
        "NMSC",
        "县市场监督管理局",
        [
            ("城关街道", "城关农贸市场"),
            ("东城街道", "东城农贸市场"),
            ("西城街道", "西苑农贸市场"),
            ("南湖街道", "南湖菜市场"),
            ("北山镇", "北山集贸市场"),
            ("青石镇", "青石集贸市场"),
            ("桃源镇", "桃源集贸市场"),
            ("白沙镇", "白沙农贸市场"),
        ],
    ),
    (
        "GYGC",
        "县住房和城乡建设局",
        [
            ("城关街道", "人民公园"),
            ("东城街道", "东湖湿地公园"),
            ("西城街道", "西苑游园"),
            ("西城街道", "体育公园"),
            ("南湖街道", "南湖公园"),
            ("南湖街道", "滨江公园"),
            ("北山镇", "北山森林公园"),
        ],
    ),
    (
        "GYGC",
        "县城市管理局",
        [
            ("城关街道", "文化广场"),
            ("城关街道", "府前广场"),
            ("东城街道", "市民广场"),
            ("桃源镇", "桃源广场"),
            ("青石镇", "青石广场"),
        ],
    ),
    (
        "YY",
        "县卫生健康局",
        [
            ("城关街道", "县人民医院"),
            ("东城街道", "县中医院"),
            ("西城街道", "县妇幼保健院"),
            ("南湖街道", "县第二人民医院"),
            ("北山镇", "北山镇卫生院"),
            ("白沙镇", "白沙镇中心卫生院"),
        ],
    ),
    (
        "CZ",
        "县交通运输局",
        [
            ("东城街道", "示范县汽车客运中心"),
            ("新桥镇", "示范县高铁站"),
            ("城关街道", "城北客运站"),
            ("白沙镇", "白沙汽车站"),
        ],
    ),
    ("ZWFW", "县机关事务服务中心", [("城关街道", "县政务服务中心")]),
    (
        "YHWD",
        "县财政局",
        [
            ("城关街道", "工商银行示范县支行营业部"),
            ("城关街道", "农业银行示范县支行营业部"),
            ("城关街道", "建设银行示范县支行"),
            ("城关街道", "示范农商银行营业部"),
            ("东城街道", "中国银行示范县支行"),
            ("东城街道", "农业银行东城分理处"),
            ("西城街道", "邮储银行示范县支行"),
            ("西城街道", "示范农商银行西城支行"),
            ("南湖街道", "工商银行南湖支行"),
            ("南湖街道", "示范农商银行南湖支行"),
            ("北山镇", "示范农商银行北山支行"),
            ("桃源镇", "邮储银行桃源营业所"),
        ],
    ),
    (
        "JZGD",
        "县住房和城乡建设局",
        [
            ("城关街道", "县人民医院门诊综合楼扩建工程"),
            ("城关街道", "阳光花园二期工地"),
            ("东城街道", "城东安置房项目工地"),
            ("东城街道", "东湖御景三期工地"),
            ("西城街道", "县第一中学新校区工地"),
            ("西城街道", "县文体中心建设工程"),
            ("南湖街道", "滨江大道改造提升工程"),
            ("南湖街道", "南湖片区棚户区改造项目"),
            ("北山镇", "北山镇污水处理厂提标改造工程"),
            ("新桥镇", "新桥产业园标准厂房项目"),
        ],
    ),
    (
        "YSTQ",
        "县城市管理局",
        [
            ("南湖街道", "南湖夜市"),
            ("城关街道", "人民路便民摊点群"),
            ("东城街道", "东湖夜市"),
            ("西城街道", "西苑早夜市"),
            ("城关街道", "文化广场夜市"),
        ],
    ),
    (
        "GJZD",
        "县交通运输局",
        [(township, stop) for township, stops in BUS_STOPS.items() for stop in stops.split()],
    ),
    (
        "TCC",
        "县城市管理局",
        [
            ("城关街道", "府前广场地下停车场"),
            ("城关街道", "县人民医院停车场"),
            ("城关街道", "解放路公共停车场"),
            ("城关街道", "县政务服务中心停车场"),
            ("东城街道", "客运中心停车场"),
            ("东城街道", "东湖湿地公园停车场"),
            ("西城街道", "体育公园停车场"),
            ("西城街道", "西苑生态停车场"),
            ("南湖街道", "南湖公园停车场"),
            ("南湖街道", "滨江公园停车场"),
        ],
    ),
    (
        "WHCG",
        "县文化和旅游局",
        [
            ("城关街道", "县图书馆"),
            ("城关街道", "县文化馆"),
            ("东城街道", "县博物馆"),
            ("东城街道", "县规划展示馆"),
            ("西城街道", "县科技馆"),
            ("西城街道", "县体育馆"),
            ("南湖街道", "县青少年活动中心"),
        ],
    ),
    ("GGCS", "县城市管理局", [(t, name) for t, names in TOILETS.items() for name in names.split()]),
]
COMMERCIAL_STREETS = [
    ("城关街道", "人民路商业步行街"),
    ("城关街道", "解放路商业街"),
    ("城关街道", "中山路美食街"),
    ("东城街道", "东湖商业街"),
    ("东城街道", "新华路商业街"),
    ("南湖街道", "南湖路商业街"),
]
SERVICE_CENTRES = [("东城街道", "东城街道便民服务中心"), ("北山镇", "北山镇便民服务中心")]


@dataclass
class PlannedPoint:
    type_code: str
    name: str
    township: str
    address: str
    responsible: str  # unit name
    community: str = ""  # for points a community answers for
    led_by_deputy: bool = False  # roads and streets: the township's deputy leads them


def _plan_points(ctx: DemoContext) -> list[PlannedPoint]:
    """Every point, in a fixed order (the order randomness is drawn in)."""
    rng = ctx.rng
    communities = ctx.extra["org.communities_by_township"]
    plan: list[PlannedPoint] = []

    def street_address(township):
        return f"示范县{township}{rng.choice(ADDRESS_STREETS[township])}{rng.randint(1, 320)}号"

    def round_robin(township, index):
        return communities[township][index % len(communities[township])]

    for township, road, crossings in ROADS:
        for a, b in itertools.pairwise(crossings):
            plan.append(
                PlannedPoint(
                    "ZCGD", f"{road}（{a}—{b}段）", township, f"示范县{township}{road}{a}路口至{b}路口",
                    township, led_by_deputy=True,
                )
            )  # fmt: skip
    for township, lanes in LANES.items():
        for i, lane in enumerate(lanes.split()):
            community = round_robin(township, i)
            plan.append(
                PlannedPoint(
                    "BJXX", lane, township, f"示范县{township}{community}{lane}", township, community
                )
            )
    for township, estates in ESTATES.items():
        for i, estate in enumerate(estates.split()):
            community = round_robin(township, i)
            plan.append(PlannedPoint("JMXQ", estate, township, street_address(township), township, community))
    for township, schools in SCHOOLS.items():
        for i, school in enumerate(schools.split()):
            community = round_robin(township, i)
            plan.append(
                PlannedPoint("XXZB", f"{school}周边", township, street_address(township), township, community)
            )
    for township, name in COMMERCIAL_STREETS:
        plan.append(
            PlannedPoint("SYDJ", name, township, f"示范县{township}{name[:3]}", township, led_by_deputy=True)
        )
    for township, roads in FRONTAGES.items():
        for road in roads.split():
            plan.append(
                PlannedPoint(
                    "MQZR", f"{road}沿街商铺门前责任区", township, f"示范县{township}{road}沿街", township,
                    led_by_deputy=True,
                )
            )  # fmt: skip
    for township, name in SERVICE_CENTRES:
        plan.append(
            PlannedPoint("ZWFW", name, township, street_address(township), township, led_by_deputy=True)
        )
    for township, community in VILLAGE_FRINGES:
        name = (
            f"{community.removesuffix('社区')}城中村"
            if community.endswith("社区")
            else f"{community}城乡结合部"
        )
        plan.append(PlannedPoint("CXJH", name, township, f"示范县{township}{community}", township, community))
    for township, community in PRACTICE_STATIONS:
        plan.append(
            PlannedPoint(
                "WMSJ",
                f"{community}新时代文明实践站",
                township,
                f"示范县{township}{community}",
                township,
                community,
            )
        )
    for type_code, department, places in DEPARTMENT_PLACES:
        for township, name in places:
            plan.append(PlannedPoint(type_code, name, township, street_address(township), department))
    return plan


class _Leaders:
    """Picks each point's leader (点长) from the org step's posts."""

    def __init__(self, ctx: DemoContext):
        self.by_unit: dict[str, dict] = {}
        for post in ctx.extra["org.posts"]:
            slot = self.by_unit.setdefault(
                post.unit.name, {"principal": None, "deputy": None, "staff": [], "pool": []}
            )
            if post.position == PRINCIPAL and slot["principal"] is None:
                slot["principal"] = post
            elif post.position == DEPUTY and slot["deputy"] is None:
                slot["deputy"] = post
            elif post.position == STAFF:
                slot["staff"].append(post)
            # demo logins keep exactly their documented roles; only `pointleader` leads points
            free = (not post.login or post.login == "pointleader") and all(
                role != Role.OVERSIGHT for role, _unit in post.roles
            )
            if free and post.position != PRINCIPAL:
                slot["pool"].append(post)
        for slot in self.by_unit.values():
            # people who already hold the point-leader role come first
            slot["pool"].sort(key=lambda p: not any(role == Role.POINT_LEADER for role, _unit in p.roles))
        self.turn: dict[str, int] = {}

    def for_point(self, point: PlannedPoint):
        if point.community:
            slot = self.by_unit[point.community]
            grid_workers = [p for p in slot["staff"] if not p.login or p.login == "pointleader"]
            return grid_workers[0] if grid_workers else slot["principal"]
        slot = self.by_unit[point.responsible]
        if point.led_by_deputy and slot["deputy"] is not None:
            return slot["deputy"]
        pool = slot["pool"] or [slot["principal"]]
        turn = self.turn.get(point.responsible, 0)
        self.turn[point.responsible] = turn + 1
        return pool[turn % len(pool)]


# --- step 1: reference systems ----------------------------------------------------------------


def build_reference(ctx: DemoContext) -> str:
    summary = load_reference(ctx.county, activate=True)
    Metric.objects.filter(area=ctx.county, band_attribute__gt="").update(band_value=RAINFALL_MM)
    ctx.extra["campaign.reference"] = summary
    left_empty = "、".join(sorted(summary.unresolved_units))
    return (
        f"{len(summary.systems)} 套测评体系、{summary.indicators} 项指标、{summary.point_types} 类点位、"
        f"{summary.check_items} 条检查项、{summary.metrics} 项数据指标"
        + (f"（示范县无此单位，牵头单位留空：{left_empty}）" if left_empty else "")
    )


# --- step 2: outlines -------------------------------------------------------------------------


def build_outlines(ctx: DemoContext) -> str:
    w, h = COUNTY
    outlines = [AreaOutline(unit=ctx.county, geojson=_geojson([(-w, -h), (w, -h), (w, h), (-w, h)]))]
    for name, signs in STREET_QUADRANTS.items():
        outlines.append(AreaOutline(unit=ctx.units_by_name[name], geojson=_geojson(_quadrant(signs))))
    for name, (start, end) in TOWN_WEDGES.items():
        outlines.append(AreaOutline(unit=ctx.units_by_name[name], geojson=_geojson(_wedge(start, end))))
    AreaOutline.objects.bulk_create(outlines)
    return f"{len(outlines)} 个区域轮廓（县域及 {len(outlines) - 1} 个乡镇街道）"


# --- step 3: points ---------------------------------------------------------------------------


def build_points(ctx: DemoContext) -> str:
    rng, unit = ctx.rng, ctx.units_by_name
    types = {pt.code: pt for pt in PointType.objects.filter(area=ctx.county)}
    leaders = _Leaders(ctx)
    numbers: dict[str, int] = {}
    points, led = [], {}
    for planned in _plan_points(ctx):
        numbers[planned.type_code] = numbers.get(planned.type_code, 0) + 1
        post = leaders.for_point(planned)
        latitude, longitude = _place(rng, planned.township)
        points.append(
            Point(
                area=ctx.county,
                point_type=types[planned.type_code],
                code=f"{planned.type_code}-{numbers[planned.type_code]:03d}",
                name=planned.name,
                address=planned.address,
                latitude=latitude,
                longitude=longitude,
                township=unit[planned.township],
                responsible_unit=unit[planned.responsible],
                point_leader=post.user,
                public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
        )
        led[post.user.pk] = post
    Point.objects.bulk_create(points)

    held = set(
        RoleAssignment.objects.filter(role=Role.POINT_LEADER, user_id__in=led).values_list(
            "user_id", "unit_id"
        )
    )
    new_roles = [
        RoleAssignment(user=post.user, unit=post.user.unit, role=Role.POINT_LEADER)
        for user_id, post in led.items()
        if (user_id, post.user.unit_id) not in held
    ]
    RoleAssignment.objects.bulk_create(new_roles)
    for role in new_roles:
        post = led[role.user_id]
        if (Role.POINT_LEADER, post.unit) not in post.roles:
            post.roles.append((Role.POINT_LEADER, post.unit))
    ctx.extra["campaign.points"] = points
    townships = len({p.township_id for p in points})
    return (
        f"{len(points)} 个点位（{len(types)} 类，{townships} 个乡镇街道），"
        f"点长 {len(led)} 人（新增点长角色 {len(new_roles)} 项）"
    )


# --- step 4: metric values --------------------------------------------------------------------

MONTHS = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]  # 2025-12 … 2026-11
YEARS = [date(2025, 1, 1), date(2026, 1, 1)]

# Yearly values for 2025 and 2026 (2026: January–October) and the denominators they are taken from.
YEARLY = {
    "M01": (("41.2", "41.3"), ("2350", "2368")),  # 2025 is corrected below
    "M02": (("38.4", "39.1"), ("1860", "1874")),
    "M03": (("34.2", "35.3"), ("1860", "1874")),  # 2025 misses ≥ 35 %
    "M04": (("8.7", "9.4"), ("186000", "188400")),  # m² per person; 2025 misses ≥ 9
    "M05": (("23.8", "25.6"), ("312", "318")),  # 2025 misses ≥ 25 %
    "M06": (("62.3", "62.8"), ("148600", "148600")),
    "M09": (("88.5", "90.1"), ("365", "304")),  # days with AQI ≤ 100 of the days monitored
    "M12": (("76.4", "81.2"), ("820", "836")),  # 2025 misses ≥ 80 %
    "M13": (("31.2", "33.5"), ("1200", "1200")),  # people surveyed
    "M14": (("82.5", "83.1"), ("48600", "49800")),  # trees counted
}
CORRECTED = ("M01", date(2025, 1, 1), Decimal("40.6"), "更正：剔除重复计入的单位附属绿地 14.1 公顷")
# Monthly values, 2025-12 … 2026-11: a few miss their targets (春节, the plum-rain season, summer flies).
MONTHLY = {
    "M07": "100 100 99.6 100 100 100 100 100 100 100 100 100",  # February misses 100 %
    "M08": "96.8 96.5 95.9 96.2 96.9 97.1 94.1 94.6 95.8 96.4 97.2 97.5",  # June and July miss 95 %
    "M10": "100 100 100 100 100 100 100 100 100 100 100 100",
    "M11": "1.2 0.8 0.9 1.6 3.2 5.4 7.8 9.6 10.3 6.5 4.1 2.2",  # July and August miss ≤ 9 %
}
PER_PERSON = {"M04"}  # value = numerator / denominator, not a percentage
COUNTED = {"M04", "M09", "M11", "M13", "M14"}  # whole numerators: the value follows from them


def _measure(code: str, amount: Decimal, denominator: Decimal) -> tuple[Decimal, Decimal]:
    """(value, numerator) for a value near ``amount`` out of ``denominator``."""
    share = denominator if code in PER_PERSON else denominator / 100
    if code not in COUNTED:
        return amount, (amount * share).quantize(Decimal("0.01"))
    numerator = (amount * share).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (numerator / share).quantize(Decimal("0.01")), numerator


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def build_metric_values(ctx: DemoContext) -> str:
    """A year of values for every metric of 示范县, entered by the campaign office."""
    rng = ctx.rng
    office = ctx.people_by_username["office"]
    metrics = {m.code: m for m in Metric.objects.filter(area=ctx.county)}
    rows: list[tuple[MetricValue, datetime]] = []

    def add(code, period, amount, denominator, entered, note=""):
        value, numerator = _measure(code, Decimal(amount), Decimal(denominator))
        row = MetricValue(
            metric=metrics[code], unit=ctx.county, period_start=period, value=value,
            numerator=numerator, denominator=Decimal(denominator), note=note, entered_by=office,
        )  # fmt: skip
        rows.append((row, entered))
        return row

    for code, ((last_year, this_year), (last_base, this_base)) in YEARLY.items():
        add(code, date(2025, 1, 1), last_year, last_base, _at(date(2026, 1, 20)))
        add(code, date(2026, 1, 1), this_year, this_base, _at(date(2026, 11, 5)), "1—10月")
    for code, series in MONTHLY.items():
        for period, amount in zip(MONTHS, series.split(), strict=True):
            if code == "M07":
                base = rng.randint(5400, 6900)  # tonnes of household waste
            elif code == "M08":
                base = rng.randint(118, 146)  # 10⁴ t of sewage
            elif code == "M10":
                base = rng.randint(152, 181)  # 10⁴ t drawn
            else:
                base = rng.choice([300, 320, 350])  # rooms checked for flies
            add(code, period, amount, base, _at(period.replace(day=25)))

    created = MetricValue.objects.bulk_create([row for row, _when in rows])
    for row, (_row, entered) in zip(created, rows, strict=True):
        row.entered_at = entered  # auto_now_add stamped "now": the demo's dates are fixed
    MetricValue.objects.bulk_update(created, ["entered_at"])

    code, period, amount, note = CORRECTED
    original = next(row for row in created if row.metric.code == code and row.period_start == period)
    correction = add(code, period, amount, original.denominator, _at(date(2026, 2, 10)), note)
    correction.supersedes = original
    correction.save()
    MetricValue.objects.filter(pk=correction.pk).update(entered_at=_at(date(2026, 2, 10)))

    missed = sum(1 for row in created if row.pk != original.pk and row.metric.is_met(row.value) is False)
    return f"{len(created) + 1} 条数值（{len(metrics)} 项指标，1 条更正），{missed} 条未达目标"


STEPS = [
    Step("测评体系", build_reference),
    Step("区域轮廓", build_outlines),
    Step("测评点位", build_points),
    Step("数据指标", build_metric_values),
]


# --- flush ------------------------------------------------------------------------------------


def flush() -> None:
    """Delete all indicator and point data: values, points, outlines, checklists, systems, metrics."""
    # a correction protects the row it corrects: newest corrections first
    while MetricValue.objects.filter(superseded_by__isnull=True, supersedes__isnull=False).exists():
        MetricValue.objects.filter(superseded_by__isnull=True, supersedes__isnull=False).delete()
    MetricValue.objects.all().delete()
    photo_files = list(PointPhoto.objects.exclude(image="").values_list("image", flat=True))
    PointPhoto.objects.all().delete()
    Point.objects.all().delete()
    AreaOutline.objects.all().delete()
    CheckItem.objects.all().delete()
    MetricTargetBand.objects.all().delete()
    Metric.objects.all().delete()
    Indicator.objects.all().delete()
    PointType.objects.all().delete()
    AssessmentSystem.objects.all().delete()
    if photo_files:
        storage = storages["default"]
        transaction.on_commit(lambda: [storage.delete(name) for name in photo_files])
