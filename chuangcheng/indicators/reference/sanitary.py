"""国家卫生县标准（2021版）— the county half of 《国家卫生城市和国家卫生县标准(2021版)》.

The standard is a pass/fail (达标) standard with no scores, so this system declares no totals
and each leaf carries an equal weight (1) for the office's own compliance estimate.
Verified: the title and scope ("标准中未作说明的均指建成区") and section 一 [V H01]; the public
toilet and sewage item [V* H02]; the fly density C-level values [V* H03]. The other sections'
wording is assembled from recalled content [M] and older editions [V* H04 H05]: marked sample.
"""

from chuangcheng.indicators.choices import CityLevel, Method, Title
from chuangcheng.indicators.reference.helpers import leaf, node

FIELD = Method.FIELD_CHECK
DOC = Method.DOCUMENT_REVIEW
SURVEY = Method.SURVEY
STAT = Method.STATISTIC

SYSTEM = {
    "key": "san",
    "title": Title.SANITARY_COUNTY,
    "city_level": CityLevel.COUNTY,
    "name": "国家卫生县标准",
    "edition": "2021版",
    "year": 2021,
    "declares_totals": False,
    "total_score": None,
    "is_sample": True,
    "source": (
        "《国家卫生城市和国家卫生县标准(2021版)》开篇及第一部分：\n"
        "https://jzcdc.cn/jishufuwu/jishubiaozhun/800.html [V]。\n"
        "公厕与污水条款释义：绵阳日报 2025-02-24 [V* H02]。蝇密度 C 级：H03 [V*]。\n"
        "旧版必备条件与旧版国家卫生县城标准：H04、H05 [V*]。第三至八部分其余条款为回忆整理 [M]。"
    ),
    "notes": (
        "标准为达标制，未设分值；各条权重均为 1（示例），供自评估算达标程度。"
        "“标准中未作说明的均指建成区”。第三至八部分条款措辞待与官方文本核对。"
    ),
    "indicators": [
        node(
            "1",
            "爱国卫生组织管理",
            children=[
                leaf(
                    "1.1",
                    "爱国卫生工作纳入党委和政府重要议事日程，纳入本地区发展规划和政府绩效考核；"
                    "具有立法权的地区制定爱国卫生地方性法规，其他地区出台规范性文件",
                    weight=1,
                    method=DOC,
                    lead="县爱卫办",
                    notes="[V H01]",
                ),
                leaf(
                    "1.2",
                    "各级爱卫会组织健全，爱卫办机构、职能、人员和经费有保障，村（居）委会设立公共卫生委员会",
                    weight=1,
                    method=DOC,
                    lead="县爱卫办",
                    cooperating=["县民政局"],
                    notes="[V H01]",
                ),
                leaf(
                    "1.3",
                    "爱国卫生工作年度有计划、有部署、有检查、有总结，推进卫生乡镇、卫生村等全域创建，"
                    "开展群众性爱国卫生运动",
                    weight=1,
                    method=DOC,
                    lead="县爱卫办",
                    notes="[V H01]",
                ),
                leaf(
                    "1.4",
                    "探索开展健康影响评估，将健康融入所有政策；将应对突发公共卫生事件纳入国土空间规划",
                    weight=1,
                    method=DOC,
                    lead="县爱卫办",
                    cooperating=["县自然资源局"],
                    notes="[V H01]",
                ),
                leaf(
                    "1.5",
                    "畅通爱国卫生建议和投诉渠道，群众对卫生状况满意",
                    weight=1,
                    method=SURVEY,
                    lead="县爱卫办",
                    notes="[V H01]；旧版要求满意率 ≥ 90 % [V* H04]",
                ),
            ],
        ),
        node(
            "2",
            "健康教育和健康促进",
            children=[
                leaf(
                    "2.1",
                    "健康教育网络健全，建立健康科普专家库和资源库，普及中医养生保健知识",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    notes="[V H01]",
                ),
                leaf(
                    "2.2",
                    "居民健康素养水平持续提升",
                    weight=1,
                    method=STAT,
                    lead="县卫生健康局",
                    notes="具体目标值未核实 [M]",
                ),
                leaf(
                    "2.3",
                    "室内公共场所、工作场所和公共交通工具全面禁烟，设置禁烟标识，无烟草广告",
                    weight=1,
                    method=FIELD,
                    lead="县卫生健康局",
                    cooperating=["县市场监督管理局"],
                    point_types="YY ZWFW WHCG CZ YHWD GJZD",
                    notes="无烟草广告 [V* H04]；其余 [M]",
                ),
                leaf(
                    "2.4",
                    "15 岁以上人群吸烟率低于全国平均水平",
                    weight=1,
                    method=STAT,
                    lead="县卫生健康局",
                    notes="[M]",
                ),
                leaf(
                    "2.5",
                    "健康社区、健康学校、健康机关、健康企业等健康细胞建设",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    cooperating=["县教育局"],
                    notes="[M]",
                ),
            ],
        ),
        node(
            "3",
            "市容和环境卫生",
            children=[
                leaf(
                    "3.1",
                    "推进厕所革命，公厕数量充足、干净整洁；主次干道、车站、医疗机构、旅游景点、集贸市场、"
                    "商场等公厕不低于二类标准，日常管理做到“四净三无两通一明”",
                    weight=1,
                    method=FIELD,
                    lead="县城市管理局",
                    cooperating=["县卫生健康局", "县交通运输局"],
                    point_types="GGCS CZ YY NMSC GYGC",
                    notes="[V* H02]",
                ),
                leaf(
                    "3.2",
                    "生活污水有效收集和处理，县城生活污水处理率达到要求",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    cooperating=["县水利局"],
                    notes="地级及以上城市集中收集率 ≥ 75 % 或持续提升 [V* H02]；县城目标值未核实 [M]",
                ),
                leaf(
                    "3.3",
                    "生活垃圾分类收集、密闭运输，无害化处理率达到 100 %",
                    weight=1,
                    method=STAT,
                    lead="县城市管理局",
                    notes="[M]；旧版必备条件 100 % [V* H04]",
                ),
                leaf(
                    "3.4",
                    "主次干道和街巷路面平整，清扫保洁制度化，无暴露垃圾和卫生死角",
                    weight=1,
                    method=FIELD,
                    lead="县城市管理局",
                    point_types="ZCGD BJXX SYDJ MQZR",
                    notes="旧版县城主要街道保洁不少于 12 小时 [V* H05]",
                ),
                leaf(
                    "3.5",
                    "农贸市场布局合理、设施齐全、管理规范，划行归市，活禽销售区域相对隔离",
                    weight=1,
                    method=FIELD,
                    lead="县市场监督管理局",
                    cooperating=["县商务局"],
                    point_types="NMSC",
                    notes="[M]",
                ),
                leaf(
                    "3.6",
                    "城中村、城乡结合部和老旧小区环境卫生整治，无乱搭乱建、乱堆乱放，无污水横流",
                    weight=1,
                    method=FIELD,
                    lead="县城市管理局",
                    cooperating=["县住房和城乡建设局", "县农业农村局"],
                    point_types="CXJH JMXQ BJXX",
                    notes="[M]",
                ),
                leaf(
                    "3.7",
                    "建筑工地规范围挡，裸土覆盖、车辆冲洗，无扬尘和渣土遗撒",
                    weight=1,
                    method=FIELD,
                    lead="县住房和城乡建设局",
                    point_types="JZGD",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "4",
            "生态环境",
            children=[
                leaf(
                    "4.1",
                    "环境空气质量优良天数比例持续提升",
                    weight=1,
                    method=STAT,
                    lead="市生态环境局示范县分局",
                    notes="[M]；旧版 AQI ≤ 100 天数 ≥ 300 天 [V* H04]",
                ),
                leaf(
                    "4.2",
                    "集中式饮用水水源地水质达标，地表水环境质量达到要求",
                    weight=1,
                    method=STAT,
                    lead="市生态环境局示范县分局",
                    cooperating=["县水利局"],
                    notes="[M]",
                ),
                leaf(
                    "4.3",
                    "建成区绿化覆盖率、人均公园绿地面积达到要求",
                    weight=1,
                    method=STAT,
                    lead="县住房和城乡建设局",
                    notes="2021 版目标值未核实 [M]；旧版 ≥ 36 %、≥ 8.5 m² [V* H04]",
                ),
                leaf(
                    "4.4",
                    "噪声、餐饮油烟、医疗废物和危险废物规范管理",
                    weight=1,
                    method=FIELD,
                    lead="市生态环境局示范县分局",
                    cooperating=["县卫生健康局", "县城市管理局"],
                    point_types="YSTQ YY",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "5",
            "重点场所卫生",
            children=[
                leaf(
                    "5.1",
                    "公共场所持有效卫生许可，从业人员持健康证明，卫生管理制度落实",
                    weight=1,
                    method=FIELD,
                    lead="县卫生健康局",
                    point_types="CZ WHCG",
                    notes="[M]",
                ),
                leaf(
                    "5.2",
                    "学校卫生：教室采光照明、饮水和厕所卫生达标，传染病防控制度落实",
                    weight=1,
                    method=DOC,
                    lead="县教育局",
                    cooperating=["县卫生健康局"],
                    notes="[M]",
                ),
                leaf(
                    "5.3",
                    "医疗机构环境整洁，医疗废物规范分类收集和暂存，院内感染控制制度落实",
                    weight=1,
                    method=FIELD,
                    lead="县卫生健康局",
                    point_types="YY",
                    notes="[M]",
                ),
                leaf(
                    "5.4",
                    "车站、公园等公共场所卫生整洁，卫生设施完好",
                    weight=1,
                    method=FIELD,
                    lead="县卫生健康局",
                    cooperating=["县交通运输局", "县住房和城乡建设局"],
                    point_types="CZ GYGC GJZD",
                    notes="[M]",
                ),
            ],
        ),
        node(
            "6",
            "食品和生活饮用水安全",
            children=[
                leaf(
                    "6.1",
                    "食品生产经营单位持证经营，从业人员持有效健康证明，落实“明厨亮灶”",
                    weight=1,
                    method=FIELD,
                    lead="县市场监督管理局",
                    point_types="NMSC YSTQ",
                    notes="[M]；市场从业人员持健康证明 [V* S09]",
                ),
                leaf(
                    "6.2",
                    "农贸市场、夜市等食品经营区域生熟分开，防蝇防尘设施完好",
                    weight=1,
                    method=FIELD,
                    lead="县市场监督管理局",
                    point_types="NMSC YSTQ",
                    notes="[M]",
                ),
                leaf(
                    "6.3",
                    "近 3 年未发生重大食品安全事故",
                    weight=1,
                    method=DOC,
                    lead="县市场监督管理局",
                    notes="旧版必备条件 [V* H04]",
                ),
                leaf(
                    "6.4",
                    "生活饮用水卫生监督监测到位，二次供水设施卫生规范",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    cooperating=["县水利局"],
                    notes="[M]",
                ),
            ],
        ),
        node(
            "7",
            "疾病防控与医疗卫生服务",
            children=[
                leaf(
                    "7.1",
                    "法定传染病报告及时规范，预防接种和传染病防控措施落实",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    notes="[M]",
                ),
                leaf(
                    "7.2",
                    "慢性病综合防控、精神卫生和基本公共卫生服务落实",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    notes="[M]",
                ),
                leaf(
                    "7.3",
                    "医疗卫生服务体系健全，县域医共体建设推进",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    notes="[M]",
                ),
                leaf(
                    "7.4",
                    "近 3 年未发生重大职业病危害事故和重大环境污染事故",
                    weight=1,
                    method=DOC,
                    lead="县卫生健康局",
                    cooperating=["县应急管理局", "市生态环境局示范县分局"],
                    notes="旧版必备条件 [V* H04]",
                ),
            ],
        ),
        node(
            "8",
            "病媒生物预防控制",
            children=[
                leaf(
                    "8.1",
                    "病媒生物防制工作机制健全，有专业队伍和监测网络",
                    weight=1,
                    method=DOC,
                    lead="县爱卫办",
                    cooperating=["县卫生健康局"],
                    notes="[M]",
                ),
                node(
                    "8.2",
                    "鼠、蚊、蝇、蟑螂密度控制水平达到国家标准 C 级要求（GB/T 27770—27773）",
                    notes="C 级要求：旧版已核 [V* H04]，2021 版待核 [M]",
                    children=[
                        leaf(
                            "8.2.1",
                            "鼠密度控制水平达到 C 级",
                            weight=1,
                            method=FIELD,
                            lead="县爱卫办",
                            point_types="NMSC YSTQ CXJH GGCS",
                            notes="[V* H04]",
                        ),
                        leaf(
                            "8.2.2",
                            "蚊密度控制水平达到 C 级，无积水容器等蚊虫孳生地",
                            weight=1,
                            method=FIELD,
                            lead="县爱卫办",
                            point_types="JMXQ GYGC CXJH JZGD",
                            notes="[V* H04]",
                        ),
                        leaf(
                            "8.2.3",
                            "蝇密度控制水平达到 C 级：直接入口食品场所不得有蝇；室内有蝇房间阳性率 ≤ 9 %，"
                            "阳性间蝇密度 ≤ 3 只/间；室外蝇类孳生地阳性率 ≤ 5 %",
                            weight=1,
                            method=FIELD,
                            lead="县爱卫办",
                            point_types="NMSC YSTQ GGCS",
                            notes="[V* H03]",
                        ),
                        leaf(
                            "8.2.4",
                            "蟑螂密度控制水平达到 C 级",
                            weight=1,
                            method=FIELD,
                            lead="县爱卫办",
                            point_types="NMSC YY YSTQ",
                            notes="[V* H04]",
                        ),
                    ],
                ),
                leaf(
                    "8.3",
                    "重点行业和单位防鼠、防蝇、防蟑设施合格",
                    weight=1,
                    method=FIELD,
                    lead="县爱卫办",
                    cooperating=["县市场监督管理局"],
                    point_types="NMSC YSTQ",
                    notes="[M]",
                ),
            ],
        ),
    ],
}
