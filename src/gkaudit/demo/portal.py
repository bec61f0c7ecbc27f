"""One demo portal's pages: `Portal` turns a `PortalSpec` into path -> response, with the chrome,
columns, articles, the 政府信息公开 platform and its annual reports of a Hanweb or TRS site.
Dates are counted back from ``as_of``, so one ``as_of`` always gives the same pages. `Portal`
holds the URLs, the chrome and the page builders; each part of the site is built by a module of
its own (`home`, `news_centre`, `policies`, `disclosure`, `mailbox`, `plan_columns`,
`blank_columns`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gkaudit.demo.blank_columns import blank_columns
from gkaudit.demo.content import (
    COLUMNS,
    DEPT_NEWS,
    DEPT_NOTICES,
    GOV_NEWS,
    GOV_NOTICES,
    RELIEF_ITEMS,
    SERVICE_LINKS,
    SHORT_SECTION_NAMES,
    TOPIC_ITEMS,
)
from gkaudit.demo.disclosure import catalogue
from gkaudit.demo.home import entry_page, home_page
from gkaudit.demo.http import Response
from gkaudit.demo.mailbox import mailbox
from gkaudit.demo.news_centre import news_centre
from gkaudit.demo.outside import BEIAN, CONAC, JIUCUO, MIIT
from gkaudit.demo.pages import (
    PIXEL_GIF,
    STYLE_CSS,
    Item,
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
from gkaudit.demo.plan_columns import plan_columns
from gkaudit.demo.policies import policies
from gkaudit.demo.search import search_box
from gkaudit.demo.spec import (
    CITY,
    Catalogue,
    Home,
    PortalSpec,
    Relief,
    UrlStyle,
)


class Portal:
    """Generates the pages of one portal; `pages()` is path -> ready response."""

    def __init__(self, spec: PortalSpec, *, port: int, as_of: dt.date, city_url: str) -> None:
        self.s = spec
        self.as_of = as_of
        self.port = port
        self.city_url = city_url
        self.base = f"http://{spec.host}:{port}"
        self._pages: dict[str, Response] = {}
        self.articles: list[Item] = []  # what the site search finds
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

    def article_path(self, key: str, day: dt.date) -> str:
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
        return self.as_of - dt.timedelta(days=age + self.s.idle_days)

    # --- chrome -------------------------------------------------------------------------------

    def _top(self) -> str:
        logo = f'<img src="/images/logo.gif" alt="{esc(self.s.name)}">'
        return (
            f'<div class="topbar"><div class="w">{today_line(self.as_of)}　'
            '<a href="javascript:void(0);" class="wza">无障碍浏览</a>　'
            '<a href="javascript:void(0);">长者模式</a></div></div>\n'
            f'<div class="header"><div class="w">{link(self.home_path, logo)}\n'
            f"{search_box(self)}</div></div>"
        )

    def _nav(self) -> list[tuple[str, str]]:
        # real nav bars pad short items with &nbsp; and split others into spans
        items = [
            ("首&nbsp;&nbsp;页", self.home_path),
            (esc(self.label("intro")), self.col("intro")),
            ("<span>政务</span>&nbsp;<span>公开</span>", self.col("zwgk")),
        ]
        if self.s.news_columns:
            items.insert(2, ("新闻中心", self.col("xwzx")))
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
            BEIAN.url(self.port, query=f"recordcode={s.police}"),
            f'<img src="/images/gaba.gif" alt="">辽公网安备 {s.police}号',
            blank=True,
        )
        conac = link(
            CONAC.url(self.port, query=f"method=show&id={s.site_code}"),
            '<img src="/images/dzjg.gif" alt="党政机关">',
            blank=True,
        )
        jiucuo = link(
            JIUCUO.url(self.port, query=f"sitecode={s.jiucuo_code or s.site_code}"),
            '<img src="/images/jiucuo.gif" alt="我为政府网站找错">',
            blank=True,
        )
        pages = " | ".join(
            link(self.col(k), self.label(k)) for k in ("about", "sitemap", "contact")
        )
        sponsor_line = (
            f"<p>主办单位：{esc(sponsor)}　承办单位：{CITY}大数据管理中心　"
            f"联系电话：0411-8{s.site_code[-7:]}</p>\n"
        )
        return (
            f'<div class="footer"><div class="w">\n<p>{pages}</p>\n'
            f"{sponsor_line if s.sponsor_line else ''}"
            f"<p>网站标识码：{s.footer_code or s.site_code}　"
            f"{link(MIIT.url(self.port), esc(s.icp), blank=True)}　{police}</p>\n"
            f'<p class="badges">{conac if s.conac_badge else ""} {jiucuo if s.jiucuo else ""}</p>'
            "\n</div></div>"
        )

    def crumbs(self, here: tuple[str, str | None]) -> str:
        """当前位置 of an inner page: the home page, then `here`."""
        return crumbs([("首页", self.home_path), here], icon=self.s.crumbs_icon)

    # --- pages --------------------------------------------------------------------------------

    def put(self, path: str, html_text: str) -> None:
        self.respond(
            path, Response.html(html_text, encoding=self.s.encoding, charset=self.s.charset)
        )

    def respond(self, path: str, response: Response) -> None:
        self._pages[path] = response

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
        path = path or self.article_path(key, day)
        info = (
            f"发布时间：{day.isoformat()} 09:30　来源：{esc(self.s.name)}　字号：[ "
            '<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
            '<a href="javascript:doZoom(14)">小</a> ]'
        )
        main = (
            f"{self.crumbs((self.label(key), self.col(key)))}\n"
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
        self.articles.append(Item(title, day, path))
        return self.articles[-1]

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

    def listing(self, key: str, inner: str) -> None:
        """A list page in markup of its own (a table of letters), with the column metas."""
        metas = [("ColumnName", self.label(key)), ("ColumnType", COLUMNS[key].name)]
        self._column_page(key, inner, "", metas)

    def _column_page(
        self, key: str, inner: str, sidebar: str, metas: Sequence[tuple[str, str]] = ()
    ) -> None:
        inner = f"<h2>{esc(self.label(key))}</h2>\n{inner}"
        main = f"{self.crumbs((self.label(key), None))}\n"
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
        news_centre(self)
        notice_pool = GOV_NOTICES if s.government else DEPT_NOTICES
        notices = [
            self.article("tzgg", title, self.day(2), body) for title, body in s.extra_notices
        ] + [
            self.news_article("tzgg", t, age)
            for t, age in zip(notice_pool, (3, 8, 15, 29), strict=True)
        ]
        self.column("tzgg", notices)
        docs, interpretations = policies(self)
        self._relief()
        for key in ("yshj", "aqsc"):
            items = [
                self.news_article(key, t, age)
                for t, age in zip(TOPIC_ITEMS[key], (11, 40, 75), strict=True)
            ]
            self.column(key, items)
        catalogue(self, docs)
        self._hubs()
        home_page(self, news, notices, docs, interpretations)
        entry_page(self)
        self._assets()
        return self._pages

    def _relief(self) -> None:
        if self.s.relief is Relief.NONE:
            return
        ages = [self.s.relief_age + extra for extra in (0, 12, 27, 45, 70)]
        items = [
            self.news_article("zqsk", t, age) for t, age in zip(RELIEF_ITEMS, ages, strict=True)
        ]
        self.column("zqsk", items)

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
                *plan_columns(self),
                *blank_columns(self),
            ],
        )
        if not s.ipv4_only_services:
            for key in ("grbs", "frbs", "bmfw"):
                self.simple(key, f"{self.label(key)}事项清单及办事指南，请选择具体事项办理。")
        self.hub("bsfw", self.services())
        self._interaction()
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

    def _interaction(self) -> None:
        """互动交流: the 领导信箱 (see `mailbox`), or, without one, only the special channels."""
        if self.s.mailbox:
            self.hub("hdjl", [(self.label(k), self.col(k)) for k in ("ldxx", "zxft", "zjdc")])
            mailbox(self)
            return
        self.hub("hdjl", [(self.label(k), self.col(k)) for k in ("wsxf", "jjjb", "zjdc")])
        self.simple(
            "wsxf",
            f"信访人可通过辽宁省网上信访信息系统提出信访事项，{self.s.short}信访工作机构依法"
            "逐级受理、交办和督办，办理结果通过该系统告知。",
        )
        self.simple(
            "jjjb",
            "纪检监察机关受理对党组织、党员和监察对象违反党纪、职务违法和职务犯罪问题的检举"
            "控告，请实名提交并如实反映问题线索。",
        )

    def services(self) -> list[tuple[str, str]]:
        s = self.s
        if s.ipv4_only_services:
            return [(t, f"http://{s.services_host}:{self.port}{p}") for t, p in SERVICE_LINKS]
        return [(self.label(k), self.col(k)) for k in ("grbs", "frbs", "bmfw")]

    def _assets(self) -> None:
        self.respond(
            "/css/style.css",
            Response(body=STYLE_CSS.encode(), content_type="text/css; charset=utf-8"),
        )
        for name in ("logo", "gaba", "dzjg", "jiucuo", "tujie", "zt_zqsk", "zt_yshj", "zt_aqsc"):
            self.respond(f"/images/{name}.gif", Response(body=PIXEL_GIF, content_type="image/gif"))


def services_pages(spec: PortalSpec, portal: str) -> dict[str, Response]:
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
