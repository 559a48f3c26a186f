"""Name heads: the endings that mark a named zone, park, port, corridor or organisation.

Longest heads first; each maps to the ontology class (local name) and the IRI kind of the
entity it names. The table is the whole of what the head-pattern recogniser knows, so a
new kind of platform is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Head:
    suffix: str
    cls: str
    kind: str


HEADS: tuple[Head, ...] = tuple(sorted((
    Head("重点开发开放试验区", "BorderPilotZone", "zone"),
    Head("开发开放试验区", "BorderPilotZone", "zone"),
    Head("自由贸易试验区", "PilotFreeTradeZone", "zone"),
    Head("自贸试验区", "PilotFreeTradeZone", "zone"),
    Head("综合保税区", "ComprehensiveBondedZone", "zone"),
    Head("保税港区", "BondedPortArea", "zone"),
    Head("保税物流中心", "BondedZone", "zone"),
    Head("保税区", "BondedZone", "zone"),
    Head("跨境经济合作区", "CrossBorderEconomicCooperationZone", "zone"),
    Head("边境经济合作区", "BorderEconomicCooperationZone", "zone"),
    Head("边民互市贸易区", "BorderTradeZone", "zone"),
    Head("互市贸易区", "BorderTradeZone", "zone"),
    Head("经济技术开发区", "DevelopmentZone", "zone"),
    Head("高新技术产业开发区", "DevelopmentZone", "zone"),
    Head("高新区", "DevelopmentZone", "zone"),
    Head("开发区", "DevelopmentZone", "zone"),
    Head("新区", "NewArea", "zone"),
    Head("产业园区", "IndustrialPark", "zone"),
    Head("工业园区", "IndustrialPark", "zone"),
    Head("产业园", "IndustrialPark", "zone"),
    Head("工业园", "IndustrialPark", "zone"),
    Head("产业基地", "IndustrialPark", "zone"),
    Head("城市群", "CityCluster", "zone"),
    Head("经济区", "EconomicZone", "zone"),
    Head("经济带", "EconomicZone", "zone"),
    Head("片区", "FreeTradeZoneArea", "zone"),
    Head("口岸", "Port", "port"),
    Head("港区", "Seaport", "port"),
    Head("通道", "Corridor", "corridor"),
    Head("走廊", "Corridor", "corridor"),
    Head("班列", "Route", "route"),
    Head("航线", "Route", "route"),
    Head("铁路", "Route", "route"),
    Head("高速公路", "Route", "route"),
    Head("高铁", "Route", "route"),
    Head("公路", "Route", "route"),
    Head("班轮", "Route", "route"),
    Head("管理委员会", "GovernmentBody", "organisation"),
    Head("管委会", "GovernmentBody", "organisation"),
    Head("人民政府", "GovernmentBody", "organisation"),
    Head("有限公司", "Company", "organisation"),
    Head("集团", "Company", "organisation"),
), key=lambda h: -len(h.suffix)))

# Words that end the run of characters a name can start after (verbs, function words).
BOUNDARY_WORDS: tuple[str, ...] = tuple(sorted((
    "的", "和", "与", "及", "以", "为", "对", "在", "将", "把", "由", "从", "向", "至", "到", "等", "是", "了",
    "建设", "推进", "加快", "打造", "支持", "设立", "推动", "依托", "发挥", "完善", "建成", "获批", "批复",
    "积极", "大力", "加强", "深化", "促进", "围绕", "构建", "提升", "培育", "布局", "重点", "全力", "申报",
    "创建", "争取", "开通", "开行", "经", "通过", "包括", "含", "覆盖", "主要", "其中", "共建", "联合",
    "实现", "形成", "发展", "开放", "合作", "经济", "贸易", "沿边", "新", "省", "我国", "全国", "国家级", "成为", "统筹", "优化", "落实", "探索", "拓展", "服务", "融入", "对接", "利用", "用好",
    "有", "已", "首个", "首批", "第", "个", "一批", "各", "各类", "该", "本", "这", "其", "即", "并", "或",
    "做好", "办好", "建立", "健全", "组织", "召开", "拓宽", "搭建", "根据", "按照", "结合", "聚焦", "补齐",
    "评估", "测评", "连接", "鼓励", "明确", "编制", "增强", "利于", "出台", "实施", "强化", "研究", "确保",
    "力争", "加密", "开发", "提高", "织密", "联动", "启动", "书写", "落户", "汇聚", "引入", "引进", "发出",
    "规划", "开展", "深入", "带动", "扩大", "新建", "改建", "扩建", "运行", "稳定", "进出", "首张", "升级",
    "推广", "复制", "提质", "赋能", "增设", "新增", "增开", "共享", "参与", "融合", "衔接", "承接", "优先",
), key=len, reverse=True))

# Prefixes that make a head generic ("沿边重点开发开放试验区" is the class, not a zone).
GENERIC_PREFIXES = frozenset({
    "沿边", "国家级", "全国", "我国", "国家", "省级", "自治区级", "各类", "新", "综合", "特殊", "海关特殊监管",
    "境外", "边境", "跨境", "国际", "重要", "现代", "特色", "区域", "中心", "核心", "主要", "陆海新", "出海",
    "南向", "开放", "开放合作", "城市", "各级", "市", "县", "区", "功能", "产业", "物流", "临港", "沿海",
    "国家边境", "国家一类", "国家二类", "一类", "二类", "陆路", "沿边陆路",
})

# Words that describe a kind of zone, park or link rather than name one ("集装箱航线", "疏港铁路",
# "世界级绿色化工产业基地"): a name made only of these, industries and GENERIC_PREFIXES is generic.
GENERIC_DESCRIPTORS = frozenset({
    "集装箱", "海铁联运", "疏港", "专用", "物流", "运输", "大", "集疏运", "远洋", "近远洋", "近洋", "外贸",
    "内外贸", "班轮", "国内", "海上", "旅游", "冷链", "精品", "生鲜", "城际", "快速", "内部", "便捷", "江海联运",
    "作业区", "港口", "港区", "升学", "培养", "陆上", "空中", "高铁", "铁路", "公路", "航空", "立体化", "多项",
    "世界级", "高质量", "高标准", "高水平", "千亿元", "百亿元", "现代化", "技术", "零配件", "零部件", "扶贫",
    "循环", "园区", "宜居", "宜业", "宜人", "蓝色", "海湾", "保税", "临港", "跨区域", "区外", "全市", "更多",
    "主干", "直达", "国际化", "智慧", "枢纽", "发展", "示范", "配套", "加工", "生态", "绿色", "中西部地区",
    "区内", "出口", "进口", "特色", "优势", "新兴", "传统", "重点", "口岸", "一", "多", "公共", "高速", "骨干",
    "试验区", "片区", "开发区", "边民", "互市",
})

# What may follow a link's head and still belong to its name ("…铁路支线", "…铁路联络线").
LINK_CONTINUATIONS: tuple[str, ...] = ("联络线", "专用线", "支线", "专线", "复线")
# What, after a head, shows the head was only part of a longer name ("铁路调度中心", "铁路集装箱中心站").
LONGER_NAME_AFTER: tuple[str, ...] = ("调度", "中心", "港", "集装箱中心站", "枢纽", "公司", "集团", "局", "站", "管理",
                                      "办公室", "委员会", "建设指挥部")
# A head right after these characters is another word ("临港区" is not a port area, "保税港区" a kind).
NOT_A_NAME_BEFORE: dict[str, tuple[str, ...]] = {"港区": ("临", "保税")}

# Heads of organisation names read from slots that can only hold an organisation (责任单位
# lists, issuers, speakers' affiliations). Too short or too common for running text (…局
# would find 格局, …部 would find 内部), so only the slot readers use them. Longest first.
UNIT_HEADS: tuple[Head, ...] = tuple(sorted((
    Head("人民政府", "GovernmentBody", "organisation"),
    Head("政府", "GovernmentBody", "organisation"),
    Head("管理委员会", "GovernmentBody", "organisation"),
    Head("委员会", "GovernmentBody", "organisation"),
    Head("管委会", "GovernmentBody", "organisation"),
    Head("办公厅", "GovernmentBody", "organisation"),
    Head("办公室", "GovernmentBody", "organisation"),
    Head("委", "GovernmentBody", "organisation"),
    Head("厅", "GovernmentBody", "organisation"),
    Head("局", "GovernmentBody", "organisation"),
    Head("办", "GovernmentBody", "organisation"),
    Head("部", "GovernmentBody", "organisation"),
    Head("署", "GovernmentBody", "organisation"),
    Head("海关", "GovernmentBody", "organisation"),
    Head("有限责任公司", "Company", "organisation"),
    Head("有限公司", "Company", "organisation"),
    Head("公司", "Company", "organisation"),
    Head("集团", "Company", "organisation"),
), key=lambda h: -len(h.suffix)))
