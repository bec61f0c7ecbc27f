"""privacy.personal-data on a portal whose 公示 pages link real files of every kind.

The files are made by the tests the way portals' files are made (tests/support/office.py): an
xlsx 花名册, a BIFF .xls and a WPS .et, a Word 97 .doc and a WPS .wps, a .docx, a PDF with a
table, and a GBK-encoded page. Every planted number must be found, none of the masked forms or
look-alikes, and hostile files (a zip bomb, a 2 GB download) cost only themselves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import zipfile
from collections.abc import AsyncIterator

import pytest

from gkaudit import falsealarms
from gkaudit.checks.personal_data.check import Params, run
from gkaudit.model import HtmlEvidence, Site, SiteKind, Status
from gkaudit.site.context import SiteContext
from tests.attachments.test_readers import _bomb_xlsx
from tests.support import office
from tests.support.numbers import CARDS, IDS, MOBILES, id18
from tests.support.web import FakeWeb

AS_OF = dt.date(2026, 12, 1)
HOST = "www.dlzs.gov.cn"
FILES = "file.dlzs.gov.cn"

LOOK_ALIKES = (
    "监督电话：0411-82800001；12345政务服务便民热线；传真 (0411)83631235；"
    "大政公开办〔2022〕1号；发布时间：2022-12-01 09:30；订单号 202212011381234567890；"
    "已脱敏：21*************231、138****5678、6222***********0003；"
    "辽ICP备05001234号-1 辽公网安备 21020202000123号"
)


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f'<body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
        f'<div class="article"><h1>{title}</h1>{body}</div>'
        f'<div class="footer">{LOOK_ALIKES}</div></body></html>'
    )


def _roster(n: int) -> list[list[object]]:
    return [
        ["序号", "姓名", "身份证号码", "联系电话", "银行卡号"],
        [1, "张三", IDS[n % 3], MOBILES[n % 4], CARDS[0]],
        [2, "李四", "21*************231", "138****5678", "6222***********0003"],
    ]


def _text_rows(n: int) -> list[list[str]]:
    return [[str(c) for c in row] for row in _roster(n)]


def _tab(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(r) for r in rows)


def attachments() -> dict[str, bytes]:
    return {
        "/files/hmc.xlsx": office.xlsx(_roster(0)),
        "/files/hmc.xls": office.xls(_roster(1)),
        "/files/hmc.et": office.xls(_roster(2), sheet="低保"),
        "/files/hmc.doc": office.word97("低保金发放花名册\n" + _tab(_text_rows(0))),
        "/files/hmc.wps": office.word97("廉租房保障对象名单\n" + _tab(_text_rows(1))),
        "/files/hmc.docx": office.docx(["低保金发放花名册"], _text_rows(2)),
        "/files/hmc.pdf": office.pdf("低保金发放花名册", _text_rows(3)),
    }


async def serve_portal(web: FakeWeb, extra_links: str = "") -> None:
    files = attachments()
    links = "".join(
        f'<li><a href="{web.url(FILES, path)}">附件{i}：花名册{path[-5:]}</a></li>'
        for i, path in enumerate(files, 1)
    )
    web.get(web.url(HOST, "/")).respond(
        html=_page(
            "大连市中山区人民政府",
            '<ul><li><a href="/zwgk/gs1.html">城乡低保对象公示</a></li>'
            '<li><a href="/zwgk/gs2.html">临时救助名单公示</a></li>'
            '<li><a href="/zwgk/clean.html">政府信息公开指南</a></li></ul>',
        )
    )
    web.get(web.url(HOST, "/zwgk/gs1.html")).respond(
        html=_page("城乡低保对象公示", f"<ul>{links}{extra_links}</ul>")
    )
    gbk = _page(
        "临时救助名单公示",
        f"<table><tr><td>王五</td><td>{id18('210211', '19700505', '041')}</td>"
        f"<td>{MOBILES[2]}</td></tr></table>",
        charset="gbk",
    )
    web.get(web.url(HOST, "/zwgk/gs2.html")).respond(
        body=gbk.encode("gbk"), content_type="text/html; charset=gbk"
    )
    web.get(web.url(HOST, "/zwgk/clean.html")).respond(html=_page("政府信息公开指南", "<p>无</p>"))
    for path, data in files.items():
        web.get(web.url(FILES, path)).respond(body=data, content_type="application/octet-stream")


def context(web: FakeWeb) -> SiteContext:
    site = Site(id="zs", name="中山区", url=web.url(HOST, "/"), kind=SiteKind.DISTRICT)
    return SiteContext(site, web.fetcher(timeout=10.0), AS_OF)


def _respond_html(route: object, html: str) -> None:
    route.respond(html=html)  # type: ignore[attr-defined]


async def test_every_planted_number_in_every_kind_of_file_is_found(web: FakeWeb) -> None:
    await serve_portal(web)
    verdict = await run(context(web), Params())
    assert verdict.status is Status.FAIL, verdict.message
    assert verdict.metrics["files"] == 7 and verdict.metrics["unread"] == 0
    for path in attachments():
        # each file: one ID, one card, one mobile unmasked; the masked row counts for nothing
        assert f"{path}" in verdict.message
    assert verdict.message.count("1 ID numbers, 1 bank card numbers, 1 mobile numbers") == 7
    assert "gs2.html: 1 ID numbers, 1 mobile numbers" in verdict.message  # the GBK page
    assert "clean.html" not in verdict.message and "gs1.html:" not in verdict.message
    # the report never repeats a number unmasked
    written = verdict.model_dump_json()
    for number in [*IDS, *MOBILES, *CARDS]:
        assert number not in written
    assert "21*************231" in written  # the masked forms, as inspectors write them


async def test_hostile_files_are_errors_and_the_rest_is_still_read(web: FakeWeb) -> None:
    big = await _endless_server()
    try:
        extra = (
            f'<li><a href="{web.url(FILES, "/files/bomb.xlsx")}">附件：花名册bomb.xlsx</a></li>'
            f'<li><a href="http://{FILES}:{big.port}/files/huge.xls">附件：名单huge.xls</a></li>'
        )
        await serve_portal(web, extra)
        web.get(web.url(FILES, "/files/bomb.xlsx")).respond(
            body=_bomb_xlsx(150 << 20), content_type="application/vnd.ms-excel"
        )
        verdict = await run(context(web), Params())
    finally:
        big.close()
    unread = {
        e.url.rsplit("/", 1)[-1]: e.text
        for e in verdict.evidence
        if e.kind == "html"
        and e.href
        and e.url.endswith((".xlsx", ".xls"))
        and ("bomb" in e.url or "huge" in e.url)
    }
    assert "zip bomb" in unread["bomb.xlsx"]
    assert "larger than" in unread["huge.xls"]
    assert verdict.status is Status.FAIL  # what could be read still fails
    assert verdict.metrics["files"] == 7 and verdict.metrics["unread"] == 2


async def test_unreadable_files_and_nothing_found_is_an_error(web: FakeWeb) -> None:
    web.get(web.url(HOST, "/")).respond(
        html=_page("中山区", f'<a href="{web.url(FILES, "/files/bomb.xlsx")}">附件：名单</a>')
    )
    web.get(web.url(FILES, "/files/bomb.xlsx")).respond(body=_bomb_xlsx(150 << 20))
    verdict = await run(context(web), Params())
    assert verdict.status is Status.ERROR
    assert "bomb.xlsx" in verdict.message and "zip bomb" in verdict.message


async def test_a_false_alarm_is_struck_and_shown(web: FakeWeb) -> None:
    page = web.url(HOST, "/")
    web.get(page).respond(html=_page("中山区", f"<p>区长公开电话：{MOBILES[0]}</p>"))
    first = await run(context(web), Params())
    assert first.status is Status.WARN
    token = falsealarms.active.set(
        (falsealarms.FalseAlarm(url=page, text="138****5678", reason="区长公开工作电话"),)
    )
    try:
        second = await run(context(web), Params())
    finally:
        falsealarms.active.reset(token)
    assert second.status is Status.PASS
    notes = [e.text for e in second.evidence if isinstance(e, HtmlEvidence)]
    assert any("false alarm" in n and "区长公开工作电话" in n for n in notes)
    assert second.metrics["false_alarms"] == 1


def _large_roster(size: int) -> bytes:
    """A real roster (one unmasked ID) that weighs `size` bytes: a photo stored in the workbook,
    as portals' exported 花名册 often carry one."""
    base = office.xlsx([["姓名", "身份证号码"], ["张三", IDS[0]]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        photo = zipfile.ZipInfo("xl/media/image1.png")
        dst.writestr(photo, os.urandom(size), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


async def test_one_cap_on_a_file_the_checks_param(web: FakeWeb) -> None:
    """A 6 MB roster (over the fetcher's 5 MB cap on pages) is read under the default
    `max_file_bytes`; under a smaller one it is `error`, named, and not downloaded past it."""
    link = web.url(FILES, "/files/big.xlsx")
    web.get(web.url(HOST, "/")).respond(
        html=_page("中山区", f'<a href="{link}">附件：低保花名册.xlsx</a>')
    )
    web.get(link).respond(body=_large_roster(6_000_000), content_type="application/octet-stream")
    read = await run(context(web), Params())
    assert read.status is Status.FAIL, read.message
    assert "big.xlsx (" in read.message and read.message.endswith(": 1 ID numbers")
    capped = await run(context(web), Params(max_file_bytes=1_000_000))
    assert capped.status is Status.ERROR
    assert "big.xlsx (body larger than 1,000,000 bytes)" in capped.message


class _Endless:
    def __init__(self, server: asyncio.Server) -> None:
        self.server = server
        self.port = server.sockets[0].getsockname()[1]

    def close(self) -> None:
        self.server.close()


async def _endless_server() -> _Endless:
    """Announces a 2 GB spreadsheet and sends zeros until the client hangs up."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.ms-excel\r\n"
            b"Content-Length: 2147483648\r\n\r\n"
        )
        chunk = b"\0" * 65536
        try:
            for _ in range(2147483648 // 65536):
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    return _Endless(await asyncio.start_server(handle, "127.0.0.1", 0))


@pytest.fixture(autouse=True)
async def _no_marks() -> AsyncIterator[None]:
    yield
    assert falsealarms.active.get() == ()
