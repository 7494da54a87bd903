"""Point types (点位类型) with their observation protocols and checklists (测评细则).

Written from published field criteria (tags: [V*] third-party copy or local interpretation):
主次干道/商业大街 S12 S08 S17, 背街小巷 S08, 农贸市场 S09, 建筑工地 S10, 文化场馆 S11 S33,
公园广场 S13, 居民小区 S14 S15, 医院/窗口单位 S19, 学校周边 S20, 公共厕所 H02, 蝇密度 H03.
Where the sources give no list, items follow the same pattern and are sample content.

Each checklist's deductions and item points add up to 100, so an inspection's score is
100 − points lost. Status-scale cut-offs follow the published 街道测评细则 examples [V* S16].
Check items name the indicators they serve as "system:code": civ 文明城市, san 卫生县,
for 森林城市, gar 园林县城.
"""

from chuangcheng.indicators.reference.helpers import GRADED, GRADED_WIDE, ONE_STRIKE, passfail, scale

POINT_TYPES = [
    {
        "code": "ZCGD",
        "name": "主次干道",
        "walk_metres": 500,
        "sample_count": None,
        "protocol": (
            "沿道路一侧步行 500 米，另一侧返回；记录沿线公益广告数量、环境卫生、市容秩序和设施完好情况；"
            "途经交通路口时停留观察 5 分钟文明交通情况。暗访进行，不告知、不亮明身份。"
        ),
        "items": [
            passfail(
                "200 米内至少 1 处公益广告；500 米内社会主义核心价值观、“讲文明树新风”、“文明健康 有你有我”"
                "公益广告各不少于 3 处，景观小品 1 处、关爱未成年人 1 处、诚信主题 2 处",
                "civ:1.2.1 civ:5.2.1",
                10,
            ),
            scale("公益广告内容准确、无错别字，画面完好，无破损、褪色、污损", "civ:1.2.1", 4, ONE_STRIKE),
            scale(
                "路面、人行道、绿化带及两侧可视范围内干净，无暴露垃圾、烟头纸屑，无卫生死角",
                "civ:6.1.1 san:3.4",
                10,
                GRADED_WIDE,
            ),
            scale("无乱张贴、乱涂写、乱刻画（“牛皮癣”小广告）", "civ:6.1.3", 6, GRADED),
            scale("建筑物立面干净，无大面积破损、污损；空中线缆规整，无“蜘蛛网”", "civ:6.1.1", 4, ONE_STRIKE),
            scale("户外广告、店招店牌设置规范、牢固，无破损、残缺", "civ:6.1.3 gar:5.3", 4, ONE_STRIKE),
            scale("无占道经营、店外经营、流动摊贩", "civ:6.2.1", 8, GRADED_WIDE),
            scale("机动车、非机动车停放有序，不占用盲道、人行道、绿化带", "civ:6.2.2", 6, GRADED),
            scale(
                "车辆、行人各行其道，无闯红灯、逆行、翻越护栏；机动车在人行横道前礼让行人",
                "civ:7.3.1",
                8,
                GRADED_WIDE,
            ),
            scale("电动自行车悬挂号牌，驾乘人员规范佩戴头盔", "civ:7.3.1", 4, ONE_STRIKE),
            scale("无乱扔杂物、随地吐痰、车窗抛物、损坏花草等不文明行为", "civ:5.3.1", 6, GRADED),
            scale("垃圾桶（果皮箱）分类标识清晰，完好无满溢，周边无散落垃圾", "civ:6.1.4", 4, ONE_STRIKE),
            scale(
                "窨井盖、护栏、路灯、交通标志标线等设施完好，无缺失破损", "civ:6.1.1 gar:5.3", 4, ONE_STRIKE
            ),
            scale("盲道连续、完好，未被占用", "civ:6.2.2", 4, ONE_STRIKE),
            scale(
                "行道树无缺株、死树，绿化带无黄土裸露、无毁绿占绿",
                "civ:8.2.4 gar:3.1 gar:3.4 for:1.9",
                4,
                ONE_STRIKE,
            ),
            passfail("沿街单位拆墙透绿，围墙通透、整洁", "gar:3.3", 4, photo=False),
            passfail("高峰时段交通路口有文明交通引导志愿者", "civ:7.3.1 civ:1.4.2", 4, photo=False),
            scale("沿线无违法建设、私搭乱建", "civ:6.1.1 gar:5.3", 6, GRADED),
        ],
    },
    {
        "code": "BJXX",
        "name": "背街小巷",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "从巷口进入走完整条巷道（较长的巷道走 300 米），查看路面、排水、照明、卫生和秩序；"
            "夜间暗访时核查路灯亮灯情况。"
        ),
        "items": [
            scale("路面硬化，无明显坑洼、破损", "civ:6.1.2", 6, GRADED),
            scale("排水设施完善，无露天排水沟渠，无积水", "civ:6.1.2 san:3.6", 6, GRADED),
            passfail("路灯装灯率 100 %，亮灯率不低于 95 %", "civ:6.1.2 gar:5.4", 8),
            scale("路面干净，无积存垃圾，无卫生死角", "civ:6.1.2 san:3.4", 10, GRADED_WIDE),
            scale("无乱堆乱放、乱搭乱建", "civ:6.1.2 san:3.6", 8, GRADED),
            scale("无乱张贴、乱涂写，“牛皮癣”及时清理", "civ:6.1.3", 6, GRADED),
            scale("空中线缆规整，无乱拉乱挂，无飞线充电", "civ:7.2.3", 6, GRADED),
            scale("垃圾收集容器分类设置，整洁无满溢", "civ:6.1.4", 6, GRADED),
            scale("非机动车有序停放，不堵塞通道", "civ:6.2.2", 4, ONE_STRIKE),
            scale("无占道经营、占道洗车和占道加工", "civ:6.2.1", 6, GRADED),
            scale("墙面、围墙整洁，无大面积污损、剥落", "civ:6.1.2", 4, ONE_STRIKE),
            passfail("至少 1 处社会主义核心价值观或“讲文明树新风”公益广告", "civ:1.2.1", 6),
            scale("无乱扔杂物、随地吐痰，无不文明养宠（遛狗不牵绳、粪便未清理）", "civ:5.3.1", 6, GRADED),
            scale("行道树、绿地完好，无毁绿种菜", "gar:3.4", 4, ONE_STRIKE),
            scale("无积水容器、废旧轮胎等蚊虫孳生地", "san:8.2.2", 4, ONE_STRIKE),
            passfail("门牌、路牌齐全，标识清晰", "civ:6.1.2", 4, photo=False),
            scale("无污水横流，无露天焚烧垃圾、树叶", "civ:6.1.2 san:3.6", 6, GRADED),
        ],
    },
    {
        "code": "NMSC",
        "name": "农贸市场",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "从主出入口进入，按生鲜区、蔬菜区、干货区、熟食区、公共卫生间的路线巡查全场；"
            "在公平秤处核验校验记录；抽查 5 户经营户的证照和从业人员健康证明。"
        ),
        "items": [
            passfail("显著位置社会主义核心价值观宣传不少于 2 处", "civ:1.2.1", 4),
            passfail(
                "公益广告不少于 5 处（“文明健康 有你有我”不少于 2 处、诚信主题不少于 2 处，间隔 10 米以上，"
                "LED 滚动字幕可计入）",
                "civ:1.2.1 civ:4.1.2",
                6,
            ),
            passfail("展示行业规范、经营守则，设立投诉点并公布投诉电话", "civ:4.2.1", 4),
            passfail("出入口设置公平秤，运行正常，有校验记录", "civ:4.2.1", 4),
            scale("经营户证照齐全、亮照经营，明码标价", "civ:4.2.1", 6, GRADED),
            scale("从业人员持有效健康证明", "civ:4.3.1 san:6.1", 6, GRADED),
            passfail("划行归市，生熟分开，活禽销售区域相对隔离", "san:3.5 san:6.2", 6),
            passfail(
                "食品安全：无销售过期、变质、来源不明食品，无“三无”产品",
                "civ:4.3.1 san:6.1",
                10,
                veto=True,
            ),
            scale("直接入口食品摊位防蝇防尘设施完好，摊位内无蝇", "san:8.2.3 san:6.2 san:8.3", 6, GRADED),
            scale(
                "场内地面干净，垃圾分类收集、清运及时，排水通畅无积水", "civ:6.1.4 san:3.5", 10, GRADED_WIDE
            ),
            scale("公共卫生间保洁及时、有水冲洗、无明显异味", "san:3.1", 6, GRADED),
            scale("无争吵谩骂、乱扔杂物、随地吐痰、插队等不文明行为", "civ:5.3.1", 6, GRADED),
            scale("无占道经营，无场外“马路市场”", "civ:6.2.1", 6, GRADED),
            scale("周边车辆有序停放，无停车乱收费", "civ:6.2.2", 4, ONE_STRIKE),
            scale("无小广告，无流浪乞讨人员滋扰", "civ:6.1.3", 4, ONE_STRIKE),
            passfail("消防设施完好有效，疏散通道畅通", "civ:7.2.1", 6),
            scale("无鼠迹，防鼠设施完好", "san:8.2.1 san:8.3", 6, GRADED),
        ],
    },
    {
        "code": "GGCS",
        "name": "公共厕所",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "进入男、女（或第三卫生间）厕间逐一查看，按“四净三无两通一明”核查；"
            "查看周边 3 米范围和最近的公厕指示牌；翻阅当日保洁记录。"
        ),
        "items": [
            passfail("公厕免费开放，开放时间公示，无擅自关闭", "civ:6.1.5 san:3.1", 8),
            scale("地面净：地面干净，无积水、无污物", "san:3.1", 8, GRADED),
            scale("墙壁净：墙面、隔板无乱涂写，无污渍", "san:3.1", 6, GRADED),
            scale("厕位净：便器无积粪、积尿，无污垢", "san:3.1", 8, GRADED),
            scale("周边净：公厕周边 3 米内无垃圾、无杂物", "san:3.1", 4, ONE_STRIKE),
            scale("无溢流、无蚊蝇、无明显臭味", "san:3.1 san:8.2.3", 8, GRADED),
            passfail("水通：冲水和洗手设施正常使用", "san:3.1", 8),
            passfail("电通、灯明：照明和通风设施完好", "san:3.1", 6),
            scale("门锁、挂钩、扶手、无障碍厕位等设施完好", "san:3.1 civ:6.1.5", 6, GRADED),
            passfail("配备洗手液（皂）和厕纸", "san:3.1", 4),
            passfail(
                "附近设置公厕指示牌（标志、方向、距离），厕所标识规范", "civ:6.1.5 san:3.1", 6, photo=False
            ),
            passfail("公示保洁责任人、保洁制度和监督电话", "civ:6.1.5", 4, photo=False),
            passfail("至少 1 处公益广告或文明如厕提示", "civ:1.2.1", 4),
            scale("无乱张贴小广告", "civ:6.1.3", 4, ONE_STRIKE),
            passfail("保洁记录按时填写，保洁频次符合要求", "san:3.1", 4, photo=False),
            scale("无鼠迹、蟑迹", "san:8.2.1 san:8.2.4", 4, ONE_STRIKE),
            passfail("主次干道、车站、医院、集贸市场周边等公厕达到二类以上标准", "san:3.1", 8),
        ],
    },
    {
        "code": "JMXQ",
        "name": "居民小区",
        "walk_metres": 200,
        "sample_count": 2,
        "protocol": (
            "从小区大门进入步行 200 米，每 20 米计为一处观察；随机抽查 2 个楼道（单元），"
            "查看楼道卫生、堆物、照明和消防设施。"
        ),
        "items": [
            passfail(
                "显著位置至少 1 处社会主义核心价值观公益广告（固定形式，横幅、易拉宝、小插件不计）",
                "civ:1.2.1",
                6,
            ),
            passfail("至少 1 处关心关爱未成年人公益广告（固定形式）", "civ:1.3.3", 4),
            scale("公益广告与小区环境协调，无错误、无褪色破损", "civ:1.2.1", 4, ONE_STRIKE),
            scale("路面无明显坑洼、无积水", "civ:6.3.1", 4, ONE_STRIKE),
            scale("道路、绿地干净，无暴露垃圾、无卫生死角", "civ:6.3.1 san:3.6", 8, GRADED),
            scale("垃圾分类投放点设置规范，分类标志清晰，桶满及时清运", "civ:6.1.4", 6, GRADED),
            scale("公共绿化带未被损坏、占用，无毁绿种菜", "civ:6.3.1 gar:2.6", 4, ONE_STRIKE),
            scale("无乱扔杂物、随地吐痰、损坏花草、争吵谩骂", "civ:5.3.1", 6, GRADED),
            scale("抽查楼道干净整洁，无堆物、无堵塞", "civ:6.3.1 civ:7.2.3", 8, GRADED),
            scale("楼道墙面、门窗玻璃无污损，无小广告", "civ:6.3.1 civ:6.1.3", 6, GRADED),
            scale("楼道照明灯完好", "civ:6.3.1", 4, ONE_STRIKE),
            passfail("无飞线充电，电动自行车集中停放、集中充电", "civ:7.2.3", 8),
            passfail("消防通道畅通，消防设施完好有效", "civ:7.2.3", 8),
            scale("机动车、非机动车有序停放，不占用绿地和消防通道", "civ:6.2.2", 6, GRADED),
            passfail("物业服务或管理责任公示，设有志愿服务站点", "civ:6.3.1 civ:1.4.2", 4, photo=False),
            scale("无违法搭建", "civ:6.3.1", 6, GRADED),
            scale("无积水容器等蚊虫孳生地，无鼠迹", "san:8.2.2 san:8.2.1", 4, ONE_STRIKE),
            scale("文明养宠：遛狗牵绳，及时清理粪便", "civ:5.3.1", 4, ONE_STRIKE),
        ],
    },
    {
        "code": "GYGC",
        "name": "公园广场",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "沿主园路环行一周，停留观察广场中心区域 10 分钟；查看园内公厕、垃圾站、健身设施和应急避难标识。"
        ),
        "items": [
            passfail("显著位置有公益广告景观小品", "civ:1.2.1 civ:5.2.1", 8),
            scale("无争吵谩骂、躺卧公共座椅", "civ:5.3.1", 4, ONE_STRIKE),
            scale("无乱扔杂物、随地吐痰、损坏公共设施", "civ:5.3.1", 6, GRADED),
            passfail("消防通道、应急通道未被占用堵塞", "civ:7.2.2", 8),
            scale("文明养宠：牵绳，无宠物粪便", "civ:5.3.1", 4, ONE_STRIKE),
            scale("垃圾清运及时，分类收集", "civ:6.1.4", 8, GRADED),
            scale("无乱张贴、乱涂写", "civ:6.1.3", 4, ONE_STRIKE),
            scale("周边建筑外立面干净", "civ:6.1.3", 4, ONE_STRIKE),
            scale("园内公厕、垃圾站干净，无异味", "san:3.1 san:5.4", 6, GRADED),
            scale("空中线缆整齐，无飞线充电", "civ:7.2.3", 4, ONE_STRIKE),
            scale("广告招牌规范、牢固", "civ:6.1.3", 4, ONE_STRIKE),
            scale("机动车、非机动车规范停放（施划车位内停放不计）", "civ:6.2.2", 6, GRADED),
            scale("无占道经营（施划的出店经营区域内不计）", "civ:6.2.1", 6, GRADED),
            scale("无流浪乞讨人员滋扰", "civ:5.3.1", 4, ONE_STRIKE),
            scale(
                "绿地养护良好，无黄土裸露、无毁绿占绿，植物无明显病虫害",
                "civ:8.2.4 gar:4.1 for:3.3",
                6,
                GRADED,
            ),
            passfail("广场绿地率达标，有乔木遮荫", "gar:2.7", 4, photo=False),
            scale("健身、游乐、照明设施完好安全", "gar:4.1 for:3.3", 6, GRADED),
            passfail("应急避难场所标识清晰（已设立的）", "civ:7.2.2", 4),
            scale("无积水容器等蚊虫孳生地", "san:8.2.2", 4, ONE_STRIKE),
        ],
    },
    {
        "code": "XXZB",
        "name": "学校周边",
        "walk_metres": 200,
        "sample_count": None,
        "protocol": (
            "在上学或放学时段到达，以校门为中心查看周边 200 米范围内的经营场所、摊贩、交通秩序和宣传；"
            "进入周边文具店、小卖部查看所售商品。"
        ),
        "items": [
            passfail(
                "学校、幼儿园周边 200 米内无营业性娱乐场所、酒吧、互联网上网服务营业场所",
                "civ:1.3.2",
                10,
                veto=True,
            ),
            scale("校门口 200 米内无占道经营、流动摊贩", "civ:6.2.1 civ:1.3.2", 8, GRADED),
            passfail("周边商店无销售“三无”食品，无向未成年人出售烟酒", "civ:1.3.2 civ:4.3.1", 10),
            passfail("设置护学岗，上下学时段有交警、保安或志愿者维持秩序", "civ:7.3.2", 8),
            scale("上下学时段交通秩序良好，接送车辆不乱停乱放", "civ:7.3.2", 8, GRADED),
            scale("交通标志、标线、减速设施、人行横道等完好", "civ:7.3.2", 6, GRADED),
            scale("周边环境整洁，无暴露垃圾、无乱张贴", "civ:6.1.1 civ:6.1.3", 6, GRADED),
            passfail("校园周边有关心关爱未成年人公益广告", "civ:1.3.3", 6),
            passfail("周边文具店、小卖部无售卖低俗、恐怖、暴力读物和玩具", "civ:1.3.2", 10),
            scale("学校围墙外侧墙面整洁，公益宣传完好", "civ:1.2.1", 4, ONE_STRIKE),
            scale("机动车礼让行人，学生过街安全", "civ:7.3.1", 8, GRADED),
            scale("电动自行车驾乘人员佩戴头盔", "civ:7.3.1", 4, ONE_STRIKE),
            scale("无乱扔杂物、随地吐痰", "civ:5.3.1", 6, GRADED),
            scale("周边垃圾桶整洁无满溢", "civ:6.1.4", 6, GRADED),
        ],
    },
    {
        "code": "YY",
        "name": "医院",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "以就诊者身份进入门诊大厅，在挂号、收费、发药窗口各排队计时一次；"
            "查看导医、公示、志愿服务、卫生间和医疗废物暂存点。"
        ),
        "items": [
            scale("院区环境整洁，无暴露垃圾、无卫生死角", "civ:6.3.2 san:5.3", 6, GRADED),
            passfail("导医标识清晰，科室分布图和就诊流程公示", "civ:6.3.2", 6, photo=False),
            passfail("主要收费项目、药品价格公开", "civ:6.3.2", 6),
            scale("挂号、收费、发药窗口排队等候不超过 15 分钟", "civ:6.3.2", 8, GRADED),
            scale("医务人员按规定着装、佩戴工号牌", "civ:6.3.2", 6, GRADED),
            scale("服务用语文明，无推诿、生冷硬顶", "civ:6.3.2", 6, GRADED, photo=False),
            passfail("公示投诉电话，投诉处理机制健全", "civ:6.3.2", 6),
            passfail("设有志愿服务站（岗），有志愿者提供导诊服务", "civ:1.4.2", 6),
            passfail("社会主义核心价值观和健康教育宣传不少于 3 处", "civ:1.2.1 san:2.1", 6),
            scale("室内禁烟，禁烟标识明显，无吸烟现象", "san:2.3", 6, GRADED),
            scale("“一米线”设置，排队秩序良好", "civ:5.3.2", 4, ONE_STRIKE),
            passfail(
                "医疗废物分类收集、暂存规范，标识清晰，无混入生活垃圾", "san:5.3 san:4.4", 10, veto=True
            ),
            scale("院内卫生间清洁无异味，设施完好", "san:3.1", 6, GRADED),
            passfail("停车有序，急救通道畅通", "civ:6.2.2", 6),
            scale("无障碍设施完好，提供轮椅等便民服务", "civ:6.3.2", 4, ONE_STRIKE),
            scale("防鼠、防蟑设施完好，无蟑迹", "san:8.2.4", 4, ONE_STRIKE),
            scale("无号贩子、医托滋扰", "civ:6.3.2", 4, ONE_STRIKE),
        ],
    },
    {
        "code": "CZ",
        "name": "车站",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "在站前广场观察 10 分钟营运秩序，进入售票厅、候车厅，购票或问询一次；"
            "查看站内公厕和安检、消防设施。"
        ),
        "items": [
            scale("站内外环境整洁，无暴露垃圾、无卫生死角", "san:5.4", 8, GRADED),
            scale("售票、候车区域“一米线”设置，排队有序", "civ:5.3.2", 6, GRADED),
            scale("工作人员着装整洁、佩戴工号，文明用语", "civ:6.3.3", 6, GRADED),
            passfail("班次、票价、服务承诺和投诉电话公示", "civ:6.3.3", 6),
            passfail("社会主义核心价值观和公益广告不少于 3 处（含电子屏）", "civ:1.2.1", 6),
            passfail("设有学雷锋志愿服务站，有人值守", "civ:1.4.2", 6),
            scale("候车室禁烟，无吸烟现象", "san:2.3", 6, GRADED),
            scale("站内公厕达到二类以上标准，干净无异味", "san:3.1", 8, GRADED),
            scale("站前广场无非法营运、拉客揽客，出租车不乱停", "civ:6.3.3 civ:6.2.2", 8, GRADED),
            scale("无占道经营、流动摊贩", "civ:6.2.1", 6, GRADED),
            scale("无障碍设施、母婴室完好", "civ:6.3.3", 6, GRADED),
            passfail("安检、消防设施完好，疏散通道畅通", "civ:7.2.1", 10, veto=True),
            scale("无乱扔杂物、随地吐痰", "civ:5.3.1", 6, GRADED),
            passfail("问询服务和导向标识清晰", "civ:6.3.3", 6, photo=False),
            passfail("公共场所卫生许可证公示，从业人员持健康证明", "san:5.1", 6),
        ],
    },
    {
        "code": "ZWFW",
        "name": "政务服务中心",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "以办事群众身份进入大厅，咨询一项常办事项，观察窗口服务 15 分钟；查看公示、评价器和便民设施。"
        ),
        "items": [
            scale("窗口工作人员挂牌上岗，着装规范", "civ:2.1.1", 6, GRADED),
            passfail("首问负责、一次性告知、限时办结制度公示并落实", "civ:2.1.1", 10),
            passfail("办事指南、收费标准、办理时限公开", "civ:2.1.1", 8, photo=False),
            scale("服务态度文明热情，无推诿扯皮、生冷硬顶", "civ:2.1.1", 8, GRADED, photo=False),
            scale("工作时间无擅自离岗、玩手机、闲聊", "civ:2.1.1", 8, GRADED),
            passfail("设置“好差评”评价器或意见箱，公示投诉电话", "civ:2.1.1 civ:2.1.3", 6),
            passfail("设有导办、帮办志愿服务岗", "civ:1.4.2", 6),
            scale("“一米线”设置，排队有序，叫号系统正常", "civ:5.3.2", 6, GRADED),
            passfail("社会主义核心价值观和公益广告不少于 3 处", "civ:1.2.1", 6),
            scale("大厅环境整洁，禁烟标识明显，无吸烟现象", "san:2.3", 6, GRADED),
            scale("无障碍通道、爱心座椅和老花镜、饮水等便民设施齐全", "civ:2.1.1", 6, GRADED),
            passfail("公共法律服务窗口或法律咨询点正常运行", "civ:3.2.1", 6),
            scale("卫生间整洁无异味", "san:3.1", 6, GRADED),
            passfail("保留人工窗口，为老年人提供帮办代办", "civ:2.1.1", 6),
            passfail("公示 12345 热线和政务服务网办理渠道", "civ:2.1.2", 6, photo=False),
        ],
    },
    {
        "code": "YHWD",
        "name": "银行网点",
        "walk_metres": None,
        "sample_count": None,
        "protocol": "进入营业厅取号办理或咨询一项业务，观察 15 分钟；查看公示、便民设施和门前环境。",
        "items": [
            passfail("营业时间、服务项目、收费标准公示", "civ:4.2.2", 8, photo=False),
            scale("工作人员着装规范、佩戴工号，文明用语", "civ:4.2.2", 8, GRADED),
            scale("“一米线”设置，排队秩序良好", "civ:5.3.2", 8, GRADED),
            passfail("设置爱心窗口或老年人绿色通道，保留现金服务", "civ:4.2.2", 10),
            scale("无障碍通道、爱心座椅、老花镜、饮水等便民设施齐全", "civ:4.2.2", 8, GRADED),
            passfail("诚信宣传和防范电信网络诈骗宣传", "civ:4.1.2", 8),
            passfail("社会主义核心价值观宣传（电子屏滚动可计入）", "civ:1.2.1", 8),
            scale("营业厅环境整洁，室内禁烟", "san:2.3", 8, GRADED),
            passfail("公示投诉电话和意见簿，投诉处理及时", "civ:4.2.2", 8),
            scale("网点门前机动车、非机动车有序停放", "civ:6.2.2", 8, GRADED),
            scale("自助设备正常运行，故障有提示", "civ:4.2.2", 6, GRADED),
            scale("门前责任区整洁，无乱张贴", "civ:6.2.3", 6, GRADED),
            passfail("消防器材配备，安全出口畅通", "civ:7.2.1", 6),
        ],
    },
    {
        "code": "SYDJ",
        "name": "商业大街",
        "walk_metres": 100,
        "sample_count": None,
        "protocol": (
            "步行 100 米（2015 年测评要点），记录可见的公益广告和诚信宣传数量，"
            "查看店招、门前三包、占道和停车秩序。"
        ),
        "items": [
            passfail("步行 100 米可见社会主义核心价值观或公益广告不少于 5 处", "civ:1.2.1 civ:5.2.1", 10),
            passfail("诚信经营宣传不少于 2 处，商户明码标价", "civ:4.1.2 civ:4.2.2", 8),
            scale("路面干净，无暴露垃圾、无卫生死角", "civ:6.1.1 san:3.4", 8, GRADED),
            scale("无占道经营、店外经营、流动摊贩", "civ:6.2.1", 8, GRADED),
            scale("店招店牌规范统一、牢固，无破损；无违规户外广告", "civ:6.1.3 gar:5.3", 6, GRADED),
            scale("无乱张贴、乱涂写", "civ:6.1.3", 6, GRADED),
            scale("盲道等无障碍设施完好，未被侵占", "civ:6.2.2", 6, GRADED),
            scale("非机动车有序停放，机动车不乱停", "civ:6.2.2", 6, GRADED),
            scale("无乱扔杂物、随地吐痰、损坏花草", "civ:5.3.1", 6, GRADED),
            scale("门前三包责任落实，门前无堆物、无污水", "civ:6.2.3", 6, GRADED),
            scale("垃圾桶分类设置，无满溢", "civ:6.1.4", 6, GRADED),
            scale("无高音喇叭叫卖等噪音扰民", "san:4.4", 6, GRADED),
            scale("建筑立面整洁，空调外机、线缆规整", "civ:6.1.1 gar:5.3", 6, GRADED),
            scale("拆墙透绿，绿化带整洁", "gar:3.3", 6, GRADED),
            passfail("公共厕所指示牌清晰", "civ:6.1.5", 6, photo=False),
        ],
    },
    {
        "code": "JZGD",
        "name": "建筑工地",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "沿工地围挡外侧走一圈，逐面查看公益广告，估算公益广告占围挡面积比例；"
            "在出入口观察车辆冲洗和渣土运输 10 分钟。"
        ),
        "items": [
            passfail(
                "围挡公益广告面积不少于围挡墙体面积的 30 %（每 3 处广告至少 1 处公益广告）",
                "civ:5.2.1 civ:1.2.1",
                10,
            ),
            passfail("每一单面围挡均可见公益宣传，含“文明健康 有你有我”内容", "civ:5.2.1", 6),
            scale("公益广告内容无误，无破损、脏污，统一规划设计", "civ:5.2.1", 6, GRADED),
            scale("围挡连续、稳固、整洁", "civ:6.2.4", 6, GRADED),
            passfail("出入口车辆冲洗设施正常使用，无带泥上路", "civ:6.2.4 san:3.7", 8),
            scale("裸土、物料覆盖，无扬尘", "civ:6.2.4 san:3.7", 8, GRADED),
            scale("运输车辆密闭，无渣土遗撒", "civ:6.2.4", 6, GRADED),
            passfail(
                "无重大安全隐患（临边防护、脚手架、起重机械、临时用电符合规范）",
                "civ:7.2.1",
                10,
                veto=True,
            ),
            passfail("大门公示工程概况牌、管理人员名单和投诉电话", "civ:6.2.4", 4, photo=False),
            scale("无夜间违规施工扰民", "san:4.4", 4, ONE_STRIKE),
            scale("生活区卫生整洁，食堂持证，厕所整洁", "san:3.7", 6, GRADED),
            scale("积水及时清理，无蚊蝇孳生", "san:8.2.2", 4, ONE_STRIKE),
            passfail("消防器材配备到位", "civ:7.2.1", 6),
            scale("工地周边道路整洁，无占道堆放建材", "civ:6.1.1", 6, GRADED),
            passfail("有自创公益广告作品", "civ:5.2.1", 4, photo=False),
            passfail("农民工工资支付公示牌和维权电话公示", "civ:3.3.1", 6),
        ],
    },
    {
        "code": "YSTQ",
        "name": "夜市摊区",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "在营业高峰时段（19:00—22:00）巡查全部摊位，抽查 5 个食品摊位；收市后 1 小时回看场地清扫情况。"
        ),
        "items": [
            scale("摊位在划线区域内经营，不超范围", "civ:6.2.1", 8, GRADED),
            scale("按规定时段经营，收摊后场地清扫干净", "civ:6.1.1", 6, GRADED),
            scale("摊主健康证明和登记信息公示", "civ:4.3.1 san:6.1", 6, GRADED),
            scale("生熟分开，防蝇防尘设施完好", "san:6.2 san:8.2.3", 6, GRADED),
            passfail("无销售过期、变质食品", "civ:4.3.1 san:6.1", 10, veto=True),
            scale("使用油烟净化设施，无露天烧烤", "san:4.4", 6, GRADED),
            scale("垃圾袋装、分类，设置临时垃圾桶，及时清运", "civ:6.1.4", 6, GRADED),
            scale("地面无油污，无污水乱泼", "civ:6.1.1", 6, GRADED),
            passfail("消防器材配备，燃气罐规范使用", "civ:7.2.1", 10),
            scale("明码标价，无欺客宰客", "civ:4.2.2", 6, GRADED),
            passfail("公益广告和文明经营宣传不少于 2 处", "civ:1.2.1", 6),
            scale("无噪音扰民", "san:4.4", 6, GRADED),
            scale("周边车辆有序停放", "civ:6.2.2", 6, GRADED),
            scale("无乱扔杂物、随地吐痰", "civ:5.3.1", 6, GRADED),
            scale("无鼠迹、蟑迹", "san:8.2.1 san:8.2.4 san:8.3", 6, GRADED),
        ],
    },
    {
        "code": "MQZR",
        "name": "门前责任区",
        "walk_metres": None,
        "sample_count": None,
        "protocol": "沿街步行 100 米，逐户查看门前三包（市容、环境卫生、秩序）落实情况。",
        "items": [
            passfail("门前三包责任牌上墙，责任人、责任范围明确", "civ:6.2.3", 10, photo=False),
            scale("门前卫生整洁，无垃圾、烟头、纸屑", "civ:6.2.3 san:3.4", 10, GRADED_WIDE),
            scale("无店外经营、占道经营", "civ:6.2.1", 10, GRADED_WIDE),
            scale("无乱堆乱放杂物", "civ:6.2.3", 8, GRADED),
            scale("门前车辆有序停放", "civ:6.2.2", 8, GRADED),
            scale("店招规范，无违规立式招牌、灯箱", "civ:6.1.3", 8, GRADED),
            scale("门窗玻璃无乱张贴", "civ:6.1.3", 6, GRADED),
            scale("门前绿化完好，无毁绿", "civ:8.2.4", 6, GRADED),
            scale("无占道洗车、修车、加工", "civ:6.2.1", 8, GRADED),
            scale("餐饮店门前无油污、污水，油烟不直排", "san:4.4", 8, GRADED),
            scale("垃圾定点投放，门前设置分类收集容器", "civ:6.1.4", 8, GRADED),
            passfail("诚信经营、文明经营宣传", "civ:4.1.2", 6),
            scale("无跨门营业、高音喇叭招揽", "civ:6.2.1", 4, ONE_STRIKE),
        ],
    },
    {
        "code": "GJZD",
        "name": "公交站点",
        "walk_metres": None,
        "sample_count": 3,
        "protocol": (
            "随机乘坐 3 条公交线路，每条乘坐 5 站以上；记录途经站点、车身和车内的公益宣传，"
            "观察驾驶员服务和乘客乘车秩序。"
        ),
        "items": [
            passfail("5 个站点及车辆（车身、车内）至少可见 3 处公益宣传", "civ:5.2.1 civ:1.2.1", 10),
            scale("站台（站亭）干净整洁，无垃圾、无乱张贴", "civ:6.3.3 civ:6.1.3", 8, GRADED),
            passfail("站牌信息准确清晰，公示线路和首末班时间", "civ:6.3.3", 8),
            scale("候车座椅、顶棚、照明等站台设施完好", "civ:6.3.3", 8, GRADED),
            scale("乘客排队候车，先下后上，文明乘车", "civ:5.3.2", 8, GRADED),
            scale("驾驶员进站停靠规范、文明用语，不拒载", "civ:6.3.3", 8, GRADED),
            scale("车厢整洁，无乱扔杂物", "civ:6.3.3 san:5.4", 8, GRADED),
            scale("车内禁烟，无吸烟现象", "san:2.3", 6, GRADED),
            scale("设置老幼病残孕专座，乘客主动让座", "civ:5.3.2", 8, GRADED),
            scale("公交车礼让斑马线行人", "civ:7.3.1", 8, GRADED),
            scale("站台周边无占道经营，无非机动车乱停", "civ:6.2.2", 8, GRADED),
            scale("车辆报站清晰，电子显示正常", "civ:6.3.3", 6, GRADED, photo=False),
            passfail("车厢内公示投诉电话和服务监督牌", "civ:6.3.3", 6),
        ],
    },
    {
        "code": "TCC",
        "name": "停车场",
        "walk_metres": None,
        "sample_count": None,
        "protocol": "绕停车场一周，查看泊位、收费公示、通道和绿化；新建地面停车场估算乔木树冠覆盖比例。",
        "items": [
            scale("停车泊位施划清晰，车辆按位停放", "civ:6.2.2", 10, GRADED_WIDE),
            passfail("收费标准公示，无乱收费", "civ:6.2.2 civ:4.2.2", 10),
            passfail("出入口、通道和消防通道畅通", "civ:7.2.1", 10),
            scale("场内环境整洁，无垃圾、无积水", "civ:6.1.1", 8, GRADED),
            passfail("新建地面停车场乔木树冠覆盖率不低于 30 %", "for:1.4", 10),
            passfail("设置无障碍停车位和新能源汽车充电设施", "civ:6.2.2", 8),
            scale("管理人员着装规范、文明服务", "civ:6.2.2", 8, GRADED),
            scale("设置非机动车停放区，停放有序", "civ:6.2.2", 8, GRADED),
            scale("照明、监控、标志标线完好", "civ:7.2.1", 8, GRADED),
            passfail("至少 1 处公益广告", "civ:1.2.1", 6),
            scale("绿化隔离带完好，无毁绿停车", "civ:8.2.4", 8, GRADED),
            scale("无长期占用泊位的“僵尸车”", "civ:6.2.2", 6, GRADED),
        ],
    },
    {
        "code": "CXJH",
        "name": "城中村/城乡结合部",
        "walk_metres": None,
        "sample_count": None,
        "protocol": "沿村内主要道路步行 500 米，向两侧支巷各深入 50 米；查看垃圾收集点、公厕和河塘沟渠。",
        "items": [
            scale("主要道路硬化，路面平整", "civ:6.1.2 civ:9.1.1", 6, GRADED),
            scale("无垃圾乱倒、积存垃圾，垃圾收集点设置规范", "civ:9.1.1 san:3.6", 10, GRADED_WIDE),
            scale("无污水横流、无露天粪坑", "civ:9.1.1 san:3.6", 8, GRADED),
            scale("无乱搭乱建、违法建设", "civ:9.1.1", 8, GRADED),
            scale("无乱堆乱放（柴草、建材、杂物）", "civ:6.1.2", 6, GRADED),
            scale("无乱拉乱挂、飞线充电", "civ:7.2.3", 6, GRADED),
            passfail("无露天焚烧垃圾、秸秆", "san:3.6", 6),
            scale("畜禽规范圈养，无散养", "civ:9.1.1 san:3.6", 6, GRADED),
            scale("公厕整洁，有专人保洁", "san:3.1 civ:9.1.2", 6, GRADED),
            passfail("村规民约、移风易俗等公益宣传不少于 2 处", "civ:9.2.1 civ:1.2.1", 6),
            scale("路灯设置，照明良好", "civ:6.1.2", 6, GRADED),
            scale("房前屋后绿化美化，无黄土裸露", "for:1.10", 6, GRADED),
            scale("无鼠迹，无积水容器孳生蚊虫", "san:8.2.1 san:8.2.2", 6, GRADED),
            scale("河塘沟渠无漂浮垃圾", "civ:9.1.1", 6, GRADED),
            passfail("消防通道畅通", "civ:7.2.3", 8),
        ],
    },
    {
        "code": "WHCG",
        "name": "文化场馆",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "在公示开放时间内进入，参观全部开放区域；查看宣传、道德模范展览、志愿服务站和禁烟、消防情况。"
        ),
        "items": [
            passfail("3 种以上媒介形式宣传社会主义核心价值观", "civ:1.2.1", 8),
            passfail(
                "公益广告不少于 5 处（关心关爱未成年人至少 1 处），间隔 10 米以上", "civ:1.2.1 civ:1.3.3", 8
            ),
            passfail("道德模范事迹专题展览（不少于 5 块展板、5 个类别）", "civ:1.2.3 civ:5.1.2", 8),
            passfail("设立学雷锋志愿服务站点，有人员、有服务内容", "civ:1.4.2 civ:5.1.2", 8),
            passfail("公示服务项目、开放时间和免费开放情况", "civ:5.1.1", 8, photo=False),
            passfail("按公示时间开放，免费项目不收费", "civ:5.1.1", 10),
            scale("“一米线”提示，排队有序", "civ:5.1.2 civ:5.3.2", 4, ONE_STRIKE),
            scale("禁烟标识明显，非吸烟区无吸烟", "civ:5.1.2 san:2.3", 6, GRADED),
            scale("馆内环境整洁，设施完好", "civ:5.1.1 san:5.1", 6, GRADED),
            scale("工作人员文明服务", "civ:5.1.1", 6, GRADED, photo=False),
            passfail("消防设施完好，疏散通道畅通，安全出口标识清晰", "civ:7.2.1", 10, veto=True),
            scale("无障碍设施、母婴室完好", "civ:5.1.1", 6, GRADED),
            scale("卫生间整洁无异味", "san:3.1", 4, ONE_STRIKE),
            passfail("有生态科普或自然教育展示", "for:4.4", 4),
            scale("对大声喧哗、乱扔杂物等不文明行为及时劝导", "civ:5.3.1", 4, ONE_STRIKE),
        ],
    },
    {
        "code": "WMSJ",
        "name": "新时代文明实践站",
        "walk_metres": None,
        "sample_count": None,
        "protocol": (
            "在公示开放时间内到站，查看场所、制度、台账和近 3 个月活动记录；"
            "现场随机询问 2 名群众对实践站活动的知晓情况。"
        ),
        "items": [
            passfail("有统一标识标牌，场所固定，功能室设置合理", "civ:1.4.1", 8),
            passfail("有专兼职工作人员，管理制度上墙", "civ:1.4.1", 8),
            passfail("活动计划、活动记录和台账资料齐全", "civ:1.4.1 civ:9.2.2", 8, photo=False),
            passfail(
                "每月至少开展 1 次志愿服务或理论宣讲活动", "civ:1.4.2 civ:9.2.2 civ:1.1.1", 10, photo=False
            ),
            passfail("志愿服务队伍健全，志愿者实名注册", "civ:1.4.2", 8, photo=False),
            passfail("按公示时间开放，现场有人值守", "civ:1.4.1", 10),
            passfail("社会主义核心价值观、移风易俗宣传", "civ:1.2.1 civ:9.2.1", 8),
            passfail("道德模范、身边好人宣传栏", "civ:1.2.3", 6),
            scale("场所环境整洁，设施设备完好", "civ:1.4.1", 8, GRADED),
            scale("受访群众知晓实践站及其活动", "civ:9.2.2", 6, GRADED, photo=False),
            scale("禁烟标识明显，无吸烟现象", "san:2.3", 4, ONE_STRIKE),
            passfail("开展关爱未成年人活动（如“四点半课堂”）", "civ:1.3.3", 8, photo=False),
            passfail("设置健康教育宣传栏", "san:2.1", 8),
        ],
    },
]
