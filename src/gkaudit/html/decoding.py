"""Bytes to text the way browsers (and Scrapy) do it: BOM, then the HTTP ``charset``, then
``<meta>``, with GB2312 and GBK decoded as GB18030, through w3lib's ``html_to_unicode``. Only
a page that declares nothing is sniffed."""

from __future__ import annotations

import codecs
import contextlib
import re

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

__all__ = ["decode", "encoding_of", "resolve_label"]

# WHATWG labels of the GBK and Big5 families that Python's codec registry does not know.
_EXTRA_LABELS = {
    "x-gbk": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312": "gb18030",
    "x-euc-cn": "gb18030",
    "windows-936": "gb18030",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
}
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:+-]+)", re.IGNORECASE)
# w3lib reads <meta> only in the first 4 KB; some portals put 10 KB of inline script and style
# before it. This looks further, only when w3lib found nothing.
_LATE_META_RE = re.compile(
    rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:+-]{1,40})", re.IGNORECASE
)
_LATE_META_WINDOW = 64 * 1024


def resolve_label(label: str) -> str | None:
    label = label.strip().lower()
    encoding = _EXTRA_LABELS.get(label) or resolve_encoding(label)
    # Python also registers bytes-to-bytes codecs ("base64", "hex"...) under these names.
    if encoding is None or not getattr(codecs.lookup(encoding), "_is_text_encoding", True):
        return None
    return encoding


def _decodes(body: bytes, encoding: str) -> bool:
    # final=False: a body cut by the size cap may end inside a multi-byte character.
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _sniff(body: bytes, content_type: str | None) -> str | None:
    """Pick an encoding for a page whose declaration w3lib could not use."""
    header = _HEADER_CHARSET_RE.search(content_type) if content_type else None
    if header is not None and (enc := _EXTRA_LABELS.get(header.group(1).lower())):
        return enc
    late_meta = _LATE_META_RE.search(body, 0, _LATE_META_WINDOW)
    if late_meta is not None and (enc := resolve_label(late_meta.group(1).decode("ascii"))):
        return enc
    # Valid UTF-8 is almost never anything else, and an undeclared legacy page on a Chinese
    # government portal is GBK. charset-normalizer is slower (about 1 ms per 10 KB) and
    # misreads short GBK pages (it calls "政府信息公开" cp949 and "镕堃喆赟" Shift_JIS), so it
    # only decides what neither codec can decode.
    if _decodes(body, "utf-8"):
        return "utf-8"
    if _decodes(body, "gb18030"):
        return "gb18030"
    best = charset_normalizer.from_bytes(body).best()
    return None if best is None else resolve_label(str(best.encoding))


def _guess(body: bytes, content_type: str | None) -> str:
    try:
        return _sniff(body, content_type) or "utf-8"
    except Exception:  # a detector failure must only cost us the guess
        return "utf-8"


def encoding_of(body: bytes, content_type: str | None) -> tuple[str, int]:
    """The encoding :func:`decode` reads ``body`` with, and the length of its BOM (0 if none).

    Order: BOM, the ``charset`` of ``content_type`` (the HTTP header), ``<meta charset>`` or
    ``http-equiv`` (w3lib scans the first 4 KB, then up to 64 KB), then sniffing (strict
    UTF-8, strict GB18030, charset-normalizer), then UTF-8. Never raises.
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return bom_encoding, len(bom)
    encoding = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    if encoding is None:
        encoding = _guess(body, content_type)
    elif encoding in ("utf-16", "utf-32"):
        encoding += "-be"  # as w3lib: no BOM, so big-endian
    with contextlib.suppress(LookupError):
        encoding = codecs.lookup(encoding).name
    return encoding, 0


def decode(
    body: bytes, content_type: str | None, found: tuple[str, int] | None = None
) -> tuple[str, str]:
    """Decode an HTML body the way a browser would; return ``(text, encoding)``.

    The encoding is :func:`encoding_of`'s (``found``, when the caller has it). The labels
    gb2312, gbk, x-gbk ... decode as GB18030, so GBK characters in a page declared GB2312 (镕,
    堃, 喆, 赟) survive. Undecodable bytes become U+FFFD; never raises.
    """
    encoding, bom = found or encoding_of(body, content_type)
    try:
        return to_unicode(body[bom:] if bom else body, encoding), encoding
    except (LookupError, UnicodeError, ValueError, TypeError):
        # A declared codec that is not a text encoding ("base64", "idna"...) makes the
        # decode itself fail; browsers ignore such labels, so do we.
        pass
    encoding = _guess(body, content_type)
    try:
        text = body.decode(encoding, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        encoding, text = "utf-8", body.decode("utf-8", "replace")
    with contextlib.suppress(LookupError):
        encoding = codecs.lookup(encoding).name
    return text, encoding
