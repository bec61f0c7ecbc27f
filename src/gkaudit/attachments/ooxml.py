"""Text of OOXML packages (.docx, .xlsx), unpacked under caps and parsed with no DTD at all.

A .docx is read here rather than through python-docx: python-docx skips text boxes (issue
python-docx#80) and needs lxml, while every `w:t` of the body, headers, footers and notes is
one streaming pass of the standard library's expat. Spreadsheets go through openpyxl (read
only); the package is checked first: against the caps, and for a DTD in any XML part, which
OOXML never has and entity expansion needs.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from gkaudit.attachments.limits import Limits, Unreadable
from gkaudit.i18n import _

_WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
#: A DTD must come before the root element: within the first few kilobytes of a part.
_PROLOG = 8192
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def open_package(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip, once its declared sizes are within the caps (a zip bomb stops here)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise Unreadable(_("not a readable zip package: {error}").format(error=exc)) from None
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise Unreadable(
            _("zip package with {parts:,} parts (cap {cap:,})").format(
                parts=len(members), cap=limits.max_members
            )
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked:
        raise Unreadable(
            _(
                "zip package unpacks to {size:,} bytes (cap {cap:,}): a zip bomb or far too large"
            ).format(size=unpacked, cap=limits.max_unpacked)
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as part:
                prolog = part.read(_PROLOG)
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                _reject_dtd()
    return archive


def _reject_dtd(*_args: object) -> None:
    # OOXML parts never declare a DTD; one that does is trying entity expansion
    raise Unreadable(_("XML part declares a DTD (entity expansion refused)"))


def _word_part_text(stream: io.BufferedIOBase, out: list[str]) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _reject_dtd
    parser.EntityDeclHandler = _reject_dtd
    in_text = False
    cells = 0  # depth of table cells: a table row is one line, its cells split by tabs

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal in_text, cells
        if name == f"{_W} t":
            in_text = True
        elif name in (f"{_W} tab", f"{_W} br"):
            out.append(" ")
        elif name == f"{_W} tc":
            cells += 1

    def end(name: str) -> None:
        nonlocal in_text, cells
        if name == f"{_W} t":
            in_text = False
        elif name == f"{_W} p":
            out.append(" " if cells else "\n")
        elif name == f"{_W} tc":
            cells -= 1
            out.append("\t")
        elif name == f"{_W} tr":
            out.append("\n")

    def chars(data: str) -> None:
        if in_text:
            out.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        while chunk := stream.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Unreadable(_("malformed XML: {error}").format(error=exc)) from None


def docx_text(data: bytes, limits: Limits) -> str:
    with open_package(data, limits) as archive:
        parts = sorted(
            (n for n in archive.namelist() if _WORD_PARTS.fullmatch(n)),
            key=lambda n: (n != "word/document.xml", n),
        )
        if "word/document.xml" not in parts:
            raise Unreadable(_("a zip without word/document.xml"))
        out: list[str] = []
        for name in parts:
            with archive.open(name) as stream:
                _word_part_text(stream, out)  # type: ignore[arg-type]
            out.append("\n")
    return "".join(out)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # a phone typed as a number is 13812345678.0 in the file
    return str(value).strip()


def table_text(rows: Iterator[list[str]]) -> Iterator[str]:
    """Rows as lines, each cell prefixed with its column's header (`银行卡号：6222…`), so that
    a label in the header row stands right before every number of its column."""
    header: list[str] | None = None
    for row in rows:
        if not any(row):
            continue
        if header is None and sum(1 for c in row if c) >= 2:
            header = row
            yield "\t".join(row)
            continue
        labels = header or []
        yield "\t".join(
            f"{labels[i]}：{c}" if i < len(labels) and labels[i] and c else c
            for i, c in enumerate(row)
        )


def xlsx_text(data: bytes, limits: Limits) -> str:
    open_package(data, limits).close()
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to its own errors
        raise Unreadable(
            _("not a readable workbook: {error}").format(error=f"{type(exc).__name__}: {exc}")
        ) from None
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
            lines.extend(table_text(rows))
    finally:
        book.close()
    return "\n".join(lines)
