"""One function from bytes to text per file kind (run inside the worker, see `worker`)."""

from __future__ import annotations

from collections.abc import Callable

from gkaudit.attachments.binary import doc_text, xls_text
from gkaudit.attachments.limits import Limits, Unreadable
from gkaudit.attachments.ooxml import docx_text, xlsx_text
from gkaudit.attachments.pdf import pdf_text
from gkaudit.attachments.sniff import FileKind
from gkaudit.i18n import _

Reader = Callable[[bytes, Limits], str]

READERS: dict[FileKind, Reader] = {
    FileKind.XLSX: xlsx_text,
    FileKind.DOCX: docx_text,
    FileKind.XLS: xls_text,
    FileKind.DOC: doc_text,
    FileKind.PDF: pdf_text,
}

#: The library each kind needs (all pure Python, in the default install).
LIBRARIES = {
    FileKind.XLSX: "openpyxl",
    FileKind.DOCX: "",
    FileKind.XLS: "xlrd",
    FileKind.DOC: "olefile",
    FileKind.PDF: "pypdf",
}


def read(kind: FileKind, data: bytes, limits: Limits) -> str:
    """The text of `data`, at most `limits.max_chars` of it; raises `Unreadable`."""
    try:
        text = READERS[kind](data, limits)
    except ImportError as exc:
        raise Unreadable(
            _("the {kind} reader is not installed ({module})").format(kind=kind, module=exc.name)
        ) from None
    except RecursionError:
        raise Unreadable(_("nested too deeply to read")) from None
    except MemoryError:
        raise Unreadable(_("reading it needed more memory than allowed")) from None
    return text[: limits.max_chars]
