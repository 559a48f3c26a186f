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
), key=len, reverse=True))

# Prefixes that make a head generic ("沿边重点开发开放试验区" is the class, not a zone).
GENERIC_PREFIXES = frozenset({
    "沿边", "国家级", "全国", "我国", "国家", "省级", "自治区级", "各类", "新", "综合", "特殊", "海关特殊监管",
    "境外", "边境", "跨境", "国际", "重要", "现代", "特色", "区域", "中心", "核心", "主要", "陆海新", "出海",
    "南向", "开放", "开放合作", "城市", "各级", "市", "县", "区", "功能", "产业", "物流", "临港", "沿海",
})

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
