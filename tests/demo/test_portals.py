"""The demo portals say what `EXPECTED` claims they say, checked on the pages themselves.

These tests read the generated pages directly (no sockets) with a deliberately simple reader,
independent of gkaudit's own parser: if a portal is meant to pass a rule, the evidence for it must
be on its pages; if it is meant to fail, the fault must be there.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from gkaudit.demo.disclosure import due_report_year
from gkaudit.demo.expected import EXPECTED, PORTALS
from gkaudit.demo.http import Behaviour, Response
from gkaudit.demo.outside import REMOVED_HOST
from gkaudit.demo.portals import FleetData, build
from gkaudit.demo.spec import RULE_IDS, Address, PortalSpec
from gkaudit.model import SiteKind, Status
from tests.demo.conftest import AS_OF

PORT = 8080
REFUSED_PORT = 8081
SPECS = {spec.id: spec for spec in PORTALS}
# a day in January (short dates cross the year), between the two report deadlines, after both
DAYS = [AS_OF, dt.date(2027, 1, 5), dt.date(2026, 2, 15), dt.date(2026, 4, 1)]
DATE_RE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})")
REPORT_RE = re.compile(r"(\d{4})年(?:度)?.*政府信息公开.*报告")
ORIGINAL_LABELS = ("原文", "政策文件", "相关文件", "文件全文")

P, F, W, E, S = Status.PASS, Status.FAIL, Status.WARN, Status.ERROR, Status.SKIP


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


class _Reader(HTMLParser):
    """Links (with the text of nested tags and image alt), frame sources, title, #zoom links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.zoom_links: list[tuple[str, str, str]] = []  # (href, text, text just before)
        self.frames: list[str] = []
        self.title = ""
        self._anchor: list[str] | None = None
        self._in_title = False
        self._zoom_depth = 0
        self._before = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if self._zoom_depth and tag == "div":
            self._zoom_depth += 1
        if values.get("id") == "zoom":
            self._zoom_depth = 1
        if tag == "a":
            self._anchor = [values.get("href", ""), ""]
        elif tag == "img" and self._anchor is not None:
            self._anchor[1] += values.get("alt", "")
        elif tag in ("frame", "iframe"):
            self.frames.append(values.get("src", ""))
        elif tag == "title":
            self._in_title = True
        elif tag == "p":
            self._before = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            href, text = self._anchor[0], norm(self._anchor[1])
            self.links.append((href, text))
            if self._zoom_depth:
                self.zoom_links.append((href, text, norm(self._before)))
            self._anchor = None
        elif tag == "title":
            self._in_title = False
        elif tag == "div" and self._zoom_depth:
            self._zoom_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor[1] += data
        else:
            self._before += data
        if self._in_title:
            self.title += data


class Fleet:
    """Read access to the pages of one build."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.data: FleetData = build(as_of, http_port=PORT, refused_port=REFUSED_PORT)
        self._read: dict[str, _Reader] = {}

    def response(self, url: str) -> Response | None:
        parts = urlsplit(url)
        host = self.data.hosts.get(parts.hostname or "")
        return None if host is None else host.pages.get(parts.path or "/")

    def text(self, url: str) -> str:
        response = self.response(url)
        assert response is not None, f"no page at {url}"
        charset = "gb18030" if "gb2312" in response.content_type else "utf-8"
        return response.body.decode(charset)

    def read(self, url: str) -> _Reader:
        parts = urlsplit(url)
        key = f"{parts.hostname}{parts.path or '/'}"
        if key not in self._read:
            self._read[key] = _Reader()
            self._read[key].feed(self.text(url))
        return self._read[key]

    def links(self, url: str) -> list[tuple[str, str]]:
        """(absolute URL, normalized text) of every http(s) link on the page."""
        found = []
        for href, text in self.read(url).links:
            absolute = urljoin(url, href)
            if urlsplit(absolute).scheme in ("http", "https"):
                found.append((absolute, text))
        return found

    def home(self, spec: PortalSpec) -> str:
        """The home page URL after the 301, meta refresh, script or frame of "/"."""
        url = f"http://{spec.host}:{PORT}/"
        for _ in range(3):
            response = self.response(url)
            assert response is not None
            if response.location:
                url = urljoin(url, response.location)
                continue
            page = self.text(url)
            reader = self.read(url)
            target = re.search(r'url=([^"]+)"|location\.href = "([^"]+)"', page)
            if target:
                url = urljoin(url, target[1] or target[2])
            elif reader.frames:
                url = urljoin(url, reader.frames[0])
            else:
                return url
        raise AssertionError(f"{spec.id}: no home page after 3 hops")

    def two_levels(self, spec: PortalSpec) -> Iterator[tuple[str, str]]:
        """Links of the home page, then of the same-host pages it links to."""
        home = self.home(spec)
        first = self.links(home)
        yield from first
        for url, _ in first:
            if urlsplit(url).hostname == spec.host and self.response(url) is not None:
                yield from self.links(url)


@pytest.fixture(scope="module", params=DAYS, ids=str)
def fleet(request: pytest.FixtureRequest) -> Fleet:
    return Fleet(request.param)


def served(*statuses: Status, rule: str) -> list[PortalSpec]:
    return [s for s in PORTALS if s.served and EXPECTED[(s.id, rule)] in statuses]


# --- the table --------------------------------------------------------------------------------


def test_expected_has_every_site_and_rule() -> None:
    assert set(EXPECTED) == {(spec.id, rule) for spec in PORTALS for rule in RULE_IDS}
    assert len(PORTALS) == 14 and len(SPECS) == 14


def test_every_verdict_of_every_rule_appears() -> None:
    shown = {rule: {EXPECTED[(s.id, rule)] for s in PORTALS} for rule in RULE_IDS}
    assert shown == {
        "site.reachable": {P, F},
        "ipv6.aaaa": {P, F},
        "ipv6.reachable": {P, F, E},
        "ipv6.links": {P, F, E},
        "feedback.jiucuo": {P, F, W, E},
        "ipv6.nameservers": {P, W, E},
        "column.business-relief": {P, W, F, E, S},
        "column.negative-list": {P, F, S},
        "column.fee-list": {P, W, S},
        "column.regulations-library": {P, F, E, S},
        "column.agri-subsidies": {P, F, E, S},
        "policy.interpretation": {P, F, E},
        "policy.interpretation-forms": {P, W, E},
        "disclosure.catalogue": {P, F, E},
        "disclosure.annual-report": {P, F, E},
        "privacy.personal-data": {P, W, F, E},
        "wording.severe": {P, F, E},
        "wording.typos": {P, W, E},
        "identity.site-code": {P, F, E},
        "identity.icp": {P, F, E},
        "identity.police-record": {P, F, E},
        "identity.conac-badge": {P, F, E},
        "identity.sponsor": {P, F, E},
        "site.home-updated": {P, F, E},
        "columns.updated": {P, W, F, E},
        "columns.blank": {P, W, F, E},
        "interaction.channel": {P, F, E},
        "interaction.response": {P, W, F, E, S},
        "links.broken": {P, F, E},
        "site.search": {P, W, F, E},
    }


@pytest.mark.parametrize("spec", PORTALS, ids=lambda s: s.id)
def test_expected_follows_from_what_the_portal_is(spec: PortalSpec) -> None:
    expected = {rule: EXPECTED[(spec.id, rule)] for rule in RULE_IDS}
    reachable = spec.served and spec.ipv4 is not Behaviour.SLOW
    assert expected["site.reachable"] == (P if reachable else F)
    has_aaaa = spec.address in (Address.DUAL, Address.CDN)
    assert expected["ipv6.aaaa"] == (P if has_aaaa else F)
    if spec.kind is SiteKind.DEPARTMENT:
        assert expected["column.business-relief"] == S
    else:
        assert expected["column.business-relief"] != S
    if not reachable:
        # no AAAA is definite even when no page loads: ipv6.reachable fails, as ipv6.aaaa does
        assert expected["ipv6.reachable"] == (E if has_aaaa else F)
        page_rules = [r for r in RULE_IDS[3:] if r != "ipv6.nameservers"]
        assert all(expected[r] in (E, S) for r in page_rules)
    if not spec.nameservers_ipv6:
        assert expected["ipv6.nameservers"] == W
    if reachable and expected["ipv6.reachable"] == P:
        assert has_aaaa and spec.ipv6 is Behaviour.SERVE


def test_due_report_year_follows_article_49() -> None:
    dept, gov = SiteKind.DEPARTMENT, SiteKind.DISTRICT
    assert due_report_year(dept, dt.date(2026, 1, 31)) == 2024  # due by the end of the day
    assert due_report_year(dept, dt.date(2026, 2, 1)) == 2025
    assert due_report_year(gov, dt.date(2026, 3, 31)) == 2024
    assert due_report_year(gov, dt.date(2026, 4, 1)) == 2025
    assert due_report_year(SiteKind.CITY, dt.date(2026, 12, 31)) == 2025


# --- the build --------------------------------------------------------------------------------


def test_sites_and_hints(fleet: Fleet) -> None:
    sites = {site.id: site for site in fleet.data.sites}
    assert list(sites) == [spec.id for spec in PORTALS]
    for spec in PORTALS:
        port = REFUSED_PORT if spec.refused else PORT
        assert sites[spec.id].url == f"http://{spec.host}:{port}/"
        assert sites[spec.id].kind is spec.kind
    hint = sites["huangang"].hints.business_relief_url
    assert hint is not None and fleet.response(hint) is not None
    assert all(
        s.hints.model_dump(exclude_none=True) == {} for s in sites.values() if s.id != "huangang"
    )


def test_a_build_is_the_same_for_the_same_day(fleet: Fleet) -> None:
    again = build(fleet.as_of, http_port=PORT, refused_port=REFUSED_PORT)
    assert again == fleet.data
    other = build(fleet.as_of + dt.timedelta(days=1), http_port=PORT, refused_port=REFUSED_PORT)
    assert other.hosts != fleet.data.hosts


def test_nothing_is_dated_after_as_of(fleet: Fleet) -> None:
    for host, vhost in fleet.data.hosts.items():
        for path, response in vhost.pages.items():
            if not response.content_type.startswith("text/html"):
                continue
            for year, month, day in DATE_RE.findall(path + fleet.text(f"http://{host}{path}")):
                if 2000 < int(year) < 2100:  # the path's art/YYYY/M/D and the dates in the page
                    assert dt.date(int(year), int(month), int(day)) <= fleet.as_of, path


def test_pages_are_small(fleet: Fleet) -> None:
    sizes = [len(r.body) for vhost in fleet.data.hosts.values() for r in vhost.pages.values()]
    assert max(sizes) < 12_000


def test_every_link_to_the_fleet_leads_to_a_page(fleet: Fleet) -> None:
    """Only the deliberately broken links 404, and only the removed host is not served: the
    link rates and `links.broken` depend on it. The outside hosts the portals link (www.gov.cn,
    the 备案 systems...) are served by the fleet too."""
    broken = set()
    unserved = set()
    for host, vhost in fleet.data.hosts.items():
        for path, response in vhost.pages.items():
            if not response.content_type.startswith("text/html"):
                continue
            url = f"http://{host}:{PORT}{path}"
            targets = [u for u, _ in fleet.links(url)]
            targets += [urljoin(url, src) for src in fleet.read(url).frames]
            if response.location:
                targets.append(urljoin(url, response.location))
            for target in targets:
                target_host = urlsplit(target).hostname or ""
                if target_host not in fleet.data.hosts:
                    unserved.add((host, target_host))
                elif fleet.response(target) is None:
                    broken.add((host, urlsplit(target).path))
    beihai = SPECS["beihai"]
    # links.broken's fault: a banner to a page gone from the city's site
    planted = (beihai.host, urlsplit(beihai.extra_banners[0][1]).path)
    assert planted in broken
    ((host, path),) = broken - {planted}  # beihai's 政府信息公开制度, found by its text below
    assert host == beihai.host
    assert ("政府信息公开制度", path) in {
        (t, urlsplit(u).path) for u, t in _platform_links(fleet, "beihai")
    }
    assert unserved == {(beihai.host, REMOVED_HOST)}  # the old 网上办事大厅: NXDOMAIN


def test_the_missing_icon_of_inner_pages(fleet: Fleet) -> None:
    """links.broken's sampled-rate fault: on every inner page of nanshan, on no home page."""
    icon = SPECS["nanshan"].crumbs_icon
    assert icon is not None and fleet.response(f"http://{SPECS['nanshan'].host}{icon}") is None
    for spec in PORTALS:
        if spec.served:
            home = fleet.home(spec)
            assert icon not in fleet.text(home)
            inner = [
                u for u, _ in fleet.links(home) if urlsplit(u).hostname == spec.host and u != home
            ]
            shown = {f'<img src="{icon}"' in fleet.text(u) for u in inner if fleet.response(u)}
            assert shown == {spec.id == "nanshan"}, spec.id


def test_no_portal_links_to_an_unreachable_one(fleet: Fleet) -> None:
    """A link to a dead or slow host would lower the link rates of the portal that has it."""
    dead = {spec.host for spec in PORTALS if spec.address is Address.NONE or spec.refused}
    dead |= {spec.host for spec in PORTALS if spec.ipv4 is Behaviour.SLOW}
    for host, vhost in fleet.data.hosts.items():
        for path, response in vhost.pages.items():
            if response.content_type.startswith("text/html") and host not in dead:
                hosts = {urlsplit(u).hostname for u, _ in fleet.links(f"http://{host}{path}")}
                assert not hosts & dead, f"{host}{path}"


# --- site.reachable: the ways "/" leads home -----------------------------------------------------


def test_the_ways_home(fleet: Fleet) -> None:
    def root(portal: str) -> Response:
        response = fleet.response(f"http://{SPECS[portal].host}/")
        assert response is not None
        return response

    assert root("gkcity").status == 301 and root("gkcity").location == "/index.html"
    assert 'http-equiv="refresh" content="0; url=/index.shtml"' in root("kjj").body.decode()
    assert 'window.location.href = "/portal/index.html"' in root("huangang").body.decode()
    assert '<frame src="/main.html"' in root("donggang").body.decode()
    for spec in PORTALS:
        if spec.served:
            home = fleet.home(spec)
            assert fleet.read(home).title.strip() == spec.name
            assert fleet.response(home) is not None


def test_every_home_page_carries_the_chrome_of_a_government_portal(fleet: Fleet) -> None:
    for spec in PORTALS:
        if not spec.served:
            continue
        page = fleet.text(fleet.home(spec))
        assert spec.site_code.startswith("2102")
        # jinhai's footer code, fgw's ICP number, nanshan's 公安 number mistyped or lost and
        # czj's 主办单位 line lost are faults of site_identity's demo.py
        assert re.findall(r"网站标识码：([0-9a-z]+)", page) == [spec.footer_code or spec.site_code]
        assert ("主办单位：" in page and "联系电话：0411-8" in page) is spec.sponsor_line
        assert (re.search(r"辽ICP备\d{8}号-\d+", page) is not None) is bool(spec.icp)
        assert f"辽公网安备 {spec.police}号" in page and spec.police.startswith("2102")
        assert ('alt="我为政府网站找错"' in page) is spec.jiucuo
        assert ('alt="党政机关"' in page) is spec.conac_badge
        assert f'href="http://www.gov.cn:{PORT}/"' in page  # an outside host, on loopback
        assert "<span>政务</span>&nbsp;<span>公开</span>" in page
        assert f'<meta name="SiteIDCode" content="{spec.site_code}">' in page


def test_date_styles(fleet: Fleet) -> None:
    def home_dates(portal: str) -> str:
        return fleet.text(fleet.home(SPECS[portal]))

    day = fleet.as_of - dt.timedelta(days=1)
    assert f'<span class="date">{day.isoformat()}</span>' in home_dates("gkcity")
    assert f"{day.year}年{day.month}月{day.day}日" in home_dates("donggang")
    assert f"{day.year}/{day.month:02d}/{day.day:02d}" in home_dates("beihai")
    assert f"[{day.month:02d}-{day.day:02d}]" in home_dates("xiling")


def test_the_gbk_portal(fleet: Fleet) -> None:
    spec = SPECS["xiling"]
    home = fleet.response(fleet.home(spec))
    assert home is not None
    assert home.content_type == "text/html; charset=gb2312"
    text = home.body.decode("gb18030")
    assert "王镕" in text and 'content="text/html; charset=gb2312"' in text
    with pytest.raises(UnicodeDecodeError):
        home.body.decode("gb2312")
    kjj = fleet.response(f"http://{SPECS['kjj'].host}/index.shtml")
    assert kjj is not None and kjj.content_type == "text/html"  # only its <meta> says utf-8


# --- ipv6.links -------------------------------------------------------------------------------


def test_the_ipv4_only_services_weigh_on_the_level_2_rate(fleet: Fleet) -> None:
    spec = SPECS["huangang"]
    registered = spec.zone
    internal = {
        u
        for u, _ in fleet.links(fleet.home(spec))
        if (urlsplit(u).hostname or "").endswith(registered)
    }
    v4_only = {u for u in internal if urlsplit(u).hostname == spec.services_host}
    assert len(v4_only) == 8
    assert 1 - len(v4_only) / len(internal) < 0.95
    assert (
        spec.services_host in fleet.data.records
        and "AAAA" not in fleet.data.records[spec.services_host]
    )


# --- column.business-relief -------------------------------------------------------------------


def _relief_column(fleet: Fleet, spec: PortalSpec) -> str | None:
    """The 助企纾困 column: a link named by it (text or alt) to a list page, or the hint."""
    hint = next((fleet.data.sites[i] for i, s in enumerate(PORTALS) if s is spec)).hints
    if hint.business_relief_url:
        return hint.business_relief_url
    for url, text in fleet.two_levels(spec):
        if text in ("助企纾困", "助企纾困专题") and fleet.response(url) is not None:
            return url
    return None


def _dated_items(fleet: Fleet, url: str) -> list[dt.date]:
    page = fleet.text(url)
    listing = page[page.index('<ul class="list">') :]
    return [dt.date(int(y), int(m), int(d)) for y, m, d in DATE_RE.findall(listing)]


@pytest.mark.parametrize(
    "spec", [s for s in PORTALS if s.served and s.government], ids=lambda s: s.id
)
def test_business_relief(fleet: Fleet, spec: PortalSpec) -> None:
    expected = EXPECTED[(spec.id, "column.business-relief")]
    column = _relief_column(fleet, spec)
    if expected is F:
        assert column is None
        titles = [t for _, t in fleet.links(fleet.home(spec)) if "助企纾困" in t]
        assert titles == ["金海新区召开助企纾困政策宣讲会"]  # an article, not a column
        return
    assert column is not None
    dates = _dated_items(fleet, column)
    assert len(dates) >= 3
    age = (fleet.as_of - max(dates)).days
    assert (age <= 90) == (expected is P), age


def test_the_image_only_relief_link_needs_its_hint(fleet: Fleet) -> None:
    spec = SPECS["huangang"]
    assert not [u for u, t in fleet.two_levels(spec) if "助企纾困" in t]
    hint = fleet.data.sites[[s.id for s in PORTALS].index("huangang")].hints.business_relief_url
    assert hint in [u for u, t in fleet.links(fleet.home(spec)) if t == ""]


# --- policy.interpretation --------------------------------------------------------------------


def _linked_share(fleet: Fleet, spec: PortalSpec) -> float:
    home = fleet.home(spec)
    column = next(u for u, t in fleet.links(home) if t == "政策解读")
    items = [u for u, _ in fleet.links(column) if "/art/" in u or "/t2" in u]
    linked = 0
    for item in items[:10]:
        for href, text, before in fleet.read(item).zoom_links:
            label = text + before[-6:]
            if any(word in label for word in ORIGINAL_LABELS) and fleet.response(
                urljoin(item, href)
            ):
                linked += 1
                break
    return linked / len(items[:10])


@pytest.mark.parametrize(
    "spec",
    served(P, F, rule="policy.interpretation"),
    ids=lambda s: s.id,
)
def test_policy_interpretation(fleet: Fleet, spec: PortalSpec) -> None:
    share = _linked_share(fleet, spec)
    assert (share >= 0.8) == (EXPECTED[(spec.id, "policy.interpretation")] is P), share


def test_the_city_links_its_documents_in_every_way_portals_do(fleet: Fleet) -> None:
    spec = SPECS["gkcity"]
    column = next(u for u, t in fleet.links(fleet.home(spec)) if t == "政策解读")
    forms: Counter[str] = Counter()
    for item, _ in fleet.links(column):
        if "/art/" in item:
            for _, text, before in fleet.read(item).zoom_links:
                forms[text if text in ("政策原文", "文件全文") else before[-5:]] += 1
    assert set(forms) == {"政策原文", "文件全文", "原文:", "相关文件:"}  # labels normalized


# --- disclosure.catalogue and disclosure.annual-report ----------------------------------------

SECTION_NAMES = {
    "政府信息公开指南": ("政府信息公开指南", "信息公开指南"),
    "政府信息公开制度": ("政府信息公开制度", "信息公开制度"),
    "法定主动公开内容": ("法定主动公开内容",),
    "政府信息公开年报": ("政府信息公开年报", "信息公开年报"),
}


def _platform(fleet: Fleet, spec: PortalSpec) -> str | None:
    home = fleet.home(spec)
    for url, text in fleet.links(home):
        if text in ("政府信息公开", "信息公开"):
            return url
    for url, text in fleet.links(home):
        if text == "政务公开":
            return next((u for u, t in fleet.links(url) if t == "政府信息公开"), None)
    return None


def _platform_links(fleet: Fleet, portal: str) -> list[tuple[str, str]]:
    platform = _platform(fleet, SPECS[portal])
    assert platform is not None
    return fleet.links(platform)


def _sections(fleet: Fleet, spec: PortalSpec) -> dict[str, str]:
    found: dict[str, str] = {}
    for url, text in _platform_links(fleet, spec.id):
        for section, names in SECTION_NAMES.items():
            if any(text.startswith(name) for name in names):
                found.setdefault(section, url)
    return found


@pytest.mark.parametrize("spec", served(P, F, rule="disclosure.catalogue"), ids=lambda s: s.id)
def test_disclosure_catalogue(fleet: Fleet, spec: PortalSpec) -> None:
    sections = _sections(fleet, spec)
    complete = set(sections) == set(SECTION_NAMES) and all(
        fleet.response(url) is not None for url in sections.values()
    )
    assert complete == (EXPECTED[(spec.id, "disclosure.catalogue")] is P), sections


def test_the_catalogue_faults_are_the_ones_meant(fleet: Fleet) -> None:
    assert "法定主动公开内容" not in _sections(fleet, SPECS["jinhai"])
    beihai = _sections(fleet, SPECS["beihai"])
    assert [s for s, url in beihai.items() if fleet.response(url) is None] == ["政府信息公开制度"]
    xiling = SPECS["xiling"]
    assert not [t for _, t in fleet.links(fleet.home(xiling)) if "信息公开" in t]  # the detour
    kjj = {t for _, t in _platform_links(fleet, "kjj")}
    assert {"信息公开指南", "政府信息公开制度文件", "信息公开年报"} <= kjj


@pytest.mark.parametrize("spec", served(P, F, rule="disclosure.annual-report"), ids=lambda s: s.id)
def test_annual_report(fleet: Fleet, spec: PortalSpec) -> None:
    reports = _sections(fleet, spec)["政府信息公开年报"]
    years = {int(m[1]) for _, t in fleet.links(reports) if (m := REPORT_RE.search(t))}
    due = due_report_year(spec.kind, fleet.as_of)
    assert len(years) == 4
    if EXPECTED[(spec.id, "disclosure.annual-report")] is P:
        assert due in years
    else:
        assert max(years) == due - 1


# --- interaction ------------------------------------------------------------------------------


def _interaction_links(fleet: Fleet, spec: PortalSpec) -> dict[str, str]:
    """Text -> URL of the links the 互动交流 column page lists (its own, not the chrome's)."""
    home = fleet.home(spec)
    (column,) = {url for url, text in fleet.links(home) if text == "互动交流"}
    chrome = {url for url, _ in fleet.links(home)}
    return {text: url for url, text in fleet.links(column) if url not in chrome}


@pytest.mark.parametrize("spec", served(P, F, rule="interaction.channel"), ids=lambda s: s.id)
def test_interaction_channel(fleet: Fleet, spec: PortalSpec) -> None:
    links = _interaction_links(fleet, spec)
    assert all(fleet.response(url) is not None for url in links.values())
    if EXPECTED[(spec.id, "interaction.channel")] is P:
        assert "领导信箱" in links
    else:
        # only the special channels the indicator excludes, each a page of its own
        assert set(links) == {"网上信访", "纪检监察举报", "征集调查"}
        assert EXPECTED[(spec.id, "interaction.response")] is S


# --- columns ----------------------------------------------------------------------------------


def _hub_links(fleet: Fleet, spec: PortalSpec, name: str) -> dict[str, str]:
    """Text -> URL of what the home page's nav item `name` lists besides the chrome."""
    home = fleet.home(spec)
    (hub,) = {url for url, text in fleet.links(home) if text == name}
    chrome = {url for url, _ in fleet.links(home)}
    return {text: url for url, text in fleet.links(hub) if url not in chrome}


@pytest.mark.parametrize("spec", [s for s in PORTALS if s.news_columns], ids=lambda s: s.id)
def test_the_news_centre_columns_are_as_old_as_meant(fleet: Fleet, spec: PortalSpec) -> None:
    columns = _hub_links(fleet, spec, "新闻中心")
    assert len(columns) == len(spec.news_columns)
    stale = 0
    for age, url in zip(spec.news_columns, columns.values(), strict=True):
        listed = "".join(re.findall(r'class="date">([^<]+)<', fleet.text(url)))
        newest = max(dt.date(*map(int, d)) for d in DATE_RE.findall(listed))
        assert (fleet.as_of - newest).days == age + spec.idle_days
        stale += age + spec.idle_days > 14  # the indicators' 2 weeks for 动态/要闻
    verdict = EXPECTED[(spec.id, "columns.updated")]
    assert verdict is (F if stale >= 5 else W if stale else P)


@pytest.mark.parametrize("spec", [s for s in PORTALS if s.blank_columns], ids=lambda s: s.id)
def test_a_blank_column_lists_nothing_and_no_script_fills_it(
    fleet: Fleet, spec: PortalSpec
) -> None:
    home = fleet.home(spec)
    chrome = {url for url, _ in fleet.links(home)} | {home}
    columns = _hub_links(fleet, spec, "政务公开")
    blank = [url for url in columns.values() if "共0条" in fleet.text(url)]
    assert len(blank) == spec.blank_columns
    for url in blank:
        page = fleet.text(url)
        assert "<script" not in page  # a list a script builds would be `error`, not blank
        assert '<meta name="ColumnName"' in page
        assert {u for u, _ in fleet.links(url)} <= chrome  # nothing listed but the chrome
    verdict = EXPECTED[(spec.id, "columns.blank")]
    assert verdict is (F if spec.blank_columns >= 5 else W)
