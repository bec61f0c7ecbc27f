"""The demo portals' site search: the box in the header and the results page behind it, which
searches the portal's own articles (a GBK portal's query in GBK), a stale index that finds
nothing recent, and a portal without a search box."""

from __future__ import annotations

import datetime as dt
import http.client
from urllib.parse import quote, urlencode

from gkaudit.demo.expected import PORTALS
from gkaudit.demo.fleet import DemoFleet
from gkaudit.demo.portals import build
from gkaudit.demo.search import HANWEB_PATH, STALE_DAYS, TRS_PATH, SiteSearch
from gkaudit.demo.spec import Search, UrlStyle
from tests.demo.conftest import AS_OF

PORT = 8080
SPECS = {spec.id: spec for spec in PORTALS}
DATA = build(AS_OF, http_port=PORT, refused_port=8081)


def search(portal: str, words: str) -> str:
    spec = SPECS[portal]
    vhost = DATA.hosts[spec.host]
    trs = spec.url_style is UrlStyle.TRS
    engine = vhost.searches[TRS_PATH if trs else HANWEB_PATH]
    assert isinstance(engine, SiteSearch)
    field = "searchword" if trs else "q"
    query = urlencode({field: words, "pagemode": "result"}, encoding=spec.encoding)
    response = engine(query)
    assert response.status == 200
    return response.body.decode(spec.encoding)


def test_every_served_portal_but_one_has_a_search_box_of_its_cms() -> None:
    for spec in PORTALS:
        if not spec.served:
            continue
        vhost = DATA.hosts[spec.host]
        if spec.search is Search.NONE:
            assert vhost.searches == {}, spec.id
            continue
        path = TRS_PATH if spec.url_style is UrlStyle.TRS else HANWEB_PATH
        assert list(vhost.searches) == [path], spec.id
        assert [s.id for s in PORTALS if s.search is Search.NONE] == ["sfj"]


def test_the_search_finds_the_portal_s_articles_by_their_title() -> None:
    spec = SPECS["gkcity"]
    page = search("gkcity", "优化营商环境工作推进会")
    assert "共找到 <b>1</b> 条记录" in page
    assert 'class="jsearchblue"' in page
    assert f"http://{spec.host}:{PORT}/art/" in page
    assert '<font color="#FF0000">优化营商环境工作推进会</font>' in page
    nothing = search("gkcity", "不存在的标题")
    assert "找不到和您的查询" in nothing and "jsearchblue" not in nothing


def test_a_trs_portal_answers_as_was_does_and_reads_its_query_in_gbk() -> None:
    headline = "副区长王镕调研助企纾困政策落实情况"  # 镕 is in GBK, not in GB2312
    page = search("xiling", headline)
    assert f"约有1项符合<span>{headline}</span>的查询结果" in page
    assert 'class="cj_ss_jieguo"' in page and "/ywdt/" in page
    assert "约有0项符合" in search("xiling", "没有这篇")


def test_a_stale_index_finds_nothing_newer_than_its_last_rebuild() -> None:
    stale = next(s for s in PORTALS if s.search is Search.STALE)
    assert stale.id == "donggang"
    engine = DATA.hosts[stale.host].searches[HANWEB_PATH]
    assert isinstance(engine, SiteSearch)
    assert engine.entries and all(
        e.day <= AS_OF - dt.timedelta(days=STALE_DAYS) for e in engine.entries
    )
    newest = max(engine.entries, key=lambda e: e.day)
    assert "共找到" in search("donggang", newest.title)


def test_over_the_wire_the_query_string_reaches_the_search(fleet: DemoFleet) -> None:
    spec = next(s for s in fleet.portals if s.id == "xiling")
    words = quote("王镕调研", encoding="gb18030")
    conn = http.client.HTTPConnection("127.0.0.1", fleet.http_port, timeout=5)
    try:
        target = f"{TRS_PATH}?channelid=1&searchword={words}"
        conn.request("GET", target, headers={"Host": f"{spec.host}:{fleet.http_port}"})
        response = conn.getresponse()
        body = response.read().decode("gb18030")
    finally:
        conn.close()
    assert response.status == 200 and "约有1项符合<span>王镕调研</span>" in body
