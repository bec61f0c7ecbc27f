"""What a downloaded file is, from its first bytes, not its name.

WPS 表格 `.et` is the old binary Excel format (an OLE compound file with a `Workbook` stream)
and WPS 文字 `.wps` is the binary Word format (a `WordDocument` stream); a `.xls` may be a zip
and a `.doc` an RTF or HTML page in disguise. OOXML packages are zips told apart by their parts.
"""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"


class FileKind(StrEnum):
    XLSX = "xlsx"
    DOCX = "docx"
    XLS = "xls"  # BIFF in OLE: .xls and WPS .et
    DOC = "doc"  # Word binary in OLE: .doc and WPS .wps
    PDF = "pdf"


#: File name endings that mark a link as an attachment worth reading.
EXTENSIONS = (".xls", ".xlsx", ".et", ".doc", ".docx", ".wps", ".pdf")


def sniff(data: bytes) -> FileKind | None:
    """The kind of `data`, or None for anything gkaudit cannot read (or does not need to)."""
    head = data[:1024]
    if head.startswith(PDF_MAGIC) or PDF_MAGIC in head:
        return FileKind.PDF  # some servers prepend a BOM or whitespace; readers accept that
    if head.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    return None


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return FileKind.XLSX
    if "word/document.xml" in names:
        return FileKind.DOCX
    return None


def _ole_kind(data: bytes) -> FileKind | None:
    try:
        import olefile
    except ImportError:
        # without olefile, the BIFF and Word readers could not run either; say "xls" only
        # where the name of the stream appears in UTF-16 in the directory
        return _ole_guess(data)
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("Workbook") or ole.exists("Book"):
                return FileKind.XLS
            if ole.exists("WordDocument"):
                return FileKind.DOC
    except (OSError, ValueError, IndexError, TypeError):
        return None
    return None


def _ole_guess(data: bytes) -> FileKind | None:
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return FileKind.XLS
    if "WordDocument".encode("utf-16-le") in data:
        return FileKind.DOC
    return None
