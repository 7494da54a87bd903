"""Name lists for the demo county 示范县 and its neighbours. All places and people are fictional.

The structure (units and posts) is fixed: the seed only changes who fills the posts, which
units the leaders are paired with and when they visit. That keeps the geography stable for
docs and tests while ``--seed`` still gives a different county's worth of people.
"""


def _words(text: str) -> list[str]:
    return text.split()


# --- people ---------------------------------------------------------------------------------

# Common surnames with rough relative frequencies (per mille of the population).
SURNAMES: list[tuple[str, int]] = [
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 22),
    ("吴", 20), ("周", 19), ("徐", 15), ("孙", 15), ("马", 12), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 11), ("林", 10), ("高", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 8), ("宋", 7),
    ("唐", 7), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6),
    ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5),
    ("余", 5), ("杜", 5), ("叶", 5), ("程", 5), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3),
    ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3),
    ("邱", 3), ("江", 3), ("尹", 3), ("薛", 2), ("闫", 2), ("段", 2), ("雷", 2), ("侯", 2),
    ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2),
    ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("武", 2), ("戴", 2), ("孔", 2),
]  # fmt: skip

# Given names: most have two characters; about one in four has one.
GIVEN_NAMES_TWO: list[str] = _words("""
建国 建华 建军 建平 建明 建新 国强 国华 国庆 志强 志刚 志勇 志明 志伟 海燕 海峰 海涛 海波
红梅 红霞 丽华 丽娟 丽萍 秀英 秀兰 秀珍 桂英 桂兰 玉兰 玉梅 春华 春燕 晓东 晓明 晓峰 晓燕
晓丽 晓红 晓霞 文斌 文杰 文静 文华 明辉 明亮 俊杰 俊峰 子涵 子轩 浩然 浩宇 宇航 雨欣 雨涵
欣怡 思远 思雨 佳怡 佳琪 嘉怡 一鸣 诗涵 梓涵 梦琪 婧怡 瑞雪 立新 立军 立华 卫东 卫国 爱华
爱民 振华 振宇 永红 永强 永刚 德明 学军 学文 新民 新华 宏伟 宏亮 家豪 家乐 天宇 天明
鹏飞 云飞 凤英 美玲 金凤 翠兰 淑珍 淑华 慧敏 婷婷 静怡 雅琴 亚军 亚楠 少华 少杰 光明 光辉
传军 成刚 东升 东海 朝阳 向东 庆华 小平 小燕 小红 敏华 兰芳 雪梅 冬梅 秋菊 艳红 艳萍 燕飞
媛媛 昊天 子豪 泽宇 博文 梓萱 可欣 若曦 宏斌 建勇 志华 玉洁 晓玲 丽君 秀云 春梅 明军 文涛
""")

GIVEN_NAMES_ONE: list[str] = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚斌鹏辉华飞鑫波宁琳婷雪慧峰宇浩凯健亮红玲瑶璐晨阳毅昊帆博欢莉倩"
)

# Real mobile prefixes of the three carriers; the eight digits after them are random, so the
# numbers are fictional (and match ``^1[3-9]\d{9}$``).
MOBILE_PREFIXES: list[str] = _words("""
130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159
166 173 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199
""")

# --- the city and the demo county -----------------------------------------------------------

CITY = "示范市"
CITY_OFFICE = "示范市四城同创办"
CITY_OFFICE_POSTS = ["主任", "综合科科长"]  # the second is the `city` login

COUNTY = "示范县"
LEADING_GROUP = "县创建工作领导小组"
CAMPAIGN_OFFICE = "县四城同创办"

# The leading group: (job title, place in the group). 组长 first, then 副组长.
# The first deputy (常务副县长) is the `leader` login; `key` names the deputies that lead a
# task force (see TASK_FORCES).
LEADERS: list[tuple[str, str, str]] = [
    ("县委书记", "head", ""),
    ("县委副书记、县长", "head", ""),
    ("县委常委、常务副县长", "deputy", ""),
    ("县委常委、宣传部部长", "deputy", "civilised"),
    ("县委常委、县委办公室主任", "deputy", ""),
    ("县委常委、政法委书记", "deputy", ""),
    ("副县长", "deputy", "garden"),
    ("副县长", "deputy", "sanitary"),
    ("副县长", "deputy", "forest"),
]

# The campaign office, all holding OFFICE: (job title, position in the unit, "+inspector" for
# those who also inspect). The builder adds the `inspector` login after them: a 督查员 seconded
# to the office, who holds INSPECTOR only.
OFFICE_POSTS: list[tuple[str, str]] = [
    ("主任", "principal"),  # the `office` login
    ("常务副主任", "deputy"),
    ("副主任", "member"),
    ("综合协调科科长", "staff"),
    ("督查考核科科长", "staff+inspector"),
    ("督查考核科科员", "member+inspector"),
    ("宣传联络科科长", "member"),
    ("综合协调科科员", "member+inspector"),
]
OFFICE_INSPECTOR_TITLE = "督查员"

# Task forces: (name, short name, key of the deputy in charge, departments the members come
# from). The first department leads: its principal heads the task force.
TASK_FORCES: list[tuple[str, str, str, list[str]]] = [
    ("文明城市创建专班", "文明专班", "civilised", ["县文明办", "县委宣传部", "县教育局", "县民政局"]),
    (
        "卫生城市创建专班",
        "卫生专班",
        "sanitary",
        ["县爱卫办", "县卫生健康局", "县市场监督管理局", "县城市管理局"],
    ),
    ("森林城市创建专班", "森林专班", "forest", ["县林业局", "县自然资源局", "县农业农村局"]),
    ("园林城市创建专班", "园林专班", "garden", ["县住房和城乡建设局", "县城市管理局", "县自然资源局"]),
]

# County departments: (name, short name, principal's title, deputy's title or None, staff
# titles). The first staff post is the unit's clerk (UNIT_ADMIN).
DEPARTMENTS: list[tuple[str, str, str, str | None, tuple[str, ...]]] = [
    ("县城市管理局", "城管局", "局长", "副局长", ("市容环卫股股长", "执法中队中队长")),
    ("县住房和城乡建设局", "住建局", "局长", "副局长", ("村镇建设股股长", "物业管理股科员")),
    ("县卫生健康局", "卫健局", "局长", "副局长", ("疾病预防控制股股长",)),
    ("县林业局", "林业局", "局长", "副局长", ("造林绿化股股长",)),
    ("县市场监督管理局", "市场监管局", "局长", "副局长", ("食品经营监管股股长",)),
    ("县交通运输局", "交通局", "局长", "副局长", ("运输管理股股长",)),
    ("县公安局交警大队", "交警大队", "大队长", "副大队长", ("秩序中队中队长",)),
    ("市生态环境局示范县分局", "生态环境分局", "局长", "副局长", ("环境监察股股长",)),
    ("县文化和旅游局", "文旅局", "局长", None, ("文化市场股股长",)),
    ("县教育局", "教育局", "局长", "副局长", ("德育股股长",)),
    ("县商务局", "商务局", "局长", None, ("市场运行股股长",)),
    ("县民政局", "民政局", "局长", None, ("社会事务股股长",)),
    ("县自然资源局", "自然资源局", "局长", "副局长", ("国土空间规划股股长",)),
    ("县水利局", "水利局", "局长", None, ("河湖管理股股长",)),
    ("县农业农村局", "农业农村局", "局长", None, ("乡村建设股股长",)),
    ("县财政局", "财政局", "局长", None, ("预算股股长",)),
    ("县发展和改革局", "发改局", "局长", None, ("综合股股长",)),
    ("县委宣传部", "宣传部", "常务副部长", "副部长", ("宣传教育股股长",)),
    ("县文明办", "文明办", "主任", "副主任", ("创建股股长", "创建股科员")),
    ("县爱卫办", "爱卫办", "主任", "副主任", ("科员",)),
    ("县人力资源和社会保障局", "人社局", "局长", None, ("办公室主任",)),
    ("县应急管理局", "应急局", "局长", None, ("安全生产综合股股长",)),
    ("县融媒体中心", "融媒体中心", "主任", "副主任", ("新闻部主任",)),
    ("县机关事务服务中心", "机关事务中心", "主任", None, ("综合股股长",)),
    ("县纪委监委", "纪委监委", "县纪委书记、县监委主任", None, ("党风政风监督室主任",)),
    ("县委组织部", "组织部", "常务副部长", None, ("干部监督股股长",)),
]

# Extra posts beyond the ones above, each holding a demo login: (unit, job title, login).
LOGIN_POSTS: list[tuple[str, str, str]] = [
    ("县文明办", "文明专班联络员", "taskforce"),  # holds TASK_FORCE only
]
# Staff posts of the overseeing departments whose holders hold OVERSIGHT (instead of
# UNIT_ADMIN): (unit, job title, demo login or "").
OVERSIGHT_POSTS: list[tuple[str, str, str]] = [
    ("县纪委监委", "党风政风监督室主任", "oversight"),
    ("县委组织部", "干部监督股股长", ""),
]

# Departments that look after points of their own (markets, stations, parks…): point leaders
# may come from their staff.
POINT_DEPARTMENTS = [
    "县城市管理局",
    "县市场监督管理局",
    "县交通运输局",
    "县住房和城乡建设局",
    "县文化和旅游局",
]
# Departments never paired with a leader: they oversee the others.
UNPAIRED_DEPARTMENTS = ["县纪委监委", "县委组织部"]

# Townships and streets with their communities (社区 in streets and town seats, 村 elsewhere).
TOWNSHIPS: list[tuple[str, str, list[str]]] = [
    ("城关街道", "street", ["北关社区", "南关社区", "文昌社区", "府前社区", "人民路社区", "解放路社区"]),
    ("东城街道", "street", ["东关社区", "朝阳社区", "东湖社区", "新华社区", "振兴社区"]),
    ("西城街道", "street", ["西关社区", "西苑社区", "育才社区", "和平社区"]),
    ("南湖街道", "street", ["南湖社区", "湖滨社区", "滨江社区", "望湖社区"]),
    ("北山镇", "township", ["北山社区", "上庄村", "王家庄村", "松林村"]),
    ("青石镇", "township", ["青石社区", "石桥村", "河湾村"]),
    ("桃源镇", "township", ["桃源社区", "桃花村", "杏林村", "柳塘村"]),
    ("龙泉乡", "township", ["龙泉村", "龙井村", "泉水村"]),
    ("白沙镇", "township", ["白沙社区", "沙河村", "沙坪村"]),
    ("新桥镇", "township", ["新桥社区", "新民村", "双桥村"]),
]
# Communities with a grid worker (网格员) besides their secretary; the first is the
# `pointleader` login.
GRID_WORKER_COMMUNITIES = ["北关社区", "南关社区", "文昌社区"]

# Posts in a township or street: principal, deputy (分管创建), clerk (UNIT_ADMIN).
STREET_POSTS = ("党工委书记", "办事处副主任", "创建办干事")
TOWN_POSTS = ("党委书记", "副镇长", "党政办干事")
XIANG_POSTS = ("党委书记", "副乡长", "党政办干事")
STREET_COMMUNITY_PRINCIPAL = "社区党委书记、居委会主任"
TOWN_COMMUNITY_PRINCIPAL = "社区党支部书记、居委会主任"
VILLAGE_PRINCIPAL = "村党支部书记、村委会主任"
GRID_WORKER = "网格员"

# --- the neighbouring county (proves that one county never sees another) ---------------------

OTHER_COUNTY = "东岭县"
OTHER_OFFICE = "东岭县四城同创办"
OTHER_OFFICE_POSTS = ["主任", "科员"]
OTHER_DEPARTMENTS: list[tuple[str, str]] = [
    ("东岭县城市管理局", "局长"),
    ("东岭县住房和城乡建设局", "局长"),
    ("东岭县卫生健康局", "局长"),
]
OTHER_TOWNSHIPS: list[tuple[str, str, list[str]]] = [
    ("东岭镇", "township", ["东岭社区", "石门村"]),
    ("岭南乡", "township", ["岭南村", "桂花村"]),
]

# --- visits (督战) -----------------------------------------------------------------------------

VISIT_PLACES = [
    "农贸市场周边", "背街小巷", "老旧小区", "主干道沿线", "公共厕所", "学校周边", "车站广场",
    "河道沿线", "建筑工地", "小区楼道", "夜市摊区", "新时代文明实践站", "城乡结合部", "集贸市场",
]  # fmt: skip
VISIT_PLACES_RURAL = ["集镇主街", "村庄道路两侧", "垃圾中转站", "村民广场"]

TERRITORIAL_OPENINGS = [
    "实地查看{place}环境卫生整治情况",
    "随机抽查{place}，检查创建工作推进情况",
    "带队暗访{place}",
    "深入{place}督战创建工作",
    "察看{place}市容秩序",
]
TERRITORIAL_PROBLEMS = [
    "仍有占道经营、乱堆乱放现象",
    "部分垃圾桶满溢，清运不及时",
    "个别墙面“牛皮癣”小广告未清理",
    "绿化带内有烟头、塑料袋等白色垃圾",
    "非机动车停放不规范",
    "公益广告有破损、褪色",
    "门前三包责任落实不到位",
    "楼道内堆放杂物，存在消防隐患",
    "公厕保洁不及时，异味较重",
    "群众对创建工作的知晓率有待提高",
    "个别路段井盖破损、路面坑洼",
]
TERRITORIAL_PRAISE = [
    "整体环境较上次督战明显改善",
    "便民摊点设置规范，秩序良好",
    "网格员巡查到位，问题发现及时",
    "上次交办的问题已全部整改销号",
]
TERRITORIAL_DEMANDS = [
    "要求三天内清理占道经营，建立常态化巡查机制",
    "要求一周内完成整改，整改情况报县四城同创办复核",
    "要求压实门前三包责任，明确专人每日巡查",
    "要求加大创建宣传力度，提高群众应知应会知晓率",
    "要求对照测评体系逐项自查，补齐短板弱项",
    "要求主要负责同志亲自抓，每周至少调度一次",
    "要求巩固整治成果，防止问题反弹",
    "要求对问题点位建立台账，逐一整改销号",
]

DEPARTMENT_OPENINGS = [
    "听取{unit}创建工作情况汇报",
    "到{unit}召开创建工作督战会",
    "调研{unit}牵头指标推进情况",
]
DEPARTMENT_PROBLEMS = [
    "部分测评指标佐证材料不够完整",
    "扩分点梳理还不够细",
    "与配合单位的协调联动有待加强",
    "行业领域点位整治进度滞后于倒排工期",
    "专职干部力量不足",
]
DEPARTMENT_PRAISE = [
    "牵头指标台账资料基本齐全",
    "上月督查交办问题已整改销号",
    "专职干部配备到位，工作推进有序",
]
DEPARTMENT_DEMANDS = [
    "要求对照牵头指标逐项建立台账，月底前完成材料归档",
    "要求加快行业领域点位整治进度，按倒排工期节点推进",
    "要求主动对接县四城同创办，及时报送工作进展",
    "要求对交办问题限期整改，逾期未改的按规定通报",
    "要求梳理扩分点，集中力量补短板",
    "要求选派业务骨干充实创建力量",
]
