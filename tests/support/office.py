"""Real office files for tests, made the way portals' files are made where a library can
(openpyxl, xlwt, python-docx, reportlab), and by the book where none can: a Word 97 document
(.doc/.wps) is written here as a compound file ([MS-CFB] v3) holding a `WordDocument` stream
with its FIB and a `1Table` stream with the piece table ([MS-DOC] §2.4.1), as Word writes
them, since no Python library writes the binary Word format."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def xlsx(rows: Sequence[Sequence[object]], sheet: str = "花名册") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(rows: Sequence[Sequence[object]], sheet: str = "花名册") -> bytes:
    """BIFF8 in OLE, as Excel 97-2003 and WPS 表格 (.et) write it."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(paragraphs: Sequence[str], table: Sequence[Sequence[str]] = ()) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf(title: str, table: Sequence[Sequence[str]]) -> bytes:
    """A PDF with a table, Chinese in the standard CID font STSong-Light (as many portal PDFs)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = getSampleStyleSheet()["Title"]
    style.fontName = "STSong-Light"
    out = io.BytesIO()
    grid = Table([list(r) for r in table])
    grid.setStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light")])
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph(title, style), grid])
    return out.getvalue()


def _padded(data: bytes, minimum: int = 4096) -> bytes:
    # streams of 4096 bytes or more live in regular sectors (no mini stream to write)
    data = data.ljust(minimum, b"\0")
    return data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\0")


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (version 3) holding `streams` under its root storage."""
    body = bytearray()
    fat: list[int] = []
    entries: list[tuple[str, int, int]] = []
    for name, data in streams.items():
        start = len(fat)
        padded = _padded(data)
        count = len(padded) // SECTOR
        fat.extend([*range(start + 1, start + count), ENDOFCHAIN])
        body += padded
        entries.append((name, start, len(padded)))
    names = ["Root Entry", *streams]
    directory = bytearray()
    for i, name in enumerate(names):
        raw = name.encode("utf-16-le") + b"\0\0"
        entry = bytearray(128)
        entry[: len(raw)] = raw
        struct.pack_into("<HBB", entry, 64, len(raw), 5 if i == 0 else 2, 1)
        right = i + 1 if 0 < i < len(names) - 1 else NOSTREAM
        child = 1 if i == 0 and len(names) > 1 else NOSTREAM
        struct.pack_into("<III", entry, 68, NOSTREAM, right, child)
        start, size = (ENDOFCHAIN, 0) if i == 0 else entries[i - 1][1:]
        struct.pack_into("<IQ", entry, 116, start, size)
        directory += entry
    directory = bytearray(directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\0"))
    dir_start = len(fat)
    dir_count = len(directory) // SECTOR
    fat.extend([*range(dir_start + 1, dir_start + dir_count), ENDOFCHAIN])
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    fat_start = len(fat)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREESECT] * (fat_count * (SECTOR // 4) - len(fat)))
    header = bytearray(SECTOR)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, fat_count, dir_start, 0)
    struct.pack_into("<IIIII", header, 56, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    difat = [fat_start + i for i in range(fat_count)] + [FREESECT] * (109 - fat_count)
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header + body + directory + struct.pack(f"<{len(fat)}I", *fat))


def word97(text: str) -> bytes:
    """A Word 97-2003 document (.doc; WPS 文字 writes .wps the same way) whose body is `text`:
    a line with tabs is a table row (each cell ends with the mark \\x07, the row with one
    more), any other line a paragraph (ending with \\r), as Word writes them."""
    marks = "".join(
        "".join(f"{cell}\x07" for cell in line.split("\t")) + "\x07"
        if "\t" in line
        else line + "\r"
        for line in text.split("\n")
    )
    at = 0x800
    utf16 = marks.encode("utf-16-le")
    word = bytearray(at + len(utf16))
    struct.pack_into("<HH", word, 0, 0xA5EC, 0x00C1)  # wIdent, nFib (Word 97)
    struct.pack_into("<H", word, 0x0A, 0x0200)  # fWhichTblStm: the piece table is in 1Table
    struct.pack_into("<HH", word, 32, 14, 0)  # csw
    struct.pack_into("<I", word, 76, len(marks))  # ccpText
    word[at:] = utf16
    plc = struct.pack("<II", 0, len(marks)) + struct.pack("<HIH", 0, at, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", word, 0x01A2, 0, len(clx))  # fcClx, lcbClx
    return compound_file({"WordDocument": bytes(word), "1Table": clx})
