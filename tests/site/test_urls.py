"""site.urls: the form links are compared in, article addresses, and the deterministic sample."""

from __future__ import annotations

import random

import pytest

from gkaudit.site.urls import canonical, is_article_url, is_web, sample


def test_sample_does_not_depend_on_order_and_is_capped() -> None:
    urls = [f"http://www.dl.gov.cn/art/{i}.html" for i in range(500)]
    shuffled = urls[:]
    random.Random(7).shuffle(shuffled)
    assert sample(urls, 25) == sample(shuffled, 25)
    assert len(sample(urls, 25)) == 25 and set(sample(urls, 25)) <= set(urls)
    assert sample(urls[:3], 25) == sample(list(reversed(urls[:3])), 25)
    # a stable hash, not the per-process one: pinned so a change of key is noticed
    assert sample(["http://a.gov.cn/", "http://b.gov.cn/", "http://c.gov.cn/"], 1) == [
        "http://c.gov.cn/"
    ]


def test_sample_does_not_move_with_the_scheme_or_port() -> None:
    paths = [f"/art/{i}.html" for i in range(100)]
    here = sample([f"http://www.dl.gov.cn{p}" for p in paths], 10)
    moved = sample([f"https://www.dl.gov.cn:8443{p}" for p in paths], 10)
    assert [u.removeprefix("http://www.dl.gov.cn") for u in here] == [
        u.removeprefix("https://www.dl.gov.cn:8443") for u in moved
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.DL.GOV.CN:80", "http://www.dl.gov.cn/"),
        ("https://www.dl.gov.cn:443/a?b=1#top", "https://www.dl.gov.cn/a?b=1"),
        ("http://www.dl.gov.cn.:8080/A", "http://www.dl.gov.cn:8080/A"),
        ("http://[::1]:80/x", "http://[::1]/x"),
    ],
)
def test_canonical_form_of_links(url: str, expected: str) -> None:
    assert canonical(url) == expected


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("http://www.dl.gov.cn/", True),
        ("HTTPS://www.dl.gov.cn/a", True),
        ("mailto:zwgk@dl.gov.cn", False),
        ("javascript:void(0)", False),
        ("ftp://ftp.dl.gov.cn/", False),
    ],
)
def test_only_http_and_https_links_are_web_links(url: str, web: bool) -> None:
    assert is_web(url) is web


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("http://www.dl.gov.cn/zwgk/202611/t20261120_123.html", True),  # TRS
        ("http://www.dl.gov.cn/art/2026/11/20/art_3302_4001.html", True),  # Hanweb
        ("http://www.gov.cn/zhengce/content/2026-11/20/content_123.htm", True),
        ("http://www.dl.gov.cn/news/2026/1125/1.html", True),  # a date in the path
        ("http://www.dl.gov.cn/ywdt/ShowArticle.asp?ArticleID=1001", True),
        ("http://www.dl.gov.cn/info.jsp?infoid=3", True),
        ("http://www.dl.gov.cn/zwgk/ghxx/", False),  # a TRS column's folder
        ("http://www.dl.gov.cn/col/col3301/index.html", False),  # Hanweb column
        ("http://www.dl.gov.cn/zwgk/202611/index_2.html", False),  # a list's next page
        ("http://www.dl.gov.cn/ShowList.asp?ClassID=5", False),
        ("http://www.dl.gov.cn/list.aspx?id=5", False),  # a column id
        ("http://www.dl.gov.cn/news/5001.html", False),  # undecided by its address
    ],
)
def test_is_article_url(url: str, article: bool) -> None:
    assert is_article_url(url) is article
