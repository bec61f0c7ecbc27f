"""WHATWG content sniffing: a page sent without a Content-Type is HTML when a browser says so."""

from __future__ import annotations

import pytest

from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings, Page
from gkaudit.net.sniff import sniffs_as_html
from tests.support.faultserver import FaultServer
from tests.support.web import FakeWeb


@pytest.mark.parametrize(
    "body",
    [
        b"<!-- TRS WCM --><html><head><title>x</title></head></html>",
        b"\r\n\t <!DOCTYPE html><html></html>",
        b"<DIV class=main>",
        b"<script>var a;</script>",
        b"<body>",
        b"<p>text",
        b"<table border=0>",
    ],
)
def test_html_by_its_first_tag(body: bytes) -> None:
    assert sniffs_as_html(body)


@pytest.mark.parametrize(
    "body", [b"%PDF-1.7", b"<?xml version='1.0'?><rss/>", b"<bogus>", b"<pre>", b"<a", b"text"]
)
def test_not_html(body: bytes) -> None:
    assert not sniffs_as_html(body)


@pytest.mark.parametrize(("path", "html"), [("/untyped-trs", True), ("/untyped-pdf", False)])
async def test_a_page_without_a_content_type_is_sniffed(path: str, html: bool) -> None:
    with FaultServer() as server:
        fetcher = Fetcher(Resolver(["127.0.0.1:9"]), FetchSettings(retries=0, interval=0))
        try:
            page = await fetcher.fetch(server.url(path))
        finally:
            await fetcher.aclose()
    assert isinstance(page, Page) and page.content_type == ""
    assert page.is_html is html and page.loads is html


async def test_a_declared_type_is_believed(web: FakeWeb) -> None:
    url = web.url("www.gk.gov.cn", "/a.txt")
    web.get(url).respond(body=b"<div>x</div>", content_type="text/plain")
    unknown = web.url("www.gk.gov.cn", "/b")
    web.get(unknown).respond(body=b"<div>x</div>", content_type="application/unknown")
    fetcher = web.fetcher()
    plain, sniffed = await fetcher.fetch(url), await fetcher.fetch(unknown)
    assert isinstance(plain, Page) and not plain.is_html
    assert isinstance(sniffed, Page) and sniffed.is_html  # "unknown" is sniffed like none
