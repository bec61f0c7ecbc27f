"""What the checks share about URLs: the form links are compared in, whether a URL has the form
of an article's page, and the deterministic sample a check probes when a page has more links
than it may probe (the same links on every run and on every machine, so two runs can be
compared)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# The addresses CMSs give an article (a column's are folders, index and list pages, column
# ids): TRS ".../202611/t20261120_123.html", Hanweb "/art/2026/11/20/art_1_2.html", gov.cn-style
# "content_123.htm", a date in the path ("/news/2026/1125/1.html"), and the scripts of
# hand-made sites ("ShowArticle.asp?ArticleID=12", "detail.jsp?infoid=3").
_ARTICLE_PATH_RE = re.compile(
    r"""(?:/t[0-9]{8}_[0-9]+\.s?html?$
      | /art_[0-9]+_[0-9]+\.s?html?$
      | /content_[0-9]+\.s?html?$
      | /20[0-9]{2}[-/]?(?:0[1-9]|1[0-2])[-/]?(?:0[1-9]|[12][0-9]|3[01])(?:[/_]|$)
      | /(?:show|detail|view|article)[a-z_]*\.(?:asp|aspx|jsp|php|do|action|s?html?)$
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_ARTICLE_QUERY_RE = re.compile(
    r"(?:^|&)(?:articleid|newsid|infoid|contentid|docid|artid)=[0-9]", re.IGNORECASE
)


# `is_web` and `canonical` are remembered: links.broken and ipv6.links ask them of every link
# of every page they read (the site chrome again on each), a URL parse each time.
@lru_cache(maxsize=4096)
def is_web(url: str) -> bool:
    """An http or https URL (not mailto:, javascript:, ftp:...)."""
    return urlsplit(url).scheme.lower() in _DEFAULT_PORTS


def is_article_url(url: str) -> bool:
    """`url` has the form a CMS gives an article's page, not a column's: a list page
    ("showlist.asp", "index_2.html") never is one."""
    parts = urlsplit(url)
    name = parts.path.rpartition("/")[2].lower()
    if "list" in name or name.startswith("index"):
        return False
    return (
        _ARTICLE_PATH_RE.search(parts.path) is not None
        or _ARTICLE_QUERY_RE.search(parts.query) is not None
    )


@lru_cache(maxsize=4096)
def canonical(url: str) -> str:
    """The form links are compared in: scheme and host lower case, default port and fragment
    dropped, an empty path made "/"."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def sample(urls: Iterable[str], size: int) -> list[str]:
    """`size` of `urls`, the same ones on every run and machine: ordered by the SHA-256 of the
    URL's host, path and query (Python's own `hash` of a string changes with every process).
    The scheme and port are left out of the key, so a portal moved to HTTPS or another port
    (the demo fleet listens on a free port of each run) keeps its sample; the whole URL only
    breaks ties."""
    return sorted(urls, key=_sample_key)[:size]


def _sample_key(url: str) -> tuple[bytes, str]:
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed link, kept as it was written by `canonical`
        where = url
    else:
        where = f"{(parts.hostname or '').rstrip('.')}{parts.path or '/'}"
        if parts.query:
            where += f"?{parts.query}"
    return hashlib.sha256(where.encode()).digest(), url
