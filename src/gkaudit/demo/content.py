"""What the demo portals' pages say: news titles, documents, items and links, as text tables.

Titles take {short} (西岭区, 市科技局), {name} (the body's full name), {city} and {year}.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

GOV_NEWS = (
    "{short}召开{year}年优化营商环境工作推进会",
    "{short}部署今冬明春安全生产工作",
    "{short}召开政务公开工作领导小组会议",
    "{short}举办秋季人才招聘会 提供岗位3200余个",
    "{short}推进老旧小区改造项目建设",
    "{short}召开河长制工作推进会",
    "{short}开展“12345”热线为民服务月活动",
    "{short}召开重点项目建设调度会",
)
DEPT_NEWS = (
    "{short}召开{year}年全面从严治党工作会议",
    "{short}开展“送政策进企业”服务活动",
    "{short}召开重点工作调度会",
    "{short}举办业务骨干培训班",
    "{short}开展安全生产专项检查",
    "{short}召开政务公开工作会议",
    "{short}赴基层开展调研",
    "{short}召开季度工作推进会",
)
GOV_NOTICES = (
    "关于公开征求《{short}城市绿化管理办法（征求意见稿）》意见的公告",
    "{short}{year}年公开招聘社区工作者公告",
    "关于调整部分公交线路的通告",
    "关于开展{year}年度“双随机、一公开”抽查工作的公告",
)
DEPT_NOTICES = (
    "关于组织申报{year}年度项目的通知",
    "{short}{year}年公开招聘事业单位工作人员公告",
    "关于公布{year}年度行政执法检查计划的公告",
    "关于开展{year}年度“双随机、一公开”抽查工作的公告",
)
# (document, its interpretation)
GOV_DOCS = (
    (
        "关于印发{short}进一步优化营商环境若干措施的通知",
        "《{short}进一步优化营商环境若干措施》政策解读",
    ),
    ("关于促进中小企业健康发展的实施意见", "一图读懂《关于促进中小企业健康发展的实施意见》"),
    ("关于支持个体工商户发展的若干措施", "《关于支持个体工商户发展的若干措施》解读"),
    ("关于印发{short}养老服务体系建设实施方案的通知", "解读：{short}养老服务体系建设实施方案"),
    ("关于进一步做好稳就业工作的通知", "图解：进一步做好稳就业工作"),
    ("关于印发{short}老旧小区改造工作实施方案的通知", "《{short}老旧小区改造工作实施方案》问答"),
    ("关于促进消费扩容提质的若干措施", "《关于促进消费扩容提质的若干措施》政策解读"),
    ("关于印发{short}数字政府建设行动方案的通知", "《{short}数字政府建设行动方案》解读"),
)
#: GOV_DOCS with every interpretation in words only (no 图解, no 一图读懂).
TEXT_DOCS = tuple(
    (doc, f"《{doc.removeprefix('关于印发').removesuffix('的通知')}》解读")
    if interpretation.startswith(("图解", "一图读懂"))
    else (doc, interpretation)
    for doc, interpretation in GOV_DOCS
)
KJ_DOCS = (
    ("关于印发《{city}高新技术企业培育办法》的通知", "《{city}高新技术企业培育办法》政策解读"),
    ("关于印发《{city}科技型中小企业研发费用补助实施细则》的通知", "一图读懂研发费用补助实施细则"),
    ("关于组织申报{year}年度科技计划项目的通知", "{year}年度科技计划项目申报政策问答"),
    ("关于印发《{city}科技创新券管理办法》的通知", "《{city}科技创新券管理办法》解读"),
    ("关于支持新型研发机构建设的若干措施", "图解：支持新型研发机构建设的若干措施"),
    ("关于印发《{city}技术合同登记奖补办法》的通知", "《{city}技术合同登记奖补办法》解读"),
    ("关于推进科技成果转化的实施意见", "《关于推进科技成果转化的实施意见》政策解读"),
    ("关于加强科研诚信建设的实施意见", "图解：加强科研诚信建设"),
)
SF_DOCS = (
    ("关于印发《{city}法律援助经济困难标准》的通知", "《{city}法律援助经济困难标准》解读"),
    ("关于印发《{city}行政规范性文件管理办法》的通知", "《{city}行政规范性文件管理办法》政策解读"),
    ("关于开展“八五”普法终期评估工作的通知", "“八五”普法终期评估工作解读"),
    ("关于印发《{city}人民调解员管理办法》的通知", "图解《{city}人民调解员管理办法》"),
    ("关于规范行政执法公示工作的通知", "行政执法公示工作问答"),
    ("关于印发《{city}公证服务收费标准》的通知", "《{city}公证服务收费标准》解读"),
)
JT_DOCS = (
    (
        "关于印发《{city}网络预约出租汽车经营服务管理办法》的通知",
        "《{city}网约车经营服务管理办法》解读",
    ),
    ("关于调整城市公交票价的通知", "城市公交票价调整政策问答"),
    ("关于印发《{city}农村公路养护管理办法》的通知", "图解《{city}农村公路养护管理办法》"),
    ("关于推进交通运输领域助企纾困的若干措施", "《交通运输领域若干措施》政策解读"),
)
RELIEF_ITEMS = (
    "{short}支持市场主体纾困发展政策措施汇编",  # not the keyword: only columns carry it
    "关于落实小微企业增值税留抵退税政策的公告",
    "{short}对餐饮住宿零售企业发放稳岗补贴的通知",
    "中小微企业贷款贴息申报指南",
    "个体工商户房租减免政策问答",
)
TOPIC_ITEMS = {
    "yshj": (
        "{short}优化营商环境十条措施",
        "{short}营商环境投诉举报渠道公布",
        "“一网通办”事项清单",
    ),
    "aqsc": ("{short}安全生产责任制实施办法", "冬季安全生产提示", "{short}开展消防安全大排查"),
}
DISCLOSURE_ITEMS = {
    "zd": (
        "{name}政府信息公开保密审查制度",
        "{name}政府信息公开申请办理工作规程",
        "{name}政府信息公开工作考核办法",
    ),
    "jgzn": ("{name}主要职责", "{name}内设机构", "{name}领导信息"),
    "ghxx": (
        "{short}国民经济和社会发展第十四个五年规划纲要",
        "{short}{year}年国民经济和社会发展计划",
        "{short}国土空间总体规划（2021—2035年）",
    ),
    "czxx": (
        "{name}{year}年部门预算",
        "{name}{year}年预算执行情况",
        "{short}政府债务限额及余额情况",
    ),
}
# The 政务服务 links of a portal whose services live on an IPv4-only host
SERVICE_LINKS = (
    ("政务服务网", "/"),
    ("个人办事", "/bsfw/gr/index.html"),
    ("法人办事", "/bsfw/fr/index.html"),
    ("部门办事", "/bsfw/bm/index.html"),
    ("一件事一次办", "/yjs/index.html"),
    ("好差评", "/hcp/index.html"),
    ("证照办理", "/zzbl/index.html"),
    ("预约办理", "/yybl/index.html"),
)


# --- the columns of a portal ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a portal: its name, TRS directory and Hanweb number."""

    name: str
    slug: str  # TRS directory
    number: int  # Hanweb column id = the portal's col_base + number


COLUMNS: Mapping[str, Column] = {
    "intro": Column("概况", "zjgk", 1),
    "zwgk": Column("政务公开", "zwgk", 2),
    "xxgk": Column("政府信息公开", "zfxxgk", 3),
    "zn": Column("政府信息公开指南", "zfxxgk/xxgkzn", 4),
    "zd": Column("政府信息公开制度", "zfxxgk/xxgkzd", 5),
    "fd": Column("法定主动公开内容", "zfxxgk/fdzdgknr", 6),
    "nb": Column("政府信息公开年报", "zfxxgk/xxgknb", 7),
    "ysq": Column("依申请公开", "zfxxgk/ysqgk", 8),
    "jgzn": Column("机构职能", "zfxxgk/fdzdgknr/jgzn", 9),
    "ghxx": Column("规划信息", "zfxxgk/fdzdgknr/ghxx", 10),
    "czxx": Column("财政信息", "zfxxgk/fdzdgknr/czxx", 11),
    "zcwj": Column("政策文件", "zcwj", 12),
    "zcjd": Column("政策解读", "zcjd", 13),
    "zqsk": Column("助企纾困", "ztzl/zqsk", 14),
    "yshj": Column("优化营商环境", "ztzl/yshj", 15),
    "aqsc": Column("安全生产", "ztzl/aqsc", 16),
    "ywdt": Column("要闻动态", "ywdt", 17),
    "tzgg": Column("通知公告", "tzgg", 18),
    "bsfw": Column("办事服务", "bsfw", 19),
    "grbs": Column("个人办事", "bsfw/grbs", 20),
    "frbs": Column("法人办事", "bsfw/frbs", 21),
    "bmfw": Column("便民服务", "bsfw/bmfw", 22),
    "hdjl": Column("互动交流", "hdjl", 23),
    "ldxx": Column("领导信箱", "hdjl/ldxx", 24),
    "zxft": Column("在线访谈", "hdjl/zxft", 25),
    "zjdc": Column("征集调查", "hdjl/zjdc", 26),
    "about": Column("关于本网", "gybw", 27),
    "sitemap": Column("网站地图", "wzdt", 28),
    "contact": Column("联系我们", "lxwm", 29),
    "fmqd": Column("市场准入负面清单", "zwgk/fmqd", 30),
    "sfqd": Column("行政事业性收费目录清单", "zwgk/sfqd", 31),
    "gzk": Column("现行有效规章和行政规范性文件库", "zwgk/gfxwjk", 32),
    "hnbt": Column("惠民惠农财政补贴", "zwgk/hnbt", 33),
    "wsxf": Column("网上信访", "hdjl/wsxf", 34),
    "jjjb": Column("纪检监察举报", "hdjl/jjjb", 35),
    "xwzx": Column("新闻中心", "xwzx", 36),
    "bmdt": Column("部门动态", "xwzx/bmdt", 37),
    "jcdt": Column("基层动态", "xwzx/jcdt", 38),
    "xzdt": Column("乡镇动态", "xwzx/xzdt", 39),
    "tpxw": Column("图片新闻", "xwzx/tpxw", 40),
    "mtzx": Column("媒体资讯", "xwzx/mtzx", 41),
    "rsxx": Column("人事信息", "zwgk/rsxx", 42),
    "tjxx": Column("统计信息", "zwgk/tjxx", 43),
    "yjgl": Column("应急管理", "zwgk/yjgl", 44),
    "sjxx": Column("审计信息", "zwgk/sjxx", 45),
    "jyta": Column("建议提案办理", "zwgk/jyta", 46),
    "zdly": Column("重点领域信息公开", "zwgk/zdly", 47),
}

#: Items of the columns the Dalian plan names (demo/plan_columns.py), newest first.
PLAN_COLUMN_ITEMS: Mapping[str, tuple[str, ...]] = {
    "fmqd": (
        "转发《市场准入负面清单（{year}年版）》的通知",
        "国家发展改革委 商务部关于印发《市场准入负面清单》的通知",
        "市场准入负面清单制度解读问答",
    ),
    "sfqd": (
        "{city}{year}年行政事业性收费目录清单",
        "{city}涉企行政事业性收费目录清单（{year}年）",
        "关于公布取消和降低部分行政事业性收费项目的通知",
    ),
    "gzk": (
        "{short}现行有效行政规范性文件目录（截至{year}年）",
        "{short}规章和行政规范性文件清理结果的公告",
        "{short}行政规范性文件制定和备案管理办法",
    ),
    "hnbt": (
        "{short}{year}年耕地地力保护补贴发放结果公示",
        "{short}{year}年农机购置与应用补贴申报指南",
        "{short}惠民惠农财政补贴资金发放情况（以村为单位）",
    ),
}
#: Items of the 新闻中心 columns besides 要闻动态 (demo/news_centre.py), in the order a portal has
#: them, newest first.
NEWS_COLUMN_ITEMS: Mapping[str, tuple[str, ...]] = {
    "bmdt": (
        "{short}召开重点项目建设推进会",
        "{short}开展优化营商环境专项督查",
        "{short}部署今冬明春森林防火工作",
    ),
    "jcdt": (
        "{short}深入基层开展调查研究",
        "{short}举办就业援助月专场招聘会",
        "{short}开展服务企业走访活动",
    ),
    "xzdt": (
        "{short}各街道推进老旧小区改造",
        "{short}各乡镇开展秋冬季安全生产检查",
        "{short}各街道部署冬季供暖保障工作",
    ),
    "tpxw": (
        "图片新闻：{short}重点项目建设现场",
        "图片新闻：{short}志愿服务进社区",
        "图片新闻：{short}金秋农产品展销会",
    ),
    "mtzx": (
        "媒体看{short}：营商环境持续向好",
        "媒体看{short}：乡村振兴见实效",
        "媒体看{short}：民生实事件件落地",
    ),
}
SECTIONS = ("zn", "zd", "fd", "nb")
SHORT_SECTION_NAMES = {
    "xxgk": "信息公开",
    "zn": "信息公开指南",
    "zd": "政府信息公开制度文件",
    "nb": "信息公开年报",
}
