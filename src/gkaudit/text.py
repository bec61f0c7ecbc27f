"""Matching form of labels and link texts.

Portals write the same words in many spellings: full-width letters and digits, ideographic
spaces (U+3000), ``&nbsp;`` runs used for layout, zero-width joiners pasted from Word. Every
keyword match in gkaudit compares :func:`normalize` forms, so ``"政府&nbsp;信息公开"`` and
``"政府信息公开"`` are the same label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["contains_any", "normalize"]

# Not whitespace to str.split(), but invisible on the page and common in text pasted from
# office documents, so a label carrying one would silently never match.
# (A regular expression: str.translate looks every character up in a dict, 5x slower.)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: Texts up to this long (link texts, labels) are normalized once and remembered.
_CACHED_CHARS = 80


def normalize(s: str) -> str:
    """Return the matching form of ``s``.

    NFKC folds full-width forms to half-width (``ＩＰｖ６`` -> ``IPv6``, ``（`` -> ``(``), then
    every whitespace character (including U+3000 and U+00A0) and zero-width character is
    removed. Case is kept.
    """
    # Rules normalize every link text of every page they read, a dozen times a page: a short
    # text is worked out once (a page's whole text, rarely asked, is not kept)
    return _normalize_short(s) if len(s) <= _CACHED_CHARS else _normalize(s)


def _normalize(s: str) -> str:
    if s.isascii():
        return "".join(s.split())
    s = "".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", s)).split())
    # NFKC turns a spacing mark into a space plus a combining one ("¨" -> " \u0308"); with the
    # space gone the mark composes with the letter before it, so compose again to stay
    # idempotent (callers normalize keywords that are already normalized).
    if not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    return s


_normalize_short = lru_cache(maxsize=4096)(_normalize)


@lru_cache(maxsize=1024)
def _normalized_keyword(keyword: str) -> str:
    # Rules match the same few keywords against thousands of link texts.
    return normalize(keyword)


def contains_any(text: str, keywords: Iterable[str]) -> str | None:
    """Return the first of ``keywords`` (in its normalized form) found in ``normalize(text)``.

    Keywords are tried in the order given; keywords that normalize to ``""`` are ignored,
    since they would match every text. Returns ``None`` when none is found.
    """
    haystack = normalize(text)
    if not haystack:
        return None
    for keyword in keywords:
        needle = _normalized_keyword(keyword)
        if needle and needle in haystack:
            return needle
    return None
