"""国家森林城市评价指标（县级城市）— GB/T 37342-2024, clause 4.2.

GB/T 37342-2024 replaces the 2019 edition and gives separate indicator systems for prefecture
and county-level cities [V* F03]; the county table itself has not been available. This sample
follows the 2019 edition's five categories [M] with the values that could be read: forest cover
by rainfall band, 40 % green cover, 25 % street canopy, 30 % car-park canopy, 70 % water-source
forest cover [V* F04]; single species ≤ 20 %, native species ≥ 80 % [V* F05]; the rest recalled
[M]. The standard is pass/fail per indicator, so no totals; each leaf has weight 1.
"""

from chuangcheng.indicators.choices import CityLevel, Method, Title
from chuangcheng.indicators.reference.helpers import leaf, node

FIELD = Method.FIELD_CHECK
DOC = Method.DOCUMENT_REVIEW
SURVEY = Method.SURVEY
STAT = Method.STATISTIC

SYSTEM = {
    "key": "for",
    "title": Title.FOREST_CITY,
    "city_level": CityLevel.COUNTY,
    "name": "国家森林城市评价指标（县级城市）",
    "edition": "GB/T 37342-2024",
    "year": 2024,
    "declares_totals": False,
    "total_score": None,
    "is_sample": True,
    "source": (
        "GB/T 37342-2024 目次（4.1 地级及以上城市、4.2 县级城市、附录A 指标计算方法）：F03 [V*]。\n"
        "森林覆盖率分档、城区绿化覆盖率、街道树冠覆盖率、停车场树冠覆盖率、水源地森林覆盖率：F04 [V*]。\n"
        "树种丰富度、乡土树种使用率：F05 [V*]。人均公园绿地、水岸和道路林木绿化率：F06 [V*]。\n"
        "GB/T 37342-2019 术语和定义：F02 [V*]；其余指标及数值为回忆整理 [M]。"
    ),
    "notes": (
        "2024 版县级城市指标表未获取：结构按 2019 版五类指标整理，数值待与标准文本核对。"
        "标准按指标逐项评价是否达到要求，未设分值；权重均为 1（示例）。"
    ),
    "indicators": [
        node(
            "1",
            "森林网络",
            children=[
                leaf(
                    "1.1",
                    "县域森林覆盖率",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    description=(
                        "年降水量 < 400 mm 的地区 ≥ 20 %，400—800 mm ≥ 30 %，> 800 mm ≥ 35 %；"
                        "自然湿地面积占比超过 5 % 的，超出部分不计入计算面积"
                    ),
                    notes="按年降水量分档 [V* F04]（原文为市域森林覆盖率，县级数值待核）",
                ),
                leaf(
                    "1.2",
                    "城区绿化覆盖率 ≥ 40 %",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    cooperating=["县林业局"],
                    notes="[V* F04 F06]",
                ),
                leaf(
                    "1.3",
                    "城区街道树冠覆盖率 ≥ 25 %",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="[V* F04]",
                ),
                leaf(
                    "1.4",
                    "城区新建地面停车场乔木树冠覆盖率 ≥ 30 %",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    cooperating=["县城市管理局"],
                    point_types="TCC",
                    notes="[V* F04]",
                ),
                leaf(
                    "1.5",
                    "城市重要水源地森林覆盖率 ≥ 70 %",
                    weight=1,
                    method=STAT,
                    lead="县水利局",
                    cooperating=["县林业局"],
                    notes="[V* F04]",
                ),
                leaf(
                    "1.6",
                    "城区人均公园绿地面积 ≥ 11 m²",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="2012 年前后指标值 [V* F06]；2019 版回忆为 12 m² [M]",
                ),
                leaf(
                    "1.7",
                    "水岸林木绿化率 ≥ 80 %",
                    weight=1,
                    method=STAT,
                    lead="县水利局",
                    cooperating=["县林业局"],
                    notes="[V* F06]",
                ),
                leaf(
                    "1.8",
                    "道路林木绿化率 ≥ 80 %",
                    weight=1,
                    method=STAT,
                    lead="县交通运输局",
                    cooperating=["县林业局"],
                    notes="[V* F06]",
                ),
                leaf(
                    "1.9",
                    "城区林荫道路率 ≥ 60 %",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    point_types="ZCGD",
                    notes="[M]",
                ),
                leaf(
                    "1.10",
                    "村庄林木绿化率 ≥ 30 %",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    cooperating=["县农业农村局"],
                    notes="[M]",
                ),
                leaf(
                    "1.11",
                    "农田林网控制率 ≥ 85 %",
                    weight=1,
                    method=STAT,
                    lead="县农业农村局",
                    cooperating=["县林业局"],
                    notes="[M]",
                ),
                leaf(
                    "1.12",
                    "受损弃置地生态修复率 ≥ 80 %",
                    weight=1,
                    method=STAT,
                    lead="县自然资源局",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "2",
            "森林健康",
            children=[
                leaf(
                    "2.1",
                    "树种丰富度：单一树种栽植数量不超过树木总数的 20 %",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    notes="[V* F05]",
                ),
                leaf(
                    "2.2",
                    "城区乡土树种使用率 ≥ 80 %",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    cooperating=["县住房和城乡建设局"],
                    notes="乡土树种：本地区天然分布的树种和没有生态入侵的归化树种 [V* F02 F05]",
                ),
                leaf(
                    "2.3",
                    "林业有害生物监测预警和防治，成灾率控制在规定指标以内",
                    weight=1,
                    method=DOC,
                    lead="县林业局",
                    notes="[M]",
                ),
                leaf(
                    "2.4",
                    "森林火灾预防和扑救体系健全",
                    weight=1,
                    method=DOC,
                    lead="县林业局",
                    cooperating=["县应急管理局"],
                    notes="[M]",
                ),
            ],
        ),
        node(
            "3",
            "生态福利",
            children=[
                leaf(
                    "3.1",
                    "公园绿地 500 m 服务半径覆盖率 ≥ 80 %",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="[M]",
                ),
                leaf(
                    "3.2",
                    "城乡居民每万人拥有绿道长度 ≥ 0.5 km",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    cooperating=["县自然资源局"],
                    notes="[M]",
                ),
                leaf(
                    "3.3",
                    "乡村公园、森林步道等生态休闲场所建设，公园绿地设施完好、开放",
                    weight=1,
                    method=FIELD,
                    lead="县林业局",
                    point_types="GYGC",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "4",
            "生态文化",
            children=[
                leaf(
                    "4.1",
                    "义务植树尽责率 ≥ 85 %",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    notes="[M]",
                ),
                leaf(
                    "4.2",
                    "古树名木保护率 100 %",
                    weight=1,
                    method=STAT,
                    lead="县林业局",
                    cooperating=["县住房和城乡建设局"],
                    notes="[M]",
                ),
                leaf(
                    "4.3",
                    "市民对森林城市建设的知晓率、支持率 ≥ 90 %",
                    weight=1,
                    method=SURVEY,
                    lead="县林业局",
                    cooperating=["县委宣传部", "县融媒体中心"],
                    notes="[M]",
                ),
                leaf(
                    "4.4",
                    "生态科普教育场所和自然教育活动",
                    weight=1,
                    method=FIELD,
                    lead="县林业局",
                    cooperating=["县文化和旅游局", "县教育局"],
                    point_types="WHCG",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "5",
            "组织管理",
            children=[
                leaf(
                    "5.1",
                    "政府主导，森林城市建设总体规划编制并实施",
                    weight=1,
                    method=DOC,
                    lead="县林业局",
                    cooperating=["县自然资源局"],
                    notes="[M]",
                ),
                leaf(
                    "5.2",
                    "森林城市建设资金纳入财政预算，投入稳定",
                    weight=1,
                    method=DOC,
                    lead="县财政局",
                    notes="[M]",
                ),
                leaf(
                    "5.3",
                    "林长制落实，森林资源保护管理到位",
                    weight=1,
                    method=DOC,
                    lead="县林业局",
                    notes="[M]",
                ),
                leaf(
                    "5.4",
                    "创建档案完整规范",
                    weight=1,
                    method=DOC,
                    lead="县林业局",
                    notes="[M]",
                ),
            ],
        ),
    ],
}
