"""Real files of every kind read to text, and hostile files stopped by the caps."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import AsyncIterator

import pytest

from gkaudit import i18n
from gkaudit.attachments.limits import Limits
from gkaudit.attachments.sniff import FileKind, sniff
from gkaudit.attachments.worker import Extractor
from tests.support import office
from tests.support.numbers import CARDS, IDS, MOBILES

ROSTER = [
    ["序号", "姓名", "身份证号码", "联系电话", "银行卡号"],
    [1, "张三", IDS[0], MOBILES[0], CARDS[0]],
    [2, "李四", IDS[1], MOBILES[1], CARDS[1]],
]


@pytest.fixture
async def extractor() -> AsyncIterator[Extractor]:
    e = Extractor(Limits(timeout=5))
    yield e
    e.close()


def files() -> dict[str, tuple[bytes, FileKind]]:
    text_rows = [[str(c) for c in row] for row in ROSTER]
    return {
        "xlsx": (office.xlsx(ROSTER), FileKind.XLSX),
        "xls": (office.xls(ROSTER), FileKind.XLS),
        "et": (office.xls(ROSTER, sheet="低保"), FileKind.XLS),  # WPS 表格: BIFF8 in OLE
        "docx": (office.docx(["低保金发放花名册"], text_rows), FileKind.DOCX),
        "doc": (
            office.word97("低保金发放花名册\n" + "\n".join("\t".join(r) for r in text_rows)),
            FileKind.DOC,
        ),
        "pdf": (office.pdf("低保金发放花名册", text_rows), FileKind.PDF),
    }


@pytest.mark.parametrize("name", ["xlsx", "xls", "et", "docx", "doc", "pdf"])
async def test_every_kind_is_told_by_its_bytes_and_read(name: str, extractor: Extractor) -> None:
    data, kind = files()[name]
    assert sniff(data) is kind
    got = await extractor.extract(data)
    assert got.error is None and got.kind is kind
    for number in [*IDS[:2], *MOBILES[:2], *CARDS]:
        assert number in got.text
    assert "张三" in got.text


async def test_a_spreadsheet_cell_carries_its_column_label(extractor: Extractor) -> None:
    got = await extractor.extract(office.xlsx(ROSTER))
    assert f"银行卡号：{CARDS[0]}" in got.text
    assert f"联系电话：{MOBILES[0]}" in got.text  # typed as a number, read without ".0"


async def test_the_extension_does_not_decide(extractor: Extractor) -> None:
    assert sniff(b"<html><body>not a workbook</body></html>") is None
    got = await extractor.extract(b"<html>renamed .xls</html>")
    assert got.kind is None and got.error


def _bomb_xlsx(unpacked: int) -> bytes:
    out = io.BytesIO(office.xlsx(ROSTER))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/pad.bin", "w") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(unpacked >> 20):
            f.write(chunk)
    return out.getvalue()


async def test_a_zip_bomb_inside_an_xlsx_is_stopped(extractor: Extractor) -> None:
    bomb = _bomb_xlsx(150 << 20)
    assert len(bomb) < 1 << 20  # 150 MB of zeros in well under 1 MB
    got = await extractor.extract(bomb)
    assert got.kind is FileKind.XLSX and "zip bomb" in (got.error or "")
    after = await extractor.extract(office.xlsx(ROSTER))  # the next file reads as usual
    assert after.error is None


async def test_a_zip_with_a_million_parts_is_stopped(extractor: Extractor) -> None:
    out = io.BytesIO(office.docx(["正文"]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as z:
        for i in range(6000):  # names unlike any python-docx writes
            z.writestr(f"pad/part{i}.bin", b"")
    got = await extractor.extract(out.getvalue())
    assert "parts" in (got.error or "")


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def _replace_part(package: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, content if item.filename == name else src.read(item))
    return out.getvalue()


async def test_entity_expansion_in_a_docx_is_refused(extractor: Extractor) -> None:
    body = LAUGHS + (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    got = await extractor.extract(_replace_part(office.docx(["x"]), "word/document.xml", body))
    assert got.kind is FileKind.DOCX and "DTD" in (got.error or "")


async def test_entity_expansion_in_an_xlsx_is_refused(extractor: Extractor) -> None:
    sheet = LAUGHS + (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    book = office.xlsx([["姓名", "备注"], ["张三", "x"]])
    got = await extractor.extract(_replace_part(book, "xl/worksheets/sheet1.xml", sheet))
    assert got.kind is FileKind.XLSX and got.error is not None
    assert "lol" not in got.text


def _endless_pdf() -> bytes:
    """A valid PDF whose one page draws eight million text operators: pypdf would parse it
    for minutes, as it would a file built to hang parsers."""
    # below pypdf's own cap on inflated streams (75 MB), which would stop it sooner
    ops = zlib.compress(b"BT /F1 12 Tf 72 712 Td (x) Tj ET\n" * 2_000_000, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(ops) + ops + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


async def test_a_pdf_that_never_ends_parsing_is_killed_at_the_deadline() -> None:
    extractor = Extractor(Limits(timeout=2))
    try:
        got = await extractor.extract(_endless_pdf())
        assert got.kind is FileKind.PDF and "longer than 2 s" in (got.error or "")
        after = await extractor.extract(files()["pdf"][0])  # a fresh worker reads the next
        assert after.error is None and IDS[0] in after.text
    finally:
        extractor.close()


async def test_a_truncated_file_is_an_error_not_empty_text(extractor: Extractor) -> None:
    for name in ("xlsx", "xls", "doc", "pdf"):
        data = files()[name][0]
        got = await extractor.extract(data[: len(data) // 3])
        assert got.error is not None, name


async def test_the_reason_is_in_the_language_of_the_run(extractor: Extractor) -> None:
    """The reader runs in a child process: it speaks the language of the run that asks, file by
    file (a worker started under one language serves the next run in another)."""
    bomb = _bomb_xlsx(150 << 20)
    i18n.use("zh")
    try:
        got = await extractor.extract(bomb)
        unknown = await extractor.extract(b"<html>renamed .xls</html>")
    finally:
        i18n.use("en")
    assert got.error is not None and "压缩炸弹" in got.error, got.error
    assert unknown.error == "按文件内容判断不是表格、Word文档或PDF文件"
    again = await extractor.extract(bomb)  # the same worker, now in English
    assert again.error is not None and "zip bomb" in again.error


async def test_the_deadline_reason_in_chinese() -> None:
    extractor = Extractor(Limits(timeout=2))
    i18n.use("zh")
    try:
        got = await extractor.extract(_endless_pdf())
    finally:
        i18n.use("en")
        extractor.close()
    assert got.error == "读取超过 2 秒未完成，已停止"
