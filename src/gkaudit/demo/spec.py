"""How a demo portal is described: `PortalSpec` (who it is, how its pages look, what is wrong
with it) and `DemoFault` (one thing a check's `demo.py` plants on one portal, with the verdicts
it brings).

The portals themselves are in `identities` (faultless); the faults come from
`gkaudit/checks/<name>/demo.py`, and `expected` plants them and assembles the expected table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from gkaudit.demo.content import GOV_DOCS
from gkaudit.demo.dns import DnsFault
from gkaudit.demo.http import Behaviour
from gkaudit.demo.pages import DateStyle
from gkaudit.model import SiteKind, Status

#: The plans `gkaudit demo` scans the fleet against: the Dalian plan and the national indicators.
DEMO_PLANS = ("dalian-2022", "gwjc-2019")

#: The rule ids of the demo's plans (the Dalian plan's, then the national indicators' own) that the
#: fleet is built to decide.
RULE_IDS = (
    "site.reachable",
    "ipv6.aaaa",
    "ipv6.reachable",
    "ipv6.links",
    "ipv6.nameservers",
    "column.business-relief",
    "column.negative-list",
    "column.fee-list",
    "column.regulations-library",
    "column.agri-subsidies",
    "policy.interpretation",
    "policy.interpretation-forms",
    "disclosure.catalogue",
    "disclosure.annual-report",
    "privacy.personal-data",
    "wording.severe",
    "wording.typos",
    "feedback.jiucuo",
    "identity.site-code",
    "identity.icp",
    "identity.police-record",
    "identity.conac-badge",
    "identity.sponsor",
    "site.home-updated",
    "columns.updated",
    "columns.blank",
    "interaction.channel",
    "interaction.response",
    "links.broken",
    "site.search",
)

CITY = "港康市"
CITY_ZONE = "gkcity.gov.cn"
CDN_ZONE = "gkcdn.net"
CDN_EDGE = "dl-edge01.gkcdn.net"
V4 = "127.0.0.1"
V6 = "::1"


class Home(StrEnum):
    """How a portal's URL leads to its home page."""

    PAGE = "page"  # "/" is the home page
    REDIRECT = "redirect"  # HTTP 301 "/" -> "/index.html"
    META = "meta"  # "/" holds a meta refresh to "/index.shtml"
    SCRIPT = "script"  # "/" sets window.location to "/portal/index.html"
    FRAMESET = "frameset"  # "/" is a frameset whose frame is "/main.html"


class Address(StrEnum):
    """What the DNS says about the portal's host."""

    DUAL = "dual"  # A and AAAA
    CDN = "cdn"  # CNAME -> CNAME -> a CDN edge with A and AAAA
    V4_ONLY = "v4-only"  # A only
    NONE = "none"  # no record: NXDOMAIN


class Relief(StrEnum):
    """Where the home page links its 助企纾困 column."""

    NONE = "none"
    NAV = "nav"  # a nav bar item
    BANNER = "banner"  # a banner image whose alt is 助企纾困
    BANNER_NO_ALT = "banner-no-alt"  # a banner image without alt: only a hint finds it
    TOPIC = "topic"  # a text link 助企纾困专题 in the 专题专栏 box


class Catalogue(StrEnum):
    """The shape of the 政府信息公开 platform."""

    STANDARD = "standard"  # nav 政府信息公开 -> the four sections by their standard names
    SHORT_NAMES = "short-names"  # nav 信息公开; 信息公开指南, 政府信息公开制度文件, 信息公开年报
    DETOUR = "detour"  # no 信息公开 link on the home page: only through 政务公开
    MISSING_SECTION = "missing-section"  # no 法定主动公开内容
    BROKEN_SECTION = "broken-section"  # the 政府信息公开制度 link answers 404


class Search(StrEnum):
    """What the portal's site search finds (`gkaudit.demo.search`)."""

    FRESH = "fresh"  # what the site publishes, the day it does
    STALE = "stale"  # nothing of the last STALE_DAYS days: the index is not rebuilt
    NONE = "none"  # no search box on the home page


class UrlStyle(StrEnum):
    HANWEB = "hanweb"  # /col/col1234/index.html, /art/2026/11/20/art_1234_5678.html
    TRS = "trs"  # /zcjd/, /zcjd/202611/t20261120_5678.html (relative links in lists)


@dataclass(frozen=True)
class PortalSpec:
    """One demo portal: who runs it, how its pages look, and what is wrong with it."""

    id: str
    name: str  # the body, also the site name: 港康市西岭区人民政府
    short: str  # how its own pages call it: 西岭区, 市科技局
    host: str
    kind: SiteKind
    zone: str  # its DNS zone = its registered domain
    site_code: str  # 网站标识码: 2102 + region + serial
    icp: str
    police: str  # 公安机关备案号, 14 digits
    col_base: int
    doc_base: int
    doc_prefix: str  # 文号 prefix: 港政发〔2026〕12号
    shows: str  # one line: what this portal is in the fleet for
    url_style: UrlStyle = UrlStyle.HANWEB
    encoding: str = "utf-8"  # of the bytes sent
    charset: str | None = "utf-8"  # in Content-Type (None: only the page's meta says)
    home: Home = Home.PAGE
    address: Address = Address.DUAL
    nameservers_ipv6: bool = True
    ipv4: Behaviour = Behaviour.SERVE
    ipv6: Behaviour = Behaviour.SERVE
    refused: bool = False  # its URL names a port where nothing listens
    relief: Relief = Relief.NONE
    relief_age: int = 3  # days since the newest 助企纾困 item
    interpretations: tuple[int, int] = (6, 6)  # (items, items that link their document)
    catalogue: Catalogue = Catalogue.STANDARD
    report_lag: int = 0  # years the newest annual report is behind the one due
    ipv4_only_services: bool = False  # its 办事服务 links go to zwfw.<zone>, which has no AAAA
    #: days nobody has published anything: every dated item is that much older
    idle_days: int = 0
    dates: DateStyle = DateStyle.ISO  # in column lists
    home_dates: DateStyle | None = None  # in home page lists (default: `dates`)
    docs: tuple[tuple[str, str], ...] = GOV_DOCS
    extra_news: tuple[str, ...] = ()  # newest first, before the usual news
    #: notices (title, body HTML) published before the usual ones, two days ago
    extra_notices: tuple[tuple[str, str], ...] = ()
    report_title: str = "{name}{year}年政府信息公开工作年度报告"
    hints: tuple[tuple[str, str], ...] = ()  # (sites.yaml hint name, column key)
    dns_faults: tuple[tuple[str, str | None, DnsFault], ...] = ()  # (name, type, fault)
    #: the age in days of the newest item of each 新闻中心 column besides 要闻动态 (部门动态,
    #: 基层动态, ... in `content.NEWS_COLUMN_ITEMS` order); empty: no 新闻中心
    news_columns: tuple[int, ...] = ()
    blank_columns: int = 0  # 政务公开 columns opened and never filled (`blank_columns`)
    mailbox: bool = True  # a 领导信箱 in 互动交流 (else only 网上信访 and 纪检举报 there)
    unanswered_letter: int | None = None  # days since a letter of the 领导信箱 waits, 办理中
    jiucuo: bool = True  # the footer carries the 我为政府网站找错 entrance
    conac_badge: bool = True  # the footer carries the 党政机关网站标识 (bszs.conac.cn)
    jiucuo_code: str | None = None  # the sitecode it is served with (None: its own site_code)
    #: the 网站标识码 its footer prints, typed by hand in the footer template (None: its own
    #: site_code, as in the SiteIDCode meta, the 找错 sitecode and the conac id)
    footer_code: str | None = None
    sponsor_line: bool = True  # the footer's 主办单位 line (with 承办单位 and 联系电话)
    tags: tuple[str, ...] = ()  # sites.yaml tags: the bodies the plan's clauses name
    #: 友情链接 after the usual ones: (text, URL), "{port}" in the URL being the fleet's port
    extra_friends: tuple[tuple[str, str], ...] = ()
    #: 专题专栏 banners after the usual ones: (alt, link, image), "{port}" as above
    extra_banners: tuple[tuple[str, str, str], ...] = ()
    search: Search = Search.FRESH
    #: an icon before the crumbs of the inner pages (当前位置), not served: a 404 image
    crumbs_icon: str | None = None
    # days since the newest item of the columns the Dalian plan names (None: no such column),
    # each published where its rule applies (RULE_SCOPES)
    negative_list_age: int | None = 20
    fee_list_age: int | None = 40
    library_age: int | None = 15
    subsidies_age: int | None = 30

    @property
    def government(self) -> bool:
        return self.kind is not SiteKind.DEPARTMENT

    @property
    def served(self) -> bool:
        """Whether the HTTP server has pages for it."""
        return not self.refused and self.address is not Address.NONE

    @property
    def services_host(self) -> str:
        return f"zwfw.{self.zone}"


#: The kinds and tags each rule of the demo's plans applies to, as its `applies_to` says, where
#: not to every site (the others get `skip`).
RULE_SCOPES: Mapping[str, frozenset[str]] = {
    "column.business-relief": frozenset({"city", "district"}),
    "column.negative-list": frozenset({"city", "dev-reform", "commerce"}),
    "column.fee-list": frozenset({"city", "finance"}),
    "column.regulations-library": frozenset({"city", "district"}),
    "column.agri-subsidies": frozenset({"agri"}),
}


def applies(spec: PortalSpec, rule: str) -> bool:
    """Whether `rule` applies to the portal (its kind or one of its tags is in scope)."""
    scope = RULE_SCOPES.get(rule)
    return scope is None or spec.kind.value in scope or any(t in scope for t in spec.tags)


@dataclass(frozen=True)
class DemoFault:
    """One fault a check plants on one demo portal, and what the demo's plans conclude there.

    `changes` are `PortalSpec` fields and their faulty values; `verdicts` the status of every
    rule the fault changes (the others pass, or skip where the rule does not apply).
    """

    portal: str  # a PortalSpec id
    what: str  # one line: the fault, as an inspector would see it
    changes: Mapping[str, Any]
    verdicts: Mapping[str, Status]

    def __post_init__(self) -> None:
        known = {f.name for f in fields(PortalSpec)}
        unknown = sorted(set(self.changes) - known)
        if unknown:
            raise ValueError(f"fault on {self.portal}: unknown PortalSpec fields {unknown}")
        rules = sorted(set(self.verdicts) - set(RULE_IDS))
        if rules:
            raise ValueError(f"fault on {self.portal}: unknown rules {rules}")

    def plant(self, spec: PortalSpec) -> PortalSpec:
        return replace(spec, **self.changes)
