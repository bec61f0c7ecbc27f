"""site_search beyond its golden cases: the query as a browser would send it (hidden fields,
the page's encoding, GET for a POST form), and the Chinese of a finding."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from gkaudit import i18n
from gkaudit.checks.site_search.check import Params
from gkaudit.checks.site_search.find import search_form
from gkaudit.html import parse_text
from gkaudit.model import Status
from gkaudit.plugins import Registry
from tests.checks.cases import CHECKS, load, run_case

TRS_FORM = """<html><body>
<form name="searchform" action="/was5/web/search" method="post" target="_blank">
<input name="channelid" value="223053" type="hidden"><input name="perpage" value="" type="hidden">
<input id="textfield" name="searchword" type="text">
<input type="image" src="/images/ss02.gif" alt="搜索">
</form></body></html>"""


def test_the_query_goes_with_the_hidden_fields_in_the_page_encoding() -> None:
    doc = parse_text(TRS_FORM, "http://www.dlzs.gov.cn/", "gb18030")
    entrance = search_form(doc, Params().keywords)
    assert entrance is not None and entrance.query_field == "searchword"
    url = entrance.query_url("中山区", doc.encoding)
    assert url is not None and url.startswith("http://www.dlzs.gov.cn/was5/web/search?")
    query = urlsplit(url).query
    assert "searchword=%D6%D0%C9%BD%C7%F8" in query  # GBK, as the page's browser sends it
    assert parse_qsl(query, keep_blank_values=True, encoding="gb18030") == [
        ("channelid", "223053"),
        ("perpage", ""),
        ("searchword", "中山区"),
    ]


def test_a_news_title_that_mentions_search_is_no_search_box() -> None:
    doc = parse_text(
        '<html><body><form action="/hdjl/submit.do"><input name="content" type="text"></form>'
        '<a href="/a.html">区政府开展搜索救援应急演练活动</a></body></html>',
        "http://www.dlzs.gov.cn/",
    )
    assert search_form(doc, Params().keywords) is None


async def test_no_search_reads_in_chinese_with_what_to_fix() -> None:
    cases = {case.id: case for case in load(CHECKS / "site_search" / "cases.yaml").cases}
    check = Registry.load().get("site_search")
    assert check is not None
    i18n.use("zh")
    verdict, _port = await run_case(check, cases["no_search_at_all"])
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("首页未提供站内搜索") and "请在首页" in verdict.message
