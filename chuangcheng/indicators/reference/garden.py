"""省级园林县城标准 — sample content.

The national 国家园林县城 title is believed to have passed to the provinces in 2022 [M]; the
province's own standard has not been available. This sample follows the 国家园林县城 criteria:
green cover ≥ 38 % and park green space ≥ 9 m² per person from the 2016 standard [V* G02], the
older 国家园林县城 criteria [V* G03], indicator definitions from the 生态园林城市 standard [V* G01]
and the 园林城市 public survey [V* G08]. Criteria are pass/fail: no totals, each leaf weight 1.
"""

from chuangcheng.indicators.choices import CityLevel, Method, Title
from chuangcheng.indicators.reference.helpers import leaf, node

FIELD = Method.FIELD_CHECK
DOC = Method.DOCUMENT_REVIEW
SURVEY = Method.SURVEY
STAT = Method.STATISTIC

SYSTEM = {
    "key": "gar",
    "title": Title.GARDEN_PROVINCIAL_COUNTY,
    "city_level": CityLevel.COUNTY,
    "name": "省级园林县城标准",
    "edition": "示例版",
    "year": 2022,
    "declares_totals": False,
    "total_score": None,
    "is_sample": True,
    "source": (
        "国家园林县城（2016 标准）建成区绿化覆盖率 ≥ 38 %、人均公园绿地面积 ≥ 9 m²：G02 [V*]。\n"
        "国家园林县城旧版标准（服务半径、绿地率、道路绿化、公园、园林式单位、义务植树、"
        "广场绿地率）：G03 [V*]。\n"
        "指标定义（绿化覆盖率、人均公园绿地面积、服务半径覆盖率）：G01 [V*]。问卷结构：G08 [V*]。"
    ),
    "notes": (
        "本省省级园林县城标准未获取，须以省住房和城乡建设厅文件核对后使用。"
        "各项为达标要求，未设分值；权重均为 1（示例）。"
    ),
    "indicators": [
        node(
            "1",
            "综合管理",
            children=[
                leaf(
                    "1.1",
                    "园林绿化管理机构健全，职能明确，配备专业技术人员",
                    weight=1,
                    method=DOC,
                    lead="县住房和城乡建设局",
                    notes="[M]",
                ),
                leaf(
                    "1.2",
                    "县城绿地系统规划编制并实施，划定并公布城市绿线",
                    weight=1,
                    method=DOC,
                    lead="县自然资源局",
                    cooperating=["县住房和城乡建设局"],
                    notes="[M]",
                ),
                leaf(
                    "1.3",
                    "园林绿化建设和养护资金纳入财政预算",
                    weight=1,
                    method=DOC,
                    lead="县财政局",
                    cooperating=["县住房和城乡建设局"],
                    notes="[M]",
                ),
                leaf(
                    "1.4",
                    "公众对园林绿化的满意率（绿地数量、景观效果、公园服务设施、公园可达性、公园管理）",
                    weight=1,
                    method=SURVEY,
                    lead="县住房和城乡建设局",
                    notes="问卷结构及权重 [V* G08]",
                ),
            ],
        ),
        node(
            "2",
            "绿地建设",
            children=[
                leaf(
                    "2.1",
                    "建成区绿化覆盖率 ≥ 38 %",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    description="建成区内全部植被垂直投影面积 / 建成区面积",
                    notes="[V* G02]；定义 [V* G01]",
                ),
                leaf(
                    "2.2",
                    "建成区绿地率 ≥ 35 %",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="旧版 35 % [V* G03]；2016 版回忆为 33 % [M]",
                ),
                leaf(
                    "2.3",
                    "人均公园绿地面积 ≥ 9 m²",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    description="公园绿地面积 / 城区人口",
                    notes="[V* G02]；定义 [V* G01]",
                ),
                leaf(
                    "2.4",
                    "公园绿化活动场地服务半径覆盖率 ≥ 80 %（1000 m² 以上公园绿地按 500 m 服务半径计）",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    description="服务半径覆盖的居住用地面积 / 居住用地总面积",
                    notes="500 m 半径 [V* G03]；80 % 为回忆值 [M]；定义 [V* G01]",
                ),
                leaf(
                    "2.5",
                    "建有面积 3 公顷以上、绿地率不低于 70 % 的综合公园不少于 2 个",
                    weight=1,
                    method=DOC,
                    lead="县住房和城乡建设局",
                    notes="[V* G03]",
                ),
                leaf(
                    "2.6",
                    "园林式单位、园林式居住小区占比 ≥ 60 %",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    point_types="JMXQ",
                    notes="[V* G03]",
                ),
                leaf(
                    "2.7",
                    "广场绿地率 ≥ 60 %",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    point_types="GYGC",
                    notes="[V* G03]",
                ),
            ],
        ),
        node(
            "3",
            "道路与街景绿化",
            children=[
                leaf(
                    "3.1",
                    "道路绿化普及率 100 %，道路绿化达标率 ≥ 80 %",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    cooperating=["县交通运输局"],
                    point_types="ZCGD",
                    notes="[V* G03]",
                ),
                leaf(
                    "3.2",
                    "县城干道绿化带面积占道路总用地面积 ≥ 25 %",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="[V* G03]",
                ),
                leaf(
                    "3.3",
                    "主干道沿街单位拆墙透绿 ≥ 90 %",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    cooperating=["县城市管理局"],
                    point_types="ZCGD SYDJ",
                    notes="[V* G03]",
                ),
                leaf(
                    "3.4",
                    "行道树、林荫路完好，无缺株断档和死树",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    point_types="ZCGD BJXX",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "4",
            "建设管控与养护",
            children=[
                leaf(
                    "4.1",
                    "公园绿地养护管理规范，设施完好，无黄土裸露、无毁绿占绿",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    point_types="GYGC",
                    notes="[M]",
                ),
                leaf(
                    "4.2",
                    "古树名木普查建档、挂牌保护",
                    weight=1,
                    method=DOC,
                    lead="县林业局",
                    cooperating=["县住房和城乡建设局"],
                    notes="[M]",
                ),
                leaf(
                    "4.3",
                    "义务植树成活率和保存率 ≥ 85 %，尽责率 ≥ 80 %",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    notes="[V* G03]",
                ),
            ],
        ),
        node(
            "5",
            "市政设施与人居环境",
            children=[
                leaf(
                    "5.1",
                    "生活垃圾无害化处理率达到要求",
                    weight=1,
                    method=STAT,
                    lead="县城市管理局",
                    notes="[M]",
                ),
                leaf(
                    "5.2",
                    "县城生活污水处理率达到要求",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="[M]",
                ),
                leaf(
                    "5.3",
                    "市容环境整洁，户外广告和店招店牌设置规范，无违法建设",
                    weight=1,
                    method=FIELD,
                    lead="县城市管理局",
                    point_types="ZCGD SYDJ BJXX",
                    notes="[M]",
                ),
                leaf(
                    "5.4",
                    "道路照明装灯率、亮灯率达标",
                    weight=1,
                    method=FIELD,
                    lead="县城市管理局",
                    point_types="BJXX",
                    notes="背街小巷装灯率 100 %、亮灯率 95 % [V* S08]",
                ),
            ],
        ),
    ],
}
