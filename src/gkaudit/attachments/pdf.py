"""Text of PDF files through pypdf (pure Python; pdfminer.six was measured too, see
bench/attachments.py). A scanned PDF has no text layer: it reads as empty, not as clean."""

from __future__ import annotations

import io
import logging

from gkaudit.attachments.limits import Limits, Unreadable
from gkaudit.i18n import _


def pdf_text(data: bytes, limits: Limits) -> str:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings quote the file's bytes
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")  # most "encrypted" portal PDFs only forbid printing
        out: list[str] = []
        chars = 0
        for number, page in enumerate(reader.pages):
            if number >= limits.max_pdf_pages or chars > limits.max_chars:
                break
            text = page.extract_text() or ""
            out.append(text)
            chars += len(text)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, KeyError, ValueError...
        raise Unreadable(
            _("not a readable PDF: {error}").format(error=f"{type(exc).__name__}: {exc}")
        ) from None
    return "\n".join(out)
