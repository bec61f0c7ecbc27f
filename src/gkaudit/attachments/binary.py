"""Text of the binary Office formats in OLE compound files: BIFF workbooks (.xls, WPS .et)
through xlrd, and Word 97-2003 documents (.doc, WPS .wps) read from their piece table.

No maintained pure-Python library extracts Word binary text (oletools has none, issue
oletools#706; antiword is a C program): the piece table of [MS-DOC] §2.4.1 is short to walk,
and olefile, which opens the compound file, is maintained and pure Python.
"""

from __future__ import annotations

import struct

from gkaudit.attachments.limits import Limits, Unreadable
from gkaudit.attachments.ooxml import table_text
from gkaudit.i18n import _

# Word marks in the text stream: paragraph, cell end (a row ends with one more), line and page
# breaks; a table row becomes one line, its cells split by tabs
_WORD_MARKS = str.maketrans({"\r": "\n", "\x07": "\t", "\x0b": "\n", "\x0c": "\n"})
_FIB_FC_CLX = 0x01A2  # fcClx/lcbClx in FibRgFcLcb97 (index 33), fixed for Word 97 and later
_MIN_NFIB = 0x00C1  # Word 97


def xls_text(data: bytes, limits: Limits) -> str:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=_Quiet())
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError...
        raise Unreadable(
            _("not a readable BIFF workbook: {error}").format(error=f"{type(exc).__name__}: {exc}")
        ) from None
    lines: list[str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = ([_xls_cell(v) for v in sheet.row_values(r)] for r in range(sheet.nrows))
            lines.extend(table_text(rows))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return "\n".join(lines)


class _Quiet:
    """xlrd writes warnings to a log file; an auditor's terminal is not the place."""

    def write(self, _text: str) -> int:
        return 0


def _xls_cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value).strip()


def doc_text(data: bytes, limits: Limits) -> str:
    import io

    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        raise Unreadable(_("not a readable OLE file: {error}").format(error=exc)) from None
    with ole:
        if not ole.exists("WordDocument"):
            raise Unreadable(_("an OLE file without a WordDocument stream"))
        word = ole.openstream("WordDocument").read()
        if len(word) < _FIB_FC_CLX + 8:
            raise Unreadable(_("WordDocument stream too short"))
        ident, nfib = struct.unpack_from("<HH", word, 0)
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if ident != 0xA5EC or nfib < _MIN_NFIB:
            raise Unreadable(_("Word 6/95 or not a Word document (only Word 97 and later)"))
        if flags & 0x0100:
            raise Unreadable(_("the document is encrypted"))
        table = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table):
            raise Unreadable(_("the {table} stream is missing").format(table=table))
        clx_at, clx_len = struct.unpack_from("<II", word, _FIB_FC_CLX)
        clx = ole.openstream(table).read()[clx_at : clx_at + clx_len]
    text = _pieces_text(word, clx, limits)
    return text.replace("\x07\x07", "\x07\r").translate(_WORD_MARKS)


def _pieces_text(word: bytes, clx: bytes, limits: Limits) -> str:
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        (size,) = struct.unpack_from("<h", clx, at + 1)
        at += 3 + max(size, 0)
    if at >= len(clx) or clx[at] != 0x02:
        raise Unreadable(_("no piece table in the document"))
    (size,) = struct.unpack_from("<I", clx, at + 1)
    plc = clx[at + 5 : at + 5 + size]
    count = (len(plc) - 4) // 12
    if count <= 0:
        return ""
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    out: list[str] = []
    chars = 0
    for i in range(count):
        (fc,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)
        length = max(cps[i + 1] - cps[i], 0)
        if fc & 0x40000000:  # 8-bit text, at half the offset
            start = (fc & 0x3FFFFFFF) // 2
            out.append(word[start : start + length].decode("cp1252", "replace"))
        else:
            out.append(word[fc : fc + 2 * length].decode("utf-16-le", "replace"))
        chars += length
        if chars > limits.max_chars:
            break
    return "".join(out)
