"""The demo portals' pages and zones: `build` turns the portal specs into the pages of the HTTP
server, the records of the DNS server and the sites of ``sites.yaml``. Dates are counted back
from ``as_of``, so one ``as_of`` always gives the same fleet.

Who the portals are is in `identities`, the faults the checks plant on them in
`gkaudit/checks/*/demo.py`, and `expected` assembles the two with the verdict each portal is
built to get (the portal table printed by ``python -m gkaudit.demo`` says why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gkaudit.demo.content import (
    DEPT_NEWS,
    DEPT_NOTICES,
    DISCLOSURE_ITEMS,
    EXTERNAL_LINKS,
    GOV_NEWS,
    GOV_NOTICES,
    RELIEF_ITEMS,
    SERVICE_LINKS,
    TOPIC_ITEMS,
)
from gkaudit.demo.dns import DnsFault
from gkaudit.demo.expected import EXPECTED, PORTALS
from gkaudit.demo.http import Response, VirtualHost
from gkaudit.demo.pages import (
    PIXEL_GIF,
    STYLE_CSS,
    Item,
    box,
    crumbs,
    dated_list,
    document,
    esc,
    link,
    link_list,
    nav_bar,
    paragraphs,
    today_line,
)
from gkaudit.demo.spec import (
    CDN_EDGE,
    CDN_ZONE,
    CITY,
    CITY_ZONE,
    V4,
    V6,
    Address,
    Catalogue,
    Home,
    PortalSpec,
    Relief,
    UrlStyle,
)
from gkaudit.model import Hints, Site, SiteKind, Status

__all__ = ["FleetData", "build", "due_report_year"]


@dataclass(frozen=True)
class _Col:
    name: str
    slug: str  # TRS directory
    number: int  # Hanweb column id = the portal's col_base + number


COLUMNS: Mapping[str, _Col] = {
    "intro": _Col("概况", "zjgk", 1),
    "zwgk": _Col("政务公开", "zwgk", 2),
    "xxgk": _Col("政府信息公开", "zfxxgk", 3),
    "zn": _Col("政府信息公开指南", "zfxxgk/xxgkzn", 4),
    "zd": _Col("政府信息公开制度", "zfxxgk/xxgkzd", 5),
    "fd": _Col("法定主动公开内容", "zfxxgk/fdzdgknr", 6),
    "nb": _Col("政府信息公开年报", "zfxxgk/xxgknb", 7),
    "ysq": _Col("依申请公开", "zfxxgk/ysqgk", 8),
    "jgzn": _Col("机构职能", "zfxxgk/fdzdgknr/jgzn", 9),
    "ghxx": _Col("规划信息", "zfxxgk/fdzdgknr/ghxx", 10),
    "czxx": _Col("财政信息", "zfxxgk/fdzdgknr/czxx", 11),
    "zcwj": _Col("政策文件", "zcwj", 12),
    "zcjd": _Col("政策解读", "zcjd", 13),
    "zqsk": _Col("助企纾困", "ztzl/zqsk", 14),
    "yshj": _Col("优化营商环境", "ztzl/yshj", 15),
    "aqsc": _Col("安全生产", "ztzl/aqsc", 16),
    "ywdt": _Col("要闻动态", "ywdt", 17),
    "tzgg": _Col("通知公告", "tzgg", 18),
    "bsfw": _Col("办事服务", "bsfw", 19),
    "grbs": _Col("个人办事", "bsfw/grbs", 20),
    "frbs": _Col("法人办事", "bsfw/frbs", 21),
    "bmfw": _Col("便民服务", "bsfw/bmfw", 22),
    "hdjl": _Col("互动交流", "hdjl", 23),
    "ldxx": _Col("领导信箱", "hdjl/ldxx", 24),
    "zxft": _Col("在线访谈", "hdjl/zxft", 25),
    "zjdc": _Col("征集调查", "hdjl/zjdc", 26),
    "about": _Col("关于本网", "gybw", 27),
    "sitemap": _Col("网站地图", "wzdt", 28),
    "contact": _Col("联系我们", "lxwm", 29),
}
SECTIONS = ("zn", "zd", "fd", "nb")
SHORT_SECTION_NAMES = {
    "xxgk": "信息公开",
    "zn": "信息公开指南",
    "zd": "政府信息公开制度文件",
    "nb": "信息公开年报",
}


def due_report_year(kind: SiteKind, as_of: dt.date) -> int:
    """The year whose 政府信息公开工作年度报告 must be out by `as_of` (条例 第四十九条).

    Departments publish by 31 January, governments by 31 March, for the year before; on the
    deadline day itself the report is not late yet.
    """
    month = 1 if kind is SiteKind.DEPARTMENT else 3
    return as_of.year - 1 if as_of > dt.date(as_of.year, month, 31) else as_of.year - 2


def _report_published(kind: SiteKind, year: int) -> dt.date:
    # a diligent body publishes a little before the deadline
    return dt.date(year + 1, 1, 20) if kind is SiteKind.DEPARTMENT else dt.date(year + 1, 3, 25)


def _newest_report_year(spec: PortalSpec, as_of: dt.date) -> int:
    if spec.report_lag:
        return due_report_year(spec.kind, as_of) - spec.report_lag
    year = as_of.year - 1
    return year if _report_published(spec.kind, year) <= as_of else year - 1


# --- building one portal -----------------------------------------------------------------------


class _Portal:
    """Generates the pages of one portal; `pages()` is path -> ready response."""

    def __init__(self, spec: PortalSpec, *, port: int, as_of: dt.date, city_url: str) -> None:
        self.s = spec
        self.as_of = as_of
        self.port = port
        self.city_url = city_url
        self.base = f"http://{spec.host}:{port}"
        self._pages: dict[str, Response] = {}
        self._next_doc = spec.doc_base
        self.home_path = {
            Home.PAGE: "/",
            Home.REDIRECT: "/index.html",
            Home.META: "/index.shtml",
            Home.SCRIPT: "/portal/index.html",
            Home.FRAMESET: "/main.html",
        }[spec.home]
        self._chrome_top = self._top() + "\n" + nav_bar(self._nav())
        self._chrome_bottom = self._footer()

    # --- URLs and text ------------------------------------------------------------------------

    def col(self, key: str) -> str:
        column = COLUMNS[key]
        if self.s.url_style is UrlStyle.TRS:
            return f"/{column.slug}/"
        return f"/col/col{self.s.col_base + column.number}/index.html"

    def _article_path(self, key: str, day: dt.date) -> str:
        self._next_doc += 1
        if self.s.url_style is UrlStyle.TRS:
            return f"/{COLUMNS[key].slug}/{day:%Y%m}/t{day:%Y%m%d}_{self._next_doc}.html"
        number = self.s.col_base + COLUMNS[key].number
        return f"/art/{day.year}/{day.month}/{day.day}/art_{number}_{self._next_doc}.html"

    def label(self, key: str) -> str:
        if self.s.catalogue is Catalogue.SHORT_NAMES and key in SHORT_SECTION_NAMES:
            return SHORT_SECTION_NAMES[key]
        if key == "intro":
            return f"走进{self.s.short[:2]}" if self.s.government else "机构概况"
        return COLUMNS[key].name

    def text(self, template: str, day: dt.date | None = None, *, year: int | None = None) -> str:
        if year is None:
            year = (day or self.as_of).year
        return template.format(short=self.s.short, name=self.s.name, city=CITY, year=year)

    def day(self, age: int) -> dt.date:
        return self.as_of - dt.timedelta(days=age)

    # --- chrome -------------------------------------------------------------------------------

    def _top(self) -> str:
        logo = f'<img src="/images/logo.gif" alt="{esc(self.s.name)}">'
        return (
            f'<div class="topbar"><div class="w">{today_line(self.as_of)}　'
            '<a href="javascript:void(0);" class="wza">无障碍浏览</a>　'
            '<a href="javascript:void(0);">长者模式</a></div></div>\n'
            f'<div class="header"><div class="w">{link(self.home_path, logo)}\n'
            '<form action="/jsearch/search.do" method="get"><input type="text" name="q" '
            'placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div>'
        )

    def _nav(self) -> list[tuple[str, str]]:
        # real nav bars pad short items with &nbsp; and split others into spans
        items = [
            ("首&nbsp;&nbsp;页", self.home_path),
            (esc(self.label("intro")), self.col("intro")),
            ("<span>政务</span>&nbsp;<span>公开</span>", self.col("zwgk")),
        ]
        if self.s.catalogue is not Catalogue.DETOUR:
            items.append((esc(self.label("xxgk")), self.col("xxgk")))
        items += [("政策文件", self.col("zcwj")), ("政策解读", self.col("zcjd"))]
        if self.s.relief is Relief.NAV:
            items.append(("助企纾困", self.col("zqsk")))
        items += [
            ("办事服务", self.col("bsfw")),
            ("<span>互动</span><span>交流</span>", self.col("hdjl")),
        ]
        return items

    def _footer(self) -> str:
        s = self.s
        sponsor = f"{s.name}办公室" if s.government else s.name
        police = link(
            f"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={s.police}",
            f'<img src="/images/gaba.gif" alt="">辽公网安备 {s.police}号',
            blank=True,
        )
        conac = link(
            f"https://bszs.conac.cn/sitename?method=show&id={s.site_code}",
            '<img src="/images/dzjg.gif" alt="党政机关">',
            blank=True,
        )
        jiucuo = link(
            f"https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew?sitecode={s.site_code}",
            '<img src="/images/jiucuo.gif" alt="我为政府网站找错">',
            blank=True,
        )
        pages = " | ".join(
            link(self.col(k), self.label(k)) for k in ("about", "sitemap", "contact")
        )
        return (
            f'<div class="footer"><div class="w">\n<p>{pages}</p>\n'
            f"<p>主办单位：{esc(sponsor)}　承办单位：{CITY}大数据管理中心　"
            f"联系电话：0411-8{s.site_code[-7:]}</p>\n"
            f"<p>网站标识码：{s.site_code}　"
            f"{link('https://beian.miit.gov.cn/', esc(s.icp), blank=True)}　{police}</p>\n"
            f'<p class="badges">{conac} {jiucuo}</p>\n</div></div>'
        )

    # --- pages --------------------------------------------------------------------------------

    def put(self, path: str, html_text: str) -> None:
        self._pages[path] = Response.html(
            html_text, encoding=self.s.encoding, charset=self.s.charset
        )

    def charset_meta(self) -> str:
        if self.s.encoding == "utf-8":
            return '<meta charset="utf-8">'
        label = self.s.charset or "gb2312"
        return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'

    def document(self, title: str, main: str, metas: Sequence[tuple[str, str]] = ()) -> str:
        site_metas = [
            ("SiteName", self.s.name),
            ("SiteDomain", self.s.host),
            ("SiteIDCode", self.s.site_code),
        ]
        return document(
            title=title if title == self.s.name else f"{title}_{self.s.name}",
            charset_meta=self.charset_meta(),
            metas=[*site_metas, *metas],
            body=f'{self._chrome_top}\n<div class="w main">\n{main}\n</div>\n{self._chrome_bottom}',
        )

    def article(self, key: str, title: str, day: dt.date, body: str, path: str = "") -> Item:
        path = path or self._article_path(key, day)
        info = (
            f"发布时间：{day.isoformat()} 09:30　来源：{esc(self.s.name)}　字号：[ "
            '<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
            '<a href="javascript:doZoom(14)">小</a> ]'
        )
        main = (
            f"{crumbs([('首页', self.home_path), (self.label(key), self.col(key))])}\n"
            f'<div class="article">\n<h1>{esc(title)}</h1>\n<div class="info">{info}</div>\n'
            f'<div id="zoom">\n{body}\n</div>\n'
            '<div class="actions"><a href="javascript:window.print()">打印本页</a> '
            '<a href="javascript:window.close()">关闭窗口</a></div>\n</div>'
        )
        metas = [
            ("ArticleTitle", title),
            ("PubDate", f"{day.isoformat()} 09:30"),
            ("ContentSource", self.s.name),
        ]
        self.put(path, self.document(title, main, metas))
        return Item(title, day, path)

    def news_article(self, key: str, template: str, age: int) -> Item:
        day = self.day(age)
        title = self.text(template, day)
        body = paragraphs(
            f"{day.month}月{day.day}日，{title}。",
            f"会议强调，要坚持以人民为中心的发展思想，对标对表上级部署，细化工作举措，"
            f"确保各项任务落地见效。{self.s.short}各相关部门负责同志参加。",
        )
        return self.article(key, title, day, body)

    def column(self, key: str, items: Sequence[Item], *, sidebar: str = "") -> None:
        """A list page of dated items (TRS writes their links relative to the column)."""
        base = self.col(key) if self.s.url_style is UrlStyle.TRS else ""
        listing = dated_list(items, self.s.dates, base=base)
        pager = f'<div class="pager">共{len(items)}条　首页　上一页　1　下一页　尾页</div>'
        metas = [("ColumnName", self.label(key)), ("ColumnType", COLUMNS[key].name)]
        self._column_page(key, f"{listing}\n{pager}", sidebar, metas)

    def hub(self, key: str, links: Sequence[tuple[str, str]], *, sidebar: str = "") -> None:
        """A page of links without dates (政务公开, 办事服务, 法定主动公开内容)."""
        self._column_page(key, link_list(links, "hub"), sidebar)

    def simple(self, key: str, *texts: str, sidebar: str = "") -> None:
        self._column_page(key, paragraphs(*texts), sidebar)

    def _column_page(
        self, key: str, inner: str, sidebar: str, metas: Sequence[tuple[str, str]] = ()
    ) -> None:
        inner = f"<h2>{esc(self.label(key))}</h2>\n{inner}"
        main = f"{crumbs([('首页', self.home_path), (self.label(key), None)])}\n"
        if sidebar:
            main += f'{sidebar}\n<div class="content">\n{inner}\n</div>'
        else:
            main += f'<div class="column">\n{inner}\n</div>'
        self.put(self.col(key), self.document(self.label(key), main, metas))

    # --- the site -----------------------------------------------------------------------------

    def pages(self) -> dict[str, Response]:
        s = self.s
        news_pool = GOV_NEWS if s.government else DEPT_NEWS
        news_templates = [*s.extra_news, *news_pool][:8]
        news = [
            self.news_article("ywdt", t, age)
            for t, age in zip(news_templates, (1, 2, 4, 6, 9, 13, 17, 24), strict=True)
        ]
        self.column("ywdt", news)
        notice_pool = GOV_NOTICES if s.government else DEPT_NOTICES
        notices = [
            self.news_article("tzgg", t, age)
            for t, age in zip(notice_pool, (3, 8, 15, 29), strict=True)
        ]
        self.column("tzgg", notices)
        docs, interpretations = self._policies()
        self._relief()
        for key in ("yshj", "aqsc"):
            items = [
                self.news_article(key, t, age)
                for t, age in zip(TOPIC_ITEMS[key], (11, 40, 75), strict=True)
            ]
            self.column(key, items)
        self._catalogue(docs)
        self._hubs()
        self._home(news, notices, docs, interpretations)
        self._entry()
        self._assets()
        return self._pages

    def _policies(self) -> tuple[list[Item], list[Item]]:
        """政策文件 and 政策解读: each interpretation is published the day after its document."""
        count, linked = self.s.interpretations
        docs: list[Item] = []
        interpretations: list[Item] = []
        forms = ("label", "text", "related", "full") if self.s.kind is SiteKind.CITY else ("label",)
        for index, (doc_template, interp_template) in enumerate(self.s.docs[:count]):
            doc_day, interp_day = self.day(5 + 11 * index), self.day(4 + 11 * index)
            doc_title = self.s.name + self.text(doc_template, doc_day)
            interp_title = self.text(interp_template, interp_day)
            doc_path = self._article_path("zcwj", doc_day)
            interp_path = self._article_path("zcjd", interp_day)
            number = f"{self.s.doc_prefix}〔{doc_day.year}〕{count - index + 10}号"
            subject = doc_title.split("印发", 1)[-1].removesuffix("的通知").strip("《》")
            doc_body = (
                f'<p class="wh">{number}</p>\n'
                + paragraphs(
                    "各有关单位：",
                    f"现将《{subject}》印发给你们，请结合实际认真贯彻执行。",
                    f"{self.s.name}　{doc_day.year}年{doc_day.month}月{doc_day.day}日",
                )
                + f"\n<p>相关解读：{link(interp_path, esc(interp_title))}</p>"
            )
            docs.append(self.article("zcwj", doc_title, doc_day, doc_body, doc_path))
            interp_body = paragraphs(
                "一、出台背景",
                "为贯彻落实上级有关部署要求，结合本地实际，制定本文件。",
                "二、主要内容",
                "文件从总体要求、重点任务、保障措施三个方面提出具体举措。",
            )
            if index < linked:
                interp_body += "\n" + self._original_link(
                    forms[index % len(forms)], doc_path, doc_title
                )
            else:
                interp_body += '\n<p><img src="/images/tujie.gif" alt=""></p>'
            interpretations.append(
                self.article("zcjd", interp_title, interp_day, interp_body, interp_path)
            )
        self.column("zcwj", docs)
        self.column("zcjd", interpretations)
        return docs, interpretations

    @staticmethod
    def _original_link(form: str, href: str, title: str) -> str:
        """The link from an interpretation to its document, in the ways portals write it."""
        match form:
            case "label":
                return f"<p>原文：{link(href, esc(title))}</p>"
            case "text":
                return f'<p class="yw">{link(href, "政策原文", blank=True)}</p>'
            case "related":
                return f"<p>相关文件：{link(href, esc(title))}</p>"
            case _:
                return f"<p>{link(href, '文件全文', blank=True)}</p>"

    def _relief(self) -> None:
        if self.s.relief is Relief.NONE:
            return
        ages = [self.s.relief_age + extra for extra in (0, 12, 27, 45, 70)]
        items = [
            self.news_article("zqsk", t, age) for t, age in zip(RELIEF_ITEMS, ages, strict=True)
        ]
        self.column("zqsk", items)

    def _catalogue(self, docs: Sequence[Item]) -> None:
        """The 政府信息公开 platform and its sections, shaped by `spec.catalogue`."""
        shape = self.s.catalogue
        sections = [k for k in SECTIONS if not (shape is Catalogue.MISSING_SECTION and k == "fd")]
        links = [(esc(self.label(k)), self.col(k)) for k in sections]
        links.append((esc(self.label("ysq")), self.col("ysq")))
        sidebar = f'<div class="sidebar">{link_list(links, "xxgk-nav")}</div>'
        latest = box("最新公开", dated_list(docs[:5], self.s.dates), css="latest")
        main = (
            f"{crumbs([('首页', self.home_path), (self.label('xxgk'), None)])}\n{sidebar}\n"
            f'<div class="content">\n<h2>{esc(self.s.name)}政府信息公开</h2>\n{latest}\n</div>'
        )
        self.put(self.col("xxgk"), self.document(self.label("xxgk"), main))
        self.simple(
            "zn",
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，"
            f"编制《{self.s.name}政府信息公开指南》。",
            "一、主动公开：公开的主要内容、公开形式和公开时限。",
            "二、依申请公开：申请人可通过在线申请、当面申请、信函申请等方式提出申请。",
            "三、监督和救济：公民、法人或者其他组织认为行政机关侵犯其合法权益的，"
            "可以依法申请行政复议或者提起行政诉讼。",
            sidebar=sidebar,
        )
        if shape is not Catalogue.BROKEN_SECTION:  # its link stays, its page is gone: 404
            self._disclosure_column("zd", (400, 700, 1000), sidebar)
        if shape is not Catalogue.MISSING_SECTION:
            self.hub(
                "fd",
                [(esc(self.label(k)), self.col(k)) for k in ("jgzn", "zcwj", "ghxx", "czxx")],
                sidebar=sidebar,
            )
        for key, ages in (
            ("jgzn", (30, 200, 380)),
            ("ghxx", (60, 300, 700)),
            ("czxx", (45, 230, 400)),
        ):
            self._disclosure_column(key, ages, "")
        self._reports(sidebar)
        self.simple(
            "ysq",
            "申请人可通过政府信息公开申请平台在线提交申请，也可以当面或者信函提出申请。",
            "受理机构：" + self.s.name + "办公室　办公时间：工作日 8:30—11:30，13:00—17:00",
            sidebar=sidebar,
        )

    def _disclosure_column(self, key: str, ages: Sequence[int], sidebar: str) -> None:
        items = []
        for template, age in zip(DISCLOSURE_ITEMS[key], ages, strict=True):
            title = self.text(template, self.day(age))
            items.append(
                self.article(key, title, self.day(age), paragraphs(f"{title}（全文略）。"))
            )
        self.column(key, items, sidebar=sidebar)

    def _reports(self, sidebar: str) -> None:
        newest = _newest_report_year(self.s, self.as_of)
        items = []
        for year in range(newest, newest - 4, -1):
            published = _report_published(self.s.kind, year)
            title = self.text(self.s.report_title, year=year)
            body = paragraphs(
                f"本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作"
                f"年度报告格式》要求编制，报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项",
            )
            items.append(self.article("nb", title, published, body))
        self.column("nb", items, sidebar=sidebar)

    def _hubs(self) -> None:
        s = self.s
        self.hub(
            "zwgk",
            [
                ("政府信息公开", self.col("xxgk")),
                ("政策文件", self.col("zcwj")),
                ("政策解读", self.col("zcjd")),
                ("规划信息", self.col("ghxx")),
                ("财政信息", self.col("czxx")),
                ("依申请公开", self.col("ysq")),
            ],
        )
        if not s.ipv4_only_services:
            for key in ("grbs", "frbs", "bmfw"):
                self.simple(key, f"{self.label(key)}事项清单及办事指南，请选择具体事项办理。")
        self.hub("bsfw", self._services())
        self.hub("hdjl", [(self.label(k), self.col(k)) for k in ("ldxx", "zxft", "zjdc")])
        self.simple("ldxx", "欢迎您通过领导信箱反映问题、提出意见建议。", "来信选登（略）")
        self.simple("zxft", f"{s.short}在线访谈栏目，邀请部门负责同志解读政策、回应关切。")
        self.simple("zjdc", "意见征集、问卷调查等活动在此发布。")
        intro = (
            f"{s.short}位于{CITY}，是全市经济社会发展的重要组成部分。"
            if s.government
            else f"{s.name}是{CITY}人民政府工作部门。"
        )
        self.simple("intro", intro)
        self.simple("about", f"本网站是{s.name}门户网站，由{s.name}主办。")
        self.simple("contact", f"通信地址：{CITY}中山路100号　邮编：116001")
        self.hub("sitemap", [(text, href) for text, href in self._nav()])

    def _services(self) -> list[tuple[str, str]]:
        s = self.s
        if s.ipv4_only_services:
            return [(t, f"http://{s.services_host}:{self.port}{p}") for t, p in SERVICE_LINKS]
        return [(self.label(k), self.col(k)) for k in ("grbs", "frbs", "bmfw")]

    def _home(
        self,
        news: Sequence[Item],
        notices: Sequence[Item],
        docs: Sequence[Item],
        interpretations: Sequence[Item],
    ) -> None:
        s = self.s
        style = s.home_dates or s.dates
        banners = []
        if s.relief is Relief.BANNER:
            banners.append(link(self.col("zqsk"), '<img src="/images/zt_zqsk.gif" alt="助企纾困">'))
        elif s.relief is Relief.BANNER_NO_ALT:
            banners.append(link(self.col("zqsk"), '<img src="/images/zt_zqsk.gif">'))
        banners += [
            link(self.col("yshj"), '<img src="/images/zt_yshj.gif" alt="优化营商环境">'),
            link(self.col("aqsc"), '<img src="/images/zt_aqsc.gif" alt="安全生产">'),
        ]
        topics = f'<div class="banners">{" ".join(banners)}</div>'
        if s.relief is Relief.TOPIC:
            topics += "\n" + link_list([("助企纾困专题", self.col("zqsk"))])
        friends = list(EXTERNAL_LINKS)
        if s.kind is SiteKind.CITY:
            friends += [("市科技局", f"http://kjj.{CITY_ZONE}:{self.port}/")]
            friends += [("市司法局", f"http://sfj.{CITY_ZONE}:{self.port}/")]
        else:
            friends.append((f"{CITY}人民政府", self.city_url))
        main = "\n".join(
            [
                box("要闻动态", dated_list(news[:6], style), more=self.col("ywdt"), css="ywdt"),
                box("通知公告", dated_list(notices, style), more=self.col("tzgg"), css="tzgg"),
                box("政策文件", dated_list(docs[:3], style), more=self.col("zcwj"), css="zcwj"),
                box(
                    "政策解读",
                    dated_list(interpretations[:3], style),
                    more=self.col("zcjd"),
                    css="zcjd",
                ),
                box("专题专栏", topics, css="ztzl"),
                box("办事服务", link_list(self._services()), more=self.col("bsfw"), css="bsfw"),
                box("友情链接", link_list([(esc(t), h) for t, h in friends]), css="yqlj"),
            ]
        )
        self.put(self.home_path, self.document(s.name, main, [("ColumnName", "首页")]))

    def _entry(self) -> None:
        """What "/" answers when the home page lives elsewhere."""
        s, target = self.s, self.home_path
        head = f"{self.charset_meta()}\n<title>{esc(s.name)}</title>"
        if s.home is Home.REDIRECT:
            self._pages["/"] = Response.redirect(target, 301)
        elif s.home is Home.META:
            self.put(
                "/",
                f'<html><head>{head}\n<meta http-equiv="refresh" content="0; url={target}">'
                "</head>\n<body><p>正在跳转，如未自动跳转请"
                f'<a href="{target}">点击这里</a>。</p></body></html>\n',
            )
        elif s.home is Home.SCRIPT:
            self.put(
                "/",
                f'<html><head>{head}\n<script type="text/javascript">\n'
                f'  window.location.href = "{target}";\n</script>\n</head>\n<body></body></html>\n',
            )
        elif s.home is Home.FRAMESET:
            self.put(
                "/",
                f"<html><head>{head}</head>\n"
                f'<frameset rows="*" frameborder="0" border="0">\n'
                f'<frame src="{target}" name="main" scrolling="auto">\n'
                f"<noframes><body>您的浏览器不支持框架，请"
                f'<a href="{target}">点击这里</a>访问。</body></noframes>\n'
                "</frameset></html>\n",
            )

    def _assets(self) -> None:
        self._pages["/css/style.css"] = Response(
            body=STYLE_CSS.encode(), content_type="text/css; charset=utf-8"
        )
        for name in ("logo", "gaba", "dzjg", "jiucuo", "tujie", "zt_zqsk", "zt_yshj", "zt_aqsc"):
            self._pages[f"/images/{name}.gif"] = Response(body=PIXEL_GIF, content_type="image/gif")


def _services_pages(spec: PortalSpec, portal: str) -> dict[str, Response]:
    """The 政务服务网 a portal links to on its own (IPv4-only) host; `portal` is its home."""
    links = link_list([(text, path) for text, path in SERVICE_LINKS[1:]])
    pages = {}
    for text, path in SERVICE_LINKS:
        title = f"{spec.short}政务服务网" if path == "/" else f"{text}_{spec.short}政务服务网"
        body = (
            f"<h1>{esc(title)}</h1>\n{links}\n<p>{link(portal, esc(spec.name))}</p>\n"
            f"<p>网站标识码：{spec.site_code}</p>"
        )
        pages[path] = Response.html(
            document(title=title, charset_meta='<meta charset="utf-8">', metas=(), body=body)
        )
    return pages


# --- the fleet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleetData:
    """Everything the servers need, and what the fleet tells its users."""

    sites: list[Site]
    hosts: dict[str, VirtualHost]
    records: dict[str, dict[str, list[str]]]
    faults: dict[str | tuple[str, str], DnsFault]
    expected: dict[tuple[str, str], Status] = field(default_factory=lambda: dict(EXPECTED))


def dns_records(specs: Sequence[PortalSpec], as_of: dt.date) -> dict[str, dict[str, list[str]]]:
    """The zones of the fleet: one per registered domain plus the CDN's, all on loopback."""
    serial = f"{as_of:%Y%m%d}01"
    zones = sorted({spec.zone for spec in specs} | {CDN_ZONE})
    ns_v4_only = {spec.zone for spec in specs if not spec.nameservers_ipv6}
    records: dict[str, dict[str, list[str]]] = {}
    for zone in zones:
        records[zone] = {
            "SOA": [f"ns1.{zone} hostmaster.{zone} {serial} 3600 900 1209600 300"],
            "NS": [f"ns1.{zone}", f"ns2.{zone}"],
        }
        for ns in ("ns1", "ns2"):
            records[f"{ns}.{zone}"] = (
                {"A": [V4]} if zone in ns_v4_only else {"A": [V4], "AAAA": [V6]}
            )
    records[CDN_EDGE] = {"A": [V4], "AAAA": [V6]}
    for spec in specs:
        match spec.address:
            case Address.DUAL:
                records[spec.host] = {"A": [V4], "AAAA": [V6]}
            case Address.V4_ONLY:
                records[spec.host] = {"A": [V4]}
            case Address.CDN:
                # as CDNs do: a per-customer name, then a shared edge
                customer = f"{spec.host}.w.{CDN_ZONE}"
                records[spec.host] = {"CNAME": [customer]}
                records[customer] = {"CNAME": [CDN_EDGE]}
            case Address.NONE:
                pass
        if spec.ipv4_only_services:
            records[spec.services_host] = {"A": [V4]}
    return records


def build(
    as_of: dt.date,
    *,
    http_port: int,
    refused_port: int,
    specs: Sequence[PortalSpec] = PORTALS,
) -> FleetData:
    """The fleet's pages, zones and sites for servers on `http_port` (and `refused_port`)."""
    city = next(spec for spec in specs if spec.kind is SiteKind.CITY)
    city_url = f"http://{city.host}:{http_port}/"
    hosts: dict[str, VirtualHost] = {}
    sites: list[Site] = []
    for spec in specs:
        if spec.served:
            portal = _Portal(spec, port=http_port, as_of=as_of, city_url=city_url)
            hosts[spec.host] = VirtualHost(portal.pages(), ipv4=spec.ipv4, ipv6=spec.ipv6)
            hint_urls = {name: portal.base + portal.col(key) for name, key in spec.hints}
            if spec.ipv4_only_services:
                home = portal.base + portal.home_path
                hosts[spec.services_host] = VirtualHost(_services_pages(spec, home))
        else:
            hint_urls = {}
        port = refused_port if spec.refused else http_port
        sites.append(
            Site(
                id=spec.id,
                name=spec.name,
                url=f"http://{spec.host}:{port}/",
                kind=spec.kind,
                hints=Hints(**hint_urls),
            )
        )
    faults: dict[str | tuple[str, str], DnsFault] = {
        (name if rdtype is None else (name, rdtype)): fault
        for spec in specs
        for name, rdtype, fault in spec.dns_faults
    }
    return FleetData(
        sites=sites,
        hosts=hosts,
        records=dns_records(specs, as_of),
        faults=faults,
        expected={
            key: status for key, status in EXPECTED.items() if key[0] in {s.id for s in specs}
        },
    )
