"""Whether a body without a usable Content-Type is HTML, as a browser decides it.

The WHATWG MIME Sniffing Standard, "rules for identifying an unknown MIME type" (HTML part):
after leading whitespace, a body that starts with one of these tags (any case) followed by a
space or `>`, or with `<!--`, is HTML. TRS pages often start with a comment and send no
Content-Type at all; a browser shows them, so gkaudit reads them.
"""

from __future__ import annotations

#: Content types that mean "unknown": a browser sniffs them as if none was sent.
UNKNOWN_TYPES = frozenset({"", "unknown/unknown", "application/unknown", "*/*"})

_TAGS = tuple(
    tag.encode()
    for tag in (
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
        "<frameset",  # not in the standard's list: a frame page is a document all the same
    )
)
_WHITESPACE = b"\t\n\x0c\r "


def sniffs_as_html(body: bytes) -> bool:
    head = body[:512].lstrip(_WHITESPACE).lower()
    if head.startswith(b"<!--"):
        return True
    return any(
        head.startswith(tag) and head[len(tag) : len(tag) + 1] in (b" ", b">") for tag in _TAGS
    )
