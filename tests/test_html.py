"""Decoding and parsing pages of government portals: gkaudit.html."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yarl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkaudit.html import Document, Link, decode, parse, parse_text
from gkaudit.text import contains_any, normalize

FIXTURES = Path(__file__).parent / "fixtures" / "html"
D = dt.date
# Characters outside GB2312 but inside GBK: Python's gb2312 codec rejects them.
GBK_ONLY = "朱镕基 王堃 陈喆 李赟 昇"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def doc(body: str, head: str = "", url: str = "http://www.dl.gov.cn/zwgk/index.html") -> Document:
    return parse_text(page(body, head), url)


def only_link(body: str, url: str = "http://www.dl.gov.cn/zwgk/index.html") -> Link:
    links = doc(body, url=url).links
    assert len(links) == 1, links
    return links[0]


# --------------------------------------------------------------------------------------------
# decode


def test_gbk_characters_in_a_page_declared_gb2312() -> None:
    html = page(
        f"<p>{GBK_ONLY}</p>", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    body = html.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # the trap this module exists to avoid
    text, encoding = decode(body, None)
    assert encoding == "gb18030"
    assert GBK_ONLY in text
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    "header", ["text/html; charset=gb2312", "text/html;charset=GBK", "text/html; charset=x-gbk"]
)
def test_gbk_characters_with_a_gb_header(header: str) -> None:
    body = page(f"<p>{GBK_ONLY}</p>").encode("gb18030")
    text, encoding = decode(body, header)
    assert (encoding, GBK_ONLY in text) == ("gb18030", True)


def test_gb18030_four_byte_characters_and_the_cp936_euro() -> None:
    body = page("<p>𠮷野家 价格</p>", '<meta charset="gb2312">').encode("gb18030")
    body = body.replace("价格".encode("gb18030"), b"\x80 100")
    text, encoding = decode(body, None)
    assert encoding == "gb18030"
    assert "𠮷野家 € 100" in text


def test_bom_wins_and_is_stripped() -> None:
    body = b"\xef\xbb\xbf" + page("<p>政府信息公开</p>", '<meta charset="gbk">').encode("utf-8")
    text, encoding = decode(body, "text/html; charset=gbk")
    assert encoding == "utf-8"
    assert "政府信息公开" in text
    assert not text.startswith("\ufeff")


def test_utf16_bom() -> None:
    text, encoding = decode(b"\xff\xfe" + page("<p>政务公开</p>").encode("utf-16-le"), None)
    assert encoding == "utf-16-le"
    assert "政务公开" in text


@pytest.mark.parametrize(
    "content",
    [
        f"<p>{GBK_ONLY}</p>",
        "<p>政府信息公开</p>",  # charset-normalizer alone calls this cp949
        "<title>大连市人民政府</title>"
        + "<li><a href='/a.html'>关于做好政府信息公开工作的通知</a></li>" * 40,
    ],
)
def test_no_declaration_anywhere_gbk_is_detected(content: str) -> None:
    body = f"<html><head></head><body>{content}</body></html>".encode("gb18030")
    text, encoding = decode(body, None)
    assert encoding == "gb18030"
    assert content in text


def test_no_declaration_truncated_mid_character() -> None:
    content = "<p>" + "政府信息公开" * 50
    body = content.encode("gb18030")[:-1]  # a size cap cut the last character in half
    text, encoding = decode(body, "text/html")
    assert encoding == "gb18030"
    assert text.startswith(content[:-1])


def test_no_declaration_utf8() -> None:
    body = page("<p>政府信息公开</p>").encode("utf-8")
    text, encoding = decode(body, None)
    assert (encoding, "政府信息公开" in text) == ("utf-8", True)


def test_plain_ascii_is_utf8() -> None:
    assert decode(b"<html><body>hello</body></html>", None) == (
        "<html><body>hello</body></html>",
        "utf-8",
    )


def test_bytes_invalid_in_utf8_parse_as_decoding_first_would() -> None:
    # parse() hands a UTF-8 page to Lexbor undecoded; what it reads back must be what
    # decoding with U+FFFD first gives, in texts, attributes and URLs alike.
    body = (
        page(
            '<a href="/a\xff.html" title="t\xe6\x9c">政务\xe6\x9c公开</a><p>\xc3(</p>',
            '<meta charset="utf-8"><title>\xfe大连</title>',
        )
        .encode("utf-8", "surrogateescape")
        .replace(b"\xc3\xbf", b"\xff")
        .replace(b"\xc3\xa6\xc2\x9c", b"\xe6\x9c")
        .replace(b"\xc3\x83", b"\xc3")
        .replace(b"\xc3\xbe", b"\xfe")
    )
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    url = "http://www.dl.gov.cn/zwgk/index.html"
    text, encoding = decode(body, None)
    assert encoding == "utf-8"
    assert parse(body, url) == parse_text(text, url, encoding)
    assert parse(body, url).links[0].text == "政务\ufffd公开"


def test_declared_utf8() -> None:
    body = page("<p>政府信息公开</p>", '<meta charset="utf-8">').encode("utf-8")
    assert decode(body, "text/html; charset=UTF-8")[1] == "utf-8"
    assert decode(body, None)[1] == "utf-8"


@pytest.mark.parametrize("script_size", [1500, 3000, 20_000])
def test_meta_charset_after_a_long_script(script_size: int) -> None:
    script = "<script>var a = '" + "x" * script_size + "';</script>"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    html = f"<html><head>{script}{meta}</head><body><p>{GBK_ONLY}</p></body></html>"
    text, encoding = decode(html.encode("gb18030"), None)
    assert encoding == "gb18030"
    assert GBK_ONLY in text


def test_header_overrides_meta() -> None:
    body = page("<p>政府信息公开</p>", '<meta charset="gbk">').encode("utf-8")
    assert decode(body, "text/html; charset=utf-8")[1] == "utf-8"


def test_a_wrong_declaration_is_trusted_like_a_browser_does() -> None:
    body = page("<p>政府信息公开</p>").encode("utf-8")
    text, encoding = decode(body, "text/html; charset=gbk")
    assert encoding == "gb18030"
    assert "政府信息公开" not in text  # garbled, as a browser shows it


@pytest.mark.parametrize("label", ["base64", "idna", "rot13", "utf-7", "no-such-charset", "hex"])
def test_declared_non_text_codecs_do_not_raise(label: str) -> None:
    body = page("<p>政府信息公开</p>", f'<meta charset="{label}">').encode("utf-8")
    text, encoding = decode(body, f"text/html; charset={label}")
    assert "政府信息公开" in text
    assert encoding == "utf-8"


# --------------------------------------------------------------------------------------------
# links: text


def test_link_text_across_nested_spans_with_nbsp() -> None:
    link = only_link('<a href="/xxgk/"><span>&nbsp;政府&nbsp;</span><span>信息公开</span></a>')
    assert link.text == "政府 信息公开"
    assert normalize(link.text) == "政府信息公开"
    assert contains_any(link.text, ["政府信息公开"]) == "政府信息公开"


def test_link_text_whitespace_collapsed() -> None:
    link = only_link('<a href="/a">\n   关于做好\t\t政府信息公开\u3000工作的  通知\n</a>')
    assert link.text == "关于做好 政府信息公开 工作的 通知"


def test_image_only_link_uses_alt() -> None:
    link = only_link('<a href="/zwgk/"><img src="/images/zwgk.png" alt="政务公开"></a>')
    assert link.text == "政务公开"


def test_image_alt_and_text_in_document_order() -> None:
    link = only_link('<a href="/a"><img src="dot.gif" alt="图标"><b>政策</b>解读<img alt="新"></a>')
    assert link.text == "图标 政策解读 新"


def test_title_attribute_is_the_fallback() -> None:
    assert (
        only_link('<a href="/a" title=" 中国政府网 "><img src="gov.png"></a>').text == "中国政府网"
    )
    assert only_link('<a href="/a" title="全称">简称</a>').text == "简称"
    assert only_link('<a href="/a"></a>').text == ""


def test_image_map_areas_are_links() -> None:
    links = doc(
        '<img src="nav.png" usemap="#nav"><map name="nav">'
        '<area shape="rect" coords="0,0,10,10" href="/xxgk/" alt="政府信息公开">'
        '<area shape="rect" coords="10,0,20,10" href="/zcjd/" title="政策解读"></map>'
    ).links
    assert [(link.url, link.text) for link in links] == [
        ("http://www.dl.gov.cn/xxgk/", "政府信息公开"),
        ("http://www.dl.gov.cn/zcjd/", "政策解读"),
    ]


def test_links_in_document_order_with_duplicates() -> None:
    links = doc(
        '<a href="/a"><img src="t.jpg" alt=""></a><a href="/a">标题</a><a href="/b">B</a>'
        '<a href="/a#more">更多</a>'
    ).links
    assert [(link.url, link.text) for link in links] == [
        ("http://www.dl.gov.cn/a", ""),
        ("http://www.dl.gov.cn/a", "标题"),
        ("http://www.dl.gov.cn/b", "B"),
        ("http://www.dl.gov.cn/a", "更多"),
    ]


# --------------------------------------------------------------------------------------------
# links: URLs

BASE = "http://www.dl.gov.cn/col/col123/index.html?page=2#top"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("art_1.html", "http://www.dl.gov.cn/col/col123/art_1.html"),
        ("./202611/t20261120_1.html", "http://www.dl.gov.cn/col/col123/202611/t20261120_1.html"),
        ("../col124/index.html", "http://www.dl.gov.cn/col/col124/index.html"),
        ("../../../../x.html", "http://www.dl.gov.cn/x.html"),
        ("./../a/./b/../c.html", "http://www.dl.gov.cn/col/a/c.html"),
        ("/xxgk/index.html", "http://www.dl.gov.cn/xxgk/index.html"),
        ("/a/../b.html", "http://www.dl.gov.cn/b.html"),
        ("//www.gov.cn/", "http://www.gov.cn/"),
        ("?page=3", "http://www.dl.gov.cn/col/col123/index.html?page=3"),
        ("./", "http://www.dl.gov.cn/col/col123/"),
        ("https://WWW.Gov.CN/a#b", "https://WWW.Gov.CN/a"),
        ("HTTP://www.gov.cn/", "HTTP://www.gov.cn/"),
        ("  /a.html \n", "http://www.dl.gov.cn/a.html"),
        ("/a\n/b\t.html", "http://www.dl.gov.cn/a/b.html"),
        ("\\xxgk\\index.html", "http://www.dl.gov.cn/xxgk/index.html"),
        ("/a b/政府.html", "http://www.dl.gov.cn/a%20b/%E6%94%BF%E5%BA%9C.html"),
        ("http://政府.cn/", "http://xn--mxtq1m.cn/"),
        ("/search?q=政府&x=1", "http://www.dl.gov.cn/search?q=%E6%94%BF%E5%BA%9C&x=1"),
        ("/a?t=10:30", "http://www.dl.gov.cn/a?t=10:30"),
        ("a//b.html", "http://www.dl.gov.cn/col/col123/a//b.html"),
        ("http://www.dl.gov.cn:8080/a", "http://www.dl.gov.cn:8080/a"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    ],
)
def test_link_urls(href: str, expected: str) -> None:
    assert only_link(f'<a href="{href}">x</a>', url=BASE).url == expected


@pytest.mark.parametrize(
    "href",
    [
        "",
        "   ",
        "#",
        "#top",
        "javascript:void(0)",
        "JavaScript:;",
        " javascript:openWin('/a')",
        "mailto:zwgk@dl.gov.cn",
        "tel:0411-83630000",
        "ftp://ftp.dl.gov.cn/",
        "data:text/html,hi",
        "file:///C:/a.html",
        "http://",
        "http:///path",
        "http://[::1/a",  # broken IPv6 literal
        "http://www.dl.gov.cn:99999/",  # port out of range
    ],
)
def test_links_that_are_not_kept(href: str) -> None:
    assert doc(f'<a href="{href}">x</a><a>no href</a>', url=BASE).links == ()


def test_query_is_encoded_in_the_page_encoding() -> None:
    html = page('<a href="/search?q=政府">搜索</a>', '<meta charset="gbk">')
    links = parse(html.encode("gb18030"), "http://www.dl.gov.cn/").links
    assert links[0].url == "http://www.dl.gov.cn/search?q=%D5%FE%B8%AE"


@pytest.mark.parametrize(
    ("encoding", "query"),
    [
        ("gb18030", "%D5%FE%B8%AE"),
        ("utf-16-le", "%E6%94%BF%E5%BA%9C"),  # browsers use UTF-8 for UTF-16 pages
        ("cp1252", "%E6%94%BF%E5%BA%9C"),  # not encodable: UTF-8 rather than a lost link
        ("no-such-codec", "%E6%94%BF%E5%BA%9C"),
    ],
)
def test_query_encoding_per_page_encoding(encoding: str, query: str) -> None:
    d = parse_text('<a href="/s?q=政府">搜索</a>', "http://www.dl.gov.cn/", encoding)
    assert d.links[0].url == f"http://www.dl.gov.cn/s?q={query}"
    assert d.encoding == encoding


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://www.dl.gov.cn/static/", "http://www.dl.gov.cn/static/a/b.html"),
        ("/static/", "http://www.dl.gov.cn/static/a/b.html"),
        ("../mirror/", "http://www.dl.gov.cn/col/mirror/a/b.html"),
        ("javascript:void(0)", "http://www.dl.gov.cn/col/col123/a/b.html"),  # ignored
        ("", "http://www.dl.gov.cn/col/col123/a/b.html"),
    ],
)
def test_base_href(base: str, expected: str) -> None:
    d = doc(
        '<a href="a/b.html">x</a><iframe src="a/b.html"></iframe>',
        f'<base href="{base}">',
        url=BASE,
    )
    assert d.links[0].url == expected
    assert d.frames == (expected,)
    assert d.url == BASE


def test_only_the_first_base_counts() -> None:
    d = doc('<a href="a">x</a>', '<base href="http://a.gov.cn/"><base href="http://b.gov.cn/">')
    assert d.links[0].url == "http://a.gov.cn/a"


@given(
    # No empty segments: urljoin turns "a//b" into "a/b", browsers (and we) keep it.
    st.lists(st.sampled_from(["a", "b", ".", "..", "x.html"]), min_size=1, max_size=6),
    st.sampled_from(["", "/", "./", "../", "../../"]),
    st.sampled_from(["", "?q=1", "#f", "?q=./a#f"]),
    st.sampled_from(
        ["http://h.gov.cn/", "http://h.gov.cn/a/b/c.html", "https://h.gov.cn/a/", "http://h.gov.cn"]
    ),
)
def test_relative_urls_agree_with_urljoin(
    segments: list[str], prefix: str, suffix: str, base: str
) -> None:
    href = prefix + "/".join(segments) + suffix
    if not href.strip() or href.startswith("#"):
        return
    expected = urljoin(base, href).partition("#")[0]
    assert only_link(f'<a href="{href}">x</a>', url=base).url == expected


# --------------------------------------------------------------------------------------------
# label


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ('<p>原文：<a href="/doc">《办法》</a></p>', "原文："),
        (
            '<p><strong>相关文件：</strong><span><a href="/doc">大政发〔2026〕12号</a></span></p>',
            "相关文件：",
        ),
        ('<p>附件：<img src="pdf.gif"><a href="/doc">全文.pdf</a></p>', "附件："),
        (
            '<p>政策文件 <font color="red">(全文)</font>&nbsp;<a href="/doc">下载</a></p>',
            "政策文件 (全文)",
        ),
        ('<div><p>原文：</p><a href="/doc">《办法》</a></div>', ""),  # another block
        ('<p>原文：<br><a href="/doc">《办法》</a></p>', ""),
        ('<p><a href="/doc">《办法》</a></p>', ""),
        (
            "<p>本通知自印发之日起施行，请各单位认真贯彻落实。原文链接："
            '<a href="/doc">《办法》</a></p>',
            "起施行，请各单位认真贯彻落实。原文链接：",  # the last 20 characters
        ),
    ],
)
def test_label_before_a_link(body: str, label: str) -> None:
    assert only_link(body).label == label


def test_label_stops_at_an_earlier_link() -> None:
    links = doc(
        '<p>原文：<a href="/doc">《办法》</a> <a href="/print">打印</a>'
        '<span><a href="/x">X</a></span>、<a href="/y">Y</a></p>'
    ).links
    assert [link.label for link in links] == ["原文：", "", "", "、"]


# --------------------------------------------------------------------------------------------
# dates of list items


def news_list() -> Document:
    body = fixture("news_list.html").encode("gb18030")
    return parse(body, "http://www.jz.gov.cn/col/col4/index.html", today=D(2026, 11, 29))


def test_news_list_fixture() -> None:
    d = news_list()
    assert d.encoding == "gb18030"
    assert d.title == "助企纾困_大连市金州区人民政府"
    dated = {link.text: link.date for link in d.links}
    assert dated == {
        "网站首页": None,
        "首页": None,
        "政府 信息公开": None,
        "政策解读": None,
        "助企纾困": None,
        # [11-20]: the year comes from the URL t20261120_...
        "关于进一步做好稳岗扩就业工作的通知": D(2026, 11, 20),
        "金州区惠企纾困政策汇编": D(2026, 11, 5),
        # the date beside the title wins over the date inside it
        "关于2027年1月1日起实施新版申报系统的通知": D(2026, 10, 28),
        "中小企业纾困资金申报指南": D(2026, 9, 3),
        # the date <span> inside the <a>
        "稳经济一揽子措施解读2026/08/01": D(2026, 8, 1),
        "减税降费政策问答": D(2026, 7, 15),
        "助企服务热线": None,  # a phone number is not a date
        # two links to one article (title and comments) share the item's date
        "招商引资项目推介": D(2026, 6, 30),
        "评论": D(2026, 6, 30),
        # an item with links to two different pages: whose date would it be?
        "企业诉求“接诉即办”": None,
        "办理结果": None,
        "下一页": None,
        "大连市人民政府": None,  # image link, alt
        "中国政府网": None,  # image link, title
        "网站地图": None,  # inside <noscript>
    }
    urls = [link.url for link in d.links]
    assert "http://www.jz.gov.cn/col/col4/202611/t20261120_1001.html" in urls
    assert "http://www.jz.gov.cn/art/2026/8/1/art_4_1005.html" in urls
    assert urls.count("http://www.jz.gov.cn/col/col4/content_1008.htm") == 2
    assert not any(u.startswith(("javascript", "mailto")) or "#" in u for u in urls)
    assert "document.write" not in d.text
    assert ".list li span" not in d.text
    assert "[11-20]" in d.text and "辽ICP备05001357号-1" in d.text
    assert d.refresh is None and d.script_redirect is None and d.frames == ()


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ('<li><a href="/a">标题</a><span>2026-11-20</span></li>', D(2026, 11, 20)),
        ('<li><a href="/a">标题</a><span>2026/11/20</span></li>', D(2026, 11, 20)),
        ('<li><a href="/a">标题</a><span>2026.11.20</span></li>', D(2026, 11, 20)),
        ('<li><a href="/a">标题</a><span>2026年11月20日</span></li>', D(2026, 11, 20)),
        ('<li><a href="/a">标题</a><span>2026-1-5</span></li>', D(2026, 1, 5)),
        ('<li><span>2026-11-20</span> <a href="/a">标题</a></li>', D(2026, 11, 20)),
        (
            '<tr><td><a href="/a">标题</a></td><td>大政发〔2026〕1号</td><td>2026-11-20</td></tr>',
            D(2026, 11, 20),
        ),
        ('<dl><dt><a href="/a">标题</a></dt><dd>2026-11-20</dd></dl>', D(2026, 11, 20)),
        (
            '<div class="item"><div class="t"><a href="/a">标题</a></div>'
            '<div class="d">2026-11-20</div></div>',
            D(2026, 11, 20),
        ),
        ('<p><a href="/a">标题</a>（2026-11-20）</p>', D(2026, 11, 20)),
        ('<li><a href="/a">标题</a></li>', None),
        ('<li><a href="/a">2026年工作要点</a></li>', None),
        # an item that holds the link alone: the date can only be in the link's own text
        ('<li><a href="/a">2026-11-20 标题</a></li>', D(2026, 11, 20)),
        ('<li><span><a href="/a">通知（2026-11-20）</a></span></li>', D(2026, 11, 20)),
        ('<li><span><a href="/a">标题</a></span><span>2026-11-20</span></li>', D(2026, 11, 20)),
        ('<li> <a href="/a">标题</a> 2026-11-20</li>', D(2026, 11, 20)),
        ('<li><a href="/a">标题</a><!-- 2026-11-20 --></li>', None),
    ],
)
def test_item_date_forms(item: str, expected: dt.date | None) -> None:
    wrapped = f"<ul>{item}<li><a href='/other'>其他</a></li></ul>"
    if item.startswith("<tr"):
        wrapped = f"<table>{item}<tr><td><a href='/other'>其他</a></td></tr></table>"
    assert doc(wrapped).links[0].date == expected


LIST = "<ul><li><a href='{url}'>标题</a><span>[{md}]</span></li><li><a href='/b'>B</a></li></ul>"


def test_short_date_year_from_the_url() -> None:
    body = LIST.format(url="/zwgk/202512/t20251220_1.html", md="12-20")
    assert parse_text(page(body), "http://www.dl.gov.cn/").links[0].date == D(2025, 12, 20)


def test_short_date_year_from_pub_date() -> None:
    body = LIST.format(url="/content_1.htm", md="11-20")
    d = parse_text(
        page(body, '<meta name="PubDate" content="2024-12-01">'), "http://www.dl.gov.cn/"
    )
    assert d.pub_date == D(2024, 12, 1)
    assert d.links[0].date == D(2024, 11, 20)


def test_short_date_year_from_the_newest_date_on_the_page_without_today() -> None:
    body = LIST.format(url="/content_1.htm", md="11-20") + "<p>更新时间：2024-12-31</p>"
    assert parse_text(page(body), "http://www.dl.gov.cn/").links[0].date == D(2024, 11, 20)


def test_short_date_with_today_is_the_latest_not_after_it() -> None:
    # a reader of the page reads [11-20] as the last 20 November: an old full date elsewhere
    # on the page (a pinned 专题, the list page's PubDate) does not make the item a year older
    body = LIST.format(url="/content_1.htm", md="11-20") + "<p>专题 2024-12-31</p>"
    head = '<meta name="PubDate" content="2024-12-01">'
    for today, expected in ((D(2026, 3, 1), D(2025, 11, 20)), (D(2026, 12, 2), D(2026, 11, 20))):
        d = parse_text(page(body, head), "http://www.dl.gov.cn/", today=today)
        assert d.links[0].date == expected


def test_short_date_year_from_today_with_rollback() -> None:
    body = LIST.format(url="/content_1.htm", md="12-30")
    assert parse_text(page(body), "http://www.dl.gov.cn/", today=D(2026, 1, 10)).links[0].date == D(
        2025, 12, 30
    )
    assert parse_text(page(body), "http://www.dl.gov.cn/", today=D(2026, 12, 31)).links[
        0
    ].date == D(2026, 12, 30)


def test_short_date_without_any_year_is_unknown() -> None:
    body = LIST.format(url="/content_1.htm", md="11-20")
    assert parse_text(page(body), "http://www.dl.gov.cn/").links[0].date is None


def test_an_article_with_one_link_is_not_a_list_item() -> None:
    text = "。".join(["2026年11月1日召开会议，研究部署政府信息公开工作"] * 12)
    d = doc(f'<div class="content"><p>{text}</p><p>原文：<a href="/doc">《办法》</a></p></div>')
    assert d.links[0].date is None


# --------------------------------------------------------------------------------------------
# frames, refresh, script redirects


def test_frameset() -> None:
    body = fixture("frameset.html").encode("gbk")
    d = parse(body, "http://kjj.dl.gov.cn/")
    assert d.title == "大连市某某局"
    assert d.frames == (
        "http://kjj.dl.gov.cn/top.htm",
        "http://kjj.dl.gov.cn/left.htm",
        "http://kjj.dl.gov.cn/main/index.html",
    )
    assert d.text == ""


def test_iframes_are_frames() -> None:
    d = doc(
        '<iframe src="/zwgk/list.html"></iframe><iframe src="about:blank"></iframe>'
        "<iframe></iframe>"
    )
    assert d.frames == ("http://www.dl.gov.cn/zwgk/list.html",)


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="refresh" content="0;url=/portal/index.html">',
        '<meta http-equiv="Refresh" content="0; URL=/portal/index.html">',
        '<META HTTP-EQUIV="REFRESH" CONTENT="0;URL=/portal/index.html">',
        "<meta http-equiv='refresh' content=\"0; url='/portal/index.html'\">",
        '<meta http-equiv="refresh" content=\'0;url="/portal/index.html"\'>',
        '<meta http-equiv="refresh" content=" 0 ; url = /portal/index.html ">',
        '<meta http-equiv="refresh" content="3;url=/portal/index.html">',
        '<meta http-equiv="refresh" content="0.5,url=/portal/index.html">',
        '<meta http-equiv="refresh" content="0; /portal/index.html">',
        '<meta content="0;url=http://www.dl.gov.cn/portal/index.html" http-equiv="refresh">',
        '<meta http-equiv="refresh" content="0;url=../portal/index.html#main">',
    ],
)
def test_meta_refresh(meta: str) -> None:
    d = doc("<p>跳转中</p>", meta, url="http://www.dl.gov.cn/index/")
    assert d.refresh == "http://www.dl.gov.cn/portal/index.html"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="refresh" content="300">',  # reload, not a redirect
        '<meta http-equiv="refresh" content="0;url=">',
        '<meta http-equiv="refresh" content="url=/portal/">',  # no delay: ignored by browsers
        '<meta http-equiv="refresh" content="600;url=index.html">',  # to itself
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<meta name="refresh" content="0;url=/portal/">',
        '<meta http-equiv="refresh">',
    ],
)
def test_not_a_meta_refresh(meta: str) -> None:
    assert doc("<p>x</p>", meta, url="http://www.dl.gov.cn/index.html").refresh is None


def test_meta_refresh_honours_base() -> None:
    head = (
        '<base href="http://www.dl.gov.cn/new/">'
        '<meta http-equiv="refresh" content="0;url=index.html">'
    )
    assert doc("", head, url="http://dl.gov.cn/").refresh == "http://www.dl.gov.cn/new/index.html"


@pytest.mark.parametrize(
    "script",
    [
        'window.location="/portal/";',
        "window.location.href='/portal/';",
        'location.href = "/portal/"',
        'location.replace("/portal/");',
        "top.location='/portal/';",
        'window.location.assign("/portal/");',
        'document.location.href = "/portal/";',
        'self.location = "/portal/";',
        'window.top.location.href="http://www.dl.gov.cn/portal/";',
        'location.href = "http:\\/\\/www.dl.gov.cn\\/portal\\/";',
        '<!--\nvar a = 1;\nwindow.location.href = "/portal/";\n//-->',
        '// old: location.href = "/old/"\nlocation.href = "/portal/";',
        'if (isMobile) { location.href = "/m/"; }\nlocation.href = "/portal/";',
        'function go() { location.href = "/elsewhere/"; }\nlocation.replace("/portal/")',
        'var msg = "location.href=\'/str/\'";\nlocation.href = "/portal/";',
    ],
)
def test_script_redirect(script: str) -> None:
    d = doc(f"<script>{script}</script>", url="http://www.dl.gov.cn/")
    assert d.script_redirect == "http://www.dl.gov.cn/portal/"


@pytest.mark.parametrize(
    "script",
    [
        'if (/Android|iPhone/i.test(navigator.userAgent)) { window.location.href = "/m/"; }',
        'if (isMobile) location.href = "/m/";',
        'isMobile && location.replace("/m/");',
        'var u = isMobile ? "/m/" : "/"; location.href = u;',
        'location.href = "/search?q=" + encodeURIComponent(q);',
        'location.href = base + "/portal/";',
        'if (location.href == "http://www.dl.gov.cn/") { x(); }',
        "function goto(u) { window.location.href = u; }",
        "setTimeout(\"location.href='/later/'\", 3000);",
        'window.onload = function () { location.href = "/later/"; };',
        '/* location.href = "/commented/"; */',
        'var location = "/not/a/redirect/";',
        'location.href = "javascript:void(0)";',
        'location.href = "";',
        'location.href = "/";',  # the page itself
        'var a = "ipv6location";',
    ],
)
def test_not_a_script_redirect(script: str) -> None:
    assert doc(f"<script>{script}</script>", url="http://www.dl.gov.cn/").script_redirect is None


def test_script_redirect_ignores_external_and_data_scripts() -> None:
    body = (
        '<script src="/js/go.js">location.href="/a/";</script>'
        '<script type="text/template">location.href="/b/";</script>'
        '<script type="application/ld+json">{"location": "x"}</script>'
        '<script type="text/javascript">location.href="/c/";</script>'
    )
    assert doc(body, url="http://www.dl.gov.cn/").script_redirect == "http://www.dl.gov.cn/c/"


def test_script_redirect_after_a_large_inline_library() -> None:
    library = "function f(a){if(a){window.location.hash='#'+a}return {b:[1,2]}}\n" * 2000
    d = doc(f"<script>{library}</script><script>location.replace('/portal/');</script>")
    assert d.script_redirect == "http://www.dl.gov.cn/portal/"
    assert doc(f"<script>{library}location.href='/in/';</script>").script_redirect == (
        "http://www.dl.gov.cn/in/"
    )


def test_redirect_stub_fixture() -> None:
    d = parse(fixture("redirect_stub.html").encode("gb18030"), "http://www.dl.gov.cn/")
    assert d.script_redirect == "http://www.dl.gov.cn/zwgk/index.html"  # not the mobile one
    assert d.frames == ("http://www.dl.gov.cn/stat/count.html",)
    assert d.text == "页面正在跳转，请稍候……"


# --------------------------------------------------------------------------------------------
# document


def test_article_fixture() -> None:
    d = parse(
        fixture("article.html").encode("utf-8"),
        "http://www.dl.gov.cn/zcjd/202611/t20261118_9001.html",
    )
    assert d.encoding == "utf-8"
    assert d.title == "《大连市助企纾困若干措施》政策解读 _政策解读_大连市人民政府"
    assert d.pub_date == D(2026, 11, 18)  # PubDate comes first
    labelled = {link.label: link for link in d.links if link.label}
    assert labelled["原文："].url == "http://www.dl.gov.cn/xxgk/zcwj/202611/t20261115_88001.html"
    assert (
        labelled["相关文件："].url == "http://www.dl.gov.cn/zcjd/zcwj/202611/t20261110_88002.html"
    )
    assert labelled["附件："].url == (
        "http://www.dl.gov.cn/upload/2026/11/%E8%8B%A5%E5%B9%B2%E6%8E%AA%E6%96%BD%20%E5%85%A8%E6%96%87.pdf"
    )
    assert [link.text for link in d.links if not link.label] == ["首页", "我要咨询"]
    assert all(link.date is None for link in d.links)
    assert "window.print" not in d.text and "text-indent" not in d.text
    assert "您的浏览器不支持JavaScript" not in d.text  # <noscript>
    assert "发布时间：2026年11月18日 来源：市发展改革委" in d.text
    assert d.dates() == [D(2026, 11, 18), D(2026, 12, 1), D(2027, 12, 31)]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta name="PubDate" content="2026-11-20 10:30">', D(2026, 11, 20)),
        ('<meta name="pubdate" content="2026/11/20">', D(2026, 11, 20)),
        ('<meta name="firstpublishedtime" content="2022-01-05-15:43:36">', D(2022, 1, 5)),
        ('<meta name="FirstPublishedTime" content="2026年11月20日">', D(2026, 11, 20)),
        ('<meta name="PubDate" content="">', None),
        ('<meta name="PubDate" content="2026-02-30">', None),
        ('<meta name="lastmodifiedtime" content="2026-11-20">', None),
    ],
)
def test_pub_date(meta: str, expected: dt.date | None) -> None:
    assert doc("", meta).pub_date == expected


def test_visible_text_and_title() -> None:
    d = doc(
        "<script>var s = '脚本';</script><style>p{}</style><noscript>请启用脚本</noscript>"
        "<template><p>模板</p></template><h1>  政府\n信息公开 </h1><p>第一段</p>"
        "<p>第二段&nbsp;&nbsp;2026年11月20日</p>",
        "<title>\n 大连市人民政府\u3000门户网站 </title>",
    )
    assert d.title == "大连市人民政府 门户网站"
    assert d.text == "政府 信息公开 第一段 第二段 2026年11月20日"
    assert d.dates() == [D(2026, 11, 20)]


def test_document_dates_with_context() -> None:
    d = doc("<p>[11-20] 2025-01-02</p>")
    assert d.dates() == [D(2025, 1, 2)]
    assert d.dates(context_year=2026, today=D(2026, 11, 1)) == [D(2025, 11, 20), D(2025, 1, 2)]


def test_empty_and_minimal_pages() -> None:
    for body in (b"", b"<html>", b"hello", b"\x00\x00"):
        d = parse(body, "http://www.dl.gov.cn/")
        assert d.links == () and d.frames == () and d.refresh is None
        assert d.url == "http://www.dl.gov.cn/"


def test_parse_text_with_lone_surrogates() -> None:
    d = parse_text('<a href="/a">政务\udc80公开</a>', "http://www.dl.gov.cn/")
    assert d.links[0].url == "http://www.dl.gov.cn/a"


def test_documents_and_links_are_frozen_values() -> None:
    d = doc('<a href="/a">A</a>')
    assert d == doc('<a href="/a">A</a>')
    with pytest.raises(AttributeError):
        d.links[0].url = "x"  # type: ignore[misc]
    assert hash(d.links[0]) == hash(Link("http://www.dl.gov.cn/a", "A", "", None))


# --------------------------------------------------------------------------------------------
# never raises

_HTML_PIECES = st.sampled_from(
    [
        "<a href=", "<a href='", '"', "'", ">", "</a>", "<img alt=", "<base href=", "<frame src=",
        "<iframe src=", "<meta http-equiv=refresh content=", "<meta name=PubDate content=",
        "<meta charset=", "<script>", "</script>", "location.href=", "location.replace(", "{", "}",
        "<li>", "</li>", "<p>", "[11-20]", "2026-11-20", "2026年2月30日", "javascript:",
        "//", "../", "http://", "http://[", ":99999", "#", "?", "\\", "&nbsp;", "\u3000", "\x00",
        "\udc80", "政府", "gb2312", "utf-16", "base64", "<!--", "-->", "<frameset>", "<noscript>",
        "<template>", "<area href=",
    ]
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.none() | st.text(max_size=60))
def test_parse_arbitrary_bytes(body: bytes, content_type: str | None) -> None:
    d = parse(body, "http://www.dl.gov.cn/a/b.html", content_type, today=D(2026, 11, 29))
    assert isinstance(d, Document)
    assert all(
        link.url.startswith(("http://", "https://")) and "#" not in link.url for link in d.links
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_HTML_PIECES | st.text(max_size=8), max_size=40), st.sampled_from(["gb18030", "utf-8"])
)
def test_parse_arbitrary_html_soup(pieces: list[str], encoding: str) -> None:
    html = "".join(pieces)
    d = parse(html.encode(encoding, "replace"), "http://www.dl.gov.cn/a/b.html")
    assert isinstance(d, Document)
    d2 = parse_text(html, "http://www.dl.gov.cn/a/b.html", today=D(2026, 11, 29))
    for url in [*(link.url for link in d2.links), *d2.frames, d2.refresh, d2.script_redirect]:
        assert url is None or url.startswith(("http://", "https://"))


@given(st.text(max_size=200), st.text(max_size=200) | st.just("http://www.dl.gov.cn/a/"))
def test_parse_with_arbitrary_urls(href: str, page_url: str) -> None:
    d = parse_text(
        f"<base href='{href}'><a href='{href}'>x</a><iframe src='{href}'></iframe>", page_url
    )
    # every link gkaudit may fetch is one the HTTP client (aiohttp, over yarl) accepts
    for url in (link.url for link in d.links):
        assert url.startswith(("http://", "https://"))
        yarl.URL(url)


@pytest.mark.parametrize("host", ["a\x01b.dl.gov.cn", "a b.dl.gov.cn", "a\x7fb.dl.gov.cn"])
def test_a_link_with_a_control_character_in_its_host_is_dropped(host: str) -> None:
    d = parse_text(f'<a href="http://{host}/x">x</a>', "http://www.dl.gov.cn/")
    assert d.links == ()


# --- links only scripts show or follow ----------------------------------------------------------

REALWEB = Path(__file__).parent / "fixtures" / "realweb"


def test_hanweb_datastore_records_are_links_and_nextgroup_is_not() -> None:
    doc = parse((REALWEB / "hanweb-jpage-list.html").read_bytes(), "http://www.dlzs.gov.cn/zqsk/")
    records = [link for link in doc.links if "/art/" in link.url]
    assert len(records) == 6
    assert records[0].url == "http://www.dlzs.gov.cn/art/2026/11/20/art_3301_3001.html"
    assert records[0].text == "大连市中山区助企纾困政策措施汇编"
    assert records[0].date == dt.date(2026, 11, 20)
    assert not [link for link in doc.links if "dataproxy" in link.url]
    assert "大连市中山区助企纾困政策措施汇编" in doc.text


def test_a_script_island_that_is_not_a_datastore_stays_a_script() -> None:
    body = b'<script type="text/xml"><config><![CDATA[<a href="/x.html">x</a>]]></config></script>'
    assert parse(body, "http://a.gov.cn/").links == ()


@pytest.mark.parametrize(
    ("markup", "target"),
    [
        ("""<a href="javascript:void(0)" onclick="window.open('/zqsk/index.html')">助企纾困</a>""",
         "/zqsk/index.html"),
        ("""<a href="javascript:;" onclick="javascript:window.open('zqsk/','_blank')"
           >助企纾困</a>""",
         "/col/zqsk/"),
        ("""<li onclick="location.href='/zqsk/'">助企纾困</li>""", "/zqsk/"),
        ("""<span onclick="window.location.href = &quot;/zqsk/&quot;">助企纾困</span>""", "/zqsk/"),
        ("""<div onclick="top.location.replace('/zqsk/')">助企纾困</div>""", "/zqsk/"),
        ("""<area href="/zqsk/" alt="助企纾困">""", "/zqsk/"),
    ],
)  # fmt: skip
def test_a_click_script_target_is_a_link_with_its_text(markup: str, target: str) -> None:
    doc = parse(f"<body>{markup}</body>".encode(), "http://a.gov.cn/col/")
    assert [(link.url, link.text) for link in doc.links] == [
        (f"http://a.gov.cn{target}", "助企纾困")
    ]


def test_href_wins_over_onclick_and_a_clickable_box_of_links_is_not_a_link() -> None:
    body = (
        """<a href="/a.html" onclick="window.open('/b.html')">甲</a>"""
        """<div onclick="location.href='/c.html'"><a href="/d.html">乙</a></div>"""
        """<a href="javascript:void(0)" onclick="showMenu(3)">丙</a>"""
    ).encode()
    doc = parse(body, "http://a.gov.cn/")
    assert [link.url for link in doc.links] == ["http://a.gov.cn/a.html", "http://a.gov.cn/d.html"]
