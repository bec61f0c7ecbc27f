"""The absolute URL of an ``href`` as a browser computes it, cheaply (a page has about 150)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from gkaudit.html.decoding import resolve_label

__all__ = ["FILE_SUFFIXES", "Resolver", "is_file_url"]

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_TAB_NEWLINE_RE = re.compile(r"[\t\n\r]")
_SPECIAL_HREF_RE = re.compile(r"[\t\n\r\\]")
# Anything outside this set (space, quotes, non-ASCII, ...) is left to safe_url_string, which
# costs 3-4 us a URL; most URLs skip it.
_UNSAFE_URL_RE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
# An href that needs none of the clean-up below (no space, tab, backslash, fragment or
# character to percent-encode): most of them, checked in one pass over the href alone.
_PLAIN_HREF_RE = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]+")
_HTTP_PREFIXES = ("http://", "https://")


class Resolver:
    """Resolves the hrefs of one page.

    urljoin costs about 5 us, more than parsing the link; the common shapes (absolute,
    root-relative, plain relative with leading "./" or "../") are joined by hand, as RFC 3986
    does, and only the rest goes to urljoin.
    """

    __slots__ = ("_base", "_directory", "_encoding", "_origin", "_plain_base")

    def __init__(self, base: str, encoding: str) -> None:
        self._base = base
        # Browsers encode a query in the page's encoding, but in UTF-8 for UTF-16/32 pages.
        query_encoding = resolve_label(encoding) or "utf-8"
        self._encoding = "utf-8" if query_encoding.startswith("utf") else query_encoding
        self._origin: str | None = None
        self._directory = ""
        # What a join keeps of the base (its scheme, host and path) needs no encoding either.
        self._plain_base = _UNSAFE_URL_RE.search(base.partition("#")[0].partition("?")[0]) is None
        try:
            parts = urlsplit(base)
            _ = parts.port  # raises on a bad port
        except ValueError:
            return
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            self._origin = f"{parts.scheme}://{parts.netloc}"
            self._directory = parts.path[: parts.path.rfind("/") + 1] or "/"

    def __call__(self, href: str | None) -> str | None:
        """Return the absolute http(s) URL of ``href`` without fragment, or None."""
        if not href:
            return None
        if self._plain_base and _PLAIN_HREF_RE.fullmatch(href) is not None:
            return self._join(href)
        href = href.strip()
        if not href or href[0] == "#":
            return None
        if _SPECIAL_HREF_RE.search(href) is not None:
            href = _TAB_NEWLINE_RE.sub("", href)
            if "\\" in href:
                # Browsers read "\" as "/" in http(s) paths; Windows-built portals rely on it.
                path, sep, rest = href.partition("?")
                href = path.replace("\\", "/") + sep + rest
        url = self._join(href)
        if url is None:
            return None
        if "#" in url:
            url = url.partition("#")[0]
        if _UNSAFE_URL_RE.search(url) is not None:
            try:
                url = self._percent_encode(url)
            except (ValueError, UnicodeError, LookupError):
                return None
        return url

    def _join(self, href: str) -> str | None:
        origin = self._origin
        if ":" not in href:
            if origin is not None and "/." not in href:
                first = href[0]
                if first == "/":
                    if href[1:2] != "/":
                        return origin + href
                elif first != "?" and first != ".":
                    return origin + self._directory + href
        else:
            head = href[:8].lower()
            if head.startswith(_HTTP_PREFIXES):
                return href if _has_host(href) else None
            if _SCHEME_RE.match(href) is not None and not head.startswith(("http:", "https:")):
                return None  # javascript:, mailto:, tel:, data:, ftp:...
        if origin is not None and href.startswith(("./", "../")):
            directory = self._directory
            while True:
                if href.startswith("./"):
                    href = href[2:]
                elif href.startswith("../"):
                    href = href[3:]
                    directory = directory[: directory.rstrip("/").rfind("/") + 1] or "/"
                else:
                    break
            if "/." not in href and not href.startswith(".") and ":" not in href:
                return origin + directory + href
            href = directory + href
        try:
            url = urljoin(self._base, href)
        except ValueError:
            return None
        return url if url[:8].lower().startswith(_HTTP_PREFIXES) and _has_host(url) else None

    def _percent_encode(self, url: str) -> str:
        try:
            return safe_url_string(url, encoding=self._encoding)
        except UnicodeEncodeError:
            # A query character the page's encoding lacks ("政" on a Latin-1 page): browsers
            # write a character reference; UTF-8 keeps the link usable.
            return safe_url_string(url, encoding="utf-8")


def _has_host(url: str) -> bool:
    """Whether an absolute http(s) URL names a usable host (and a valid port, if any)."""
    rest = url[url.index("//") + 2 :]
    if not rest or rest[0] in "/?#":
        return False
    netloc = rest.split("/", 1)[0].split("?", 1)[0]
    if not netloc.isprintable() or " " in netloc:
        return False  # a control character or space in a host: no browser would go there
    if ":" in netloc or "[" in netloc:
        try:
            _ = urlsplit(url).port  # raises on a bad port or IPv6 literal
        except ValueError:
            return False
    return True


#: What a link to a document (not a page) ends with: attachments, images, media, assets.
FILE_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ppt", ".pptx", ".txt", ".xml",
    ".zip", ".rar", ".7z", ".gz", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".svg", ".webp",
    ".mp3", ".mp4", ".avi", ".flv", ".wmv", ".swf", ".apk", ".exe", ".css", ".js",
)  # fmt: skip


def is_file_url(url: str) -> bool:
    """The URL names a document (an attachment, an image) rather than a page."""
    return urlsplit(url).path.lower().endswith(FILE_SUFFIXES)
