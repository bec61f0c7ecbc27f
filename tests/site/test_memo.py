"""The page memo shared by the sites of one registered domain: kept while a site of the domain
is left to scan, retired past its limit, what nobody waits for cancelled."""

from __future__ import annotations

import asyncio

from gkaudit.model import Site, SiteKind
from gkaudit.site.memo import PageMemos


def _site(sid: str, url: str) -> Site:
    return Site(id=sid, name=sid, url=url, kind=SiteKind.DEPARTMENT)


CITY = _site("city", "https://www.dl.gov.cn/")
FGW = _site("fgw", "https://www.dl.gov.cn/col/col1192/index.html")
KJJ = _site("kjj", "https://kjj.dl.gov.cn/")
ZS = _site("zs", "http://www.dlzs.gov.cn/")


async def _answer(value: str) -> str:
    return value


async def test_one_memo_per_domain_until_its_last_site_is_done() -> None:
    memos = PageMemos([CITY, FGW, KJJ, ZS])
    city = memos.open(CITY)
    assert await city.once(("page", "/"), lambda: _answer("home")) == "home"
    # a site of the same domain, on its host or another, reads the city's answer
    kjj = memos.open(KJJ)
    assert kjj is city
    assert await kjj.once(("page", "/"), lambda: _answer("again")) == "home"
    zs = memos.open(ZS)  # the only site of its domain: a memo of its own, never registered
    assert zs is not city and len(memos) == 1
    memos.close(CITY, city)
    memos.close(KJJ, kjj)
    # fgw is left: the pages stay for it, though no site reads them now
    assert memos.open(FGW) is city and ("page", "/") in city
    memos.close(FGW, city)
    assert len(memos) == 0 and len(city) == 0  # the domain is done: forgotten
    memos.close(ZS, zs)


async def test_a_memo_past_its_limit_is_retired_for_the_sites_that_start_later() -> None:
    memos = PageMemos([CITY, FGW, KJJ], limit=1)
    city = memos.open(CITY)
    fgw = memos.open(FGW)
    for path in ("/a", "/b"):
        await city.once(("page", path), lambda path=path: _answer(path))  # type: ignore[misc]
    memos.close(CITY, city)
    # fgw still reads through the retired memo; kjj, starting now, begins a new one
    assert ("page", "/a") in fgw
    kjj = memos.open(KJJ)
    assert kjj is not fgw and len(kjj) == 0
    memos.close(FGW, fgw)
    assert len(fgw) == 0  # retired and idle: dropped
    memos.close(KJJ, kjj)


async def test_a_fetch_nobody_waits_for_is_cancelled_and_forgotten() -> None:
    memos = PageMemos([CITY, FGW])
    city = memos.open(CITY)
    never: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    waiting = asyncio.ensure_future(city.once(("page", "/slow"), lambda: never))
    await asyncio.sleep(0)
    waiting.cancel()
    memos.close(CITY, city)
    await asyncio.sleep(0)
    assert never.cancelled() and ("page", "/slow") not in city
    # fgw, starting later, asks again rather than inheriting a cancelled fetch
    fgw = memos.open(FGW)
    assert await fgw.once(("page", "/slow"), lambda: _answer("fetched")) == "fetched"
    memos.close(FGW, fgw)


def _page(items: str) -> bytes:
    nav = '<nav><a href="/zwgk/">政府信息公开</a><a href="/zcjd/">政策解读</a></nav>'
    return f"<html><body>{nav}<ul>{items}</ul></body></html>".encode()


def test_the_links_two_pages_share_are_kept_once_and_read_the_same() -> None:
    from gkaudit.html import parse
    from gkaudit.site.memo import PageMemo

    memo = PageMemo()
    url = "http://www.a.gov.cn/"
    one = _page('<li><a href="/a/1.html">通知一</a><span>2026-11-20</span></li>')
    two = _page('<li><a href="/a/2.html">通知二</a><span>2026-11-21</span></li>')
    first, second = memo.shared(parse(one, url)), memo.shared(parse(two, url + "list.html"))
    # what a check reads is what the parse gave
    assert first == parse(one, url)
    assert second == parse(two, url + "list.html")
    # the navigation's records are one object each; the items are their own
    assert [a is b for a, b in zip(first.links, second.links, strict=True)] == [True, True, False]
    memo.clear()
    again = memo.shared(parse(one, url))
    assert again.links[0] is not first.links[0]  # a cleared memo shares nothing any more
