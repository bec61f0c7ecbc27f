"""Decode a page once, parse it once, and extract what the checks look at.

Decoding follows the browsers (and Scrapy): BOM, then the HTTP ``charset``, then ``<meta>``,
with GB2312 and GBK decoded as GB18030, through w3lib's ``html_to_unicode``. Only a page that
declares nothing is sniffed. Parsing uses selectolax's Lexbor backend, and everything a check
needs (links with their text, label and date; frames; meta refresh; JavaScript redirects; the
CMS publication date; visible text) is extracted in the same pass, so a check never re-parses.

Nothing here raises on bad input: a page of garbage bytes gives a :class:`Document` with few
or no links.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from selectolax.lexbor import LexborHTMLParser, LexborNode
from w3lib.encoding import html_to_unicode, resolve_encoding
from w3lib.url import safe_url_string

from gkaudit.dates import parse_dates
from gkaudit.text import normalize

__all__ = ["Document", "Link", "decode", "parse", "parse_text"]


class Link(NamedTuple):
    """One ``<a href>``, image-map ``<area href>``, or clicked element whose ``onclick`` opens a
    URL (``window.open(…)``, ``location.href = …``) of a page, leading to an http(s) URL.

    A plain immutable record (a named tuple: a page makes one per link, and a tuple is made
    in a fifth of a frozen dataclass's time)."""

    url: str
    """Absolute URL: resolved against the page (and its ``<base href>``), fragment removed,
    spaces and non-ASCII characters percent-encoded (path as UTF-8, query in the page's
    encoding, as browsers do). Otherwise kept as written: no dot-segment or case clean-up."""
    text: str
    """Visible text, including nested tags and ``<img alt>``, whitespace collapsed; the
    ``title`` attribute when there is no visible text."""
    label: str
    """The short text just before the link in its block (``"原文："`` in
    ``<p>原文：<a>…</a></p>``): at most the last 20 characters, stopping at a block boundary,
    a ``<br>`` or an earlier link; ``""`` if none."""
    date: dt.date | None
    """The date shown with the link in its list item (the nearest enclosing
    ``li``/``tr``/``dd``/``p``/``div``… that leads to no other URL), or ``None``."""

    @property
    def key(self) -> LinkKey:
        """(URL, normalized text): the same link on two pages, as site chrome is told."""
        return (self.url, normalize(self.text))


#: (URL, normalized text) of a link.
LinkKey = tuple[str, str]


def recurring_links(docs: Iterable[Document], needed: int) -> frozenset[LinkKey]:
    """The links (by `Link.key`) found on at least `needed` of `docs`."""
    counts: Counter[LinkKey] = Counter()
    for doc in docs:
        counts.update({link.key for link in doc.links})
    return frozenset(key for key, n in counts.items() if n >= needed)


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded and parsed HTML page."""

    url: str
    """The URL the page came from."""
    encoding: str
    """The Python codec name the bytes were decoded with (``"gb18030"``, ``"utf-8"``, ...)."""
    title: str
    """The ``<title>``, whitespace collapsed."""
    text: str
    """Visible text of the body (no script, style, noscript, template), whitespace collapsed."""
    links: tuple[Link, ...]
    """Links in document order; the same URL may appear more than once."""
    frames: tuple[str, ...]
    """Absolute http(s) ``src`` of every ``<frame>`` and ``<iframe>``, in document order."""
    refresh: str | None
    """Absolute target of the first ``<meta http-equiv="refresh">`` naming a URL other than
    the page itself, whatever its delay."""
    script_redirect: str | None
    """Absolute target of the first unconditional top-level JavaScript redirect to a string
    literal (``location.href = "..."``, ``location.replace("...")``...)."""
    pub_date: dt.date | None
    """The CMS publication date, from ``<meta name="PubDate">`` or
    ``<meta name="firstpublishedtime">``."""
    meta_names: frozenset[str] = frozenset()
    """The names of the page's ``<meta name>`` tags, lower case (``articletitle``,
    ``columnname``: what the CMS of 国办发〔2017〕47号 says the page is)."""
    site_code: str | None = None
    """The ``<meta name="SiteIDCode">`` content (网站标识码), stripped, if the page has one."""
    scripts: tuple[tuple[str, str | None], ...] = ()
    """(absolute ``src``, its ``sitecode`` attribute) of every external ``<script>``: the
    我为政府网站找错 and 党政机关 badges are scripts (``<script id="_jiucuo_" sitecode=...>``)."""

    def dates(
        self, *, context_year: int | None = None, today: dt.date | None = None
    ) -> list[dt.date]:
        """Every date in the visible text, in order (see :func:`gkaudit.dates.parse_dates`).

        Without ``context_year`` only dates that carry their year are returned.
        """
        return parse_dates(self.text, context_year=context_year, today=today)


# --------------------------------------------------------------------------------------------
# Decoding

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


def _resolve_label(label: str) -> str | None:
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
    if late_meta is not None and (enc := _resolve_label(late_meta.group(1).decode("ascii"))):
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
    return None if best is None else _resolve_label(str(best.encoding))


def decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode an HTML body the way a browser would; return ``(text, encoding)``.

    Order: BOM, the ``charset`` of ``content_type`` (the HTTP header), ``<meta charset>`` or
    ``http-equiv`` (w3lib scans the first 4 KB, then up to 64 KB), then sniffing (strict
    UTF-8, strict GB18030, charset-normalizer), then UTF-8. The labels gb2312, gbk, x-gbk ...
    decode as GB18030, so GBK characters in a page declared GB2312 (镕, 堃, 喆, 赟) survive.
    Undecodable bytes become U+FFFD; never raises.
    """

    def detect(data: bytes) -> str | None:
        try:
            return _sniff(data, content_type)
        except Exception:  # a detector failure must only cost us the guess
            return None

    try:
        encoding, text = html_to_unicode(
            content_type, body, default_encoding="utf-8", auto_detect_fun=detect
        )
    except (LookupError, UnicodeError, ValueError, TypeError):
        # A declared codec that is not a text encoding ("base64", "idna"...) makes the
        # decode itself fail; browsers ignore such labels, so do we.
        encoding = detect(body) or "utf-8"
        try:
            text = body.decode(encoding, "replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            encoding, text = "utf-8", body.decode("utf-8", "replace")
    with contextlib.suppress(LookupError):
        encoding = codecs.lookup(encoding).name
    return text, encoding


# --------------------------------------------------------------------------------------------
# URLs

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_TAB_NEWLINE_RE = re.compile(r"[\t\n\r]")
_SPECIAL_HREF_RE = re.compile(r"[\t\n\r\\]")
# Anything outside this set (space, quotes, non-ASCII, ...) is left to safe_url_string, which
# costs 3-4 us a URL; most URLs skip it.
_UNSAFE_URL_RE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_HTTP_PREFIXES = ("http://", "https://")


class _Resolver:
    """Resolves the hrefs of one page.

    urljoin costs about 5 us, more than parsing the link; the common shapes (absolute,
    root-relative, plain relative with leading "./" or "../") are joined by hand, as RFC 3986
    does, and only the rest goes to urljoin.
    """

    __slots__ = ("_base", "_directory", "_encoding", "_origin")

    def __init__(self, base: str, encoding: str) -> None:
        self._base = base
        # Browsers encode a query in the page's encoding, but in UTF-8 for UTF-16/32 pages.
        query_encoding = _resolve_label(encoding) or "utf-8"
        self._encoding = "utf-8" if query_encoding.startswith("utf") else query_encoding
        self._origin: str | None = None
        self._directory = ""
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


# --------------------------------------------------------------------------------------------
# Redirects and metadata

# HTML "shared declarative refresh steps": a delay, an optional ";" or ",", an optional
# "url=", then the URL, optionally quoted.
_REFRESH_RE = re.compile(
    r"""\s*[0-9.]+\s*[;,]?\s*(?:url\s*=\s*)?(?P<q>['"]?)(?P<url>.*?)(?P=q)?\s*\Z""",
    re.IGNORECASE | re.DOTALL,
)
# A JavaScript tokenizer just good enough to know whether a redirect runs unconditionally:
# strings and comments are skipped, braces counted, and the redirect itself is one token.
# The leading lookahead (every token starts with one of these characters) lets the engine
# skip the rest at once: 5x faster on a 100 KB inline library.
_JS_TOKEN_RE = re.compile(
    r"""
    (?=["'`/<{}wstpdl])
    (?:
      (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)
    | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z)|<!--[^\n]*)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<redirect>
        (?<![\w$.])(?:(?:window|self|top|parent|document)\s*\.\s*)*location
        (?:\s*\.\s*href)?
        \s*(?:=(?!=)|\.\s*(?:replace|assign)\s*\()
        \s*(?P<q>["'])(?P<target>(?:[^"'\\\n]|\\.)*)(?P=q)
        (?!\s*[+.\[])
      )
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_JS_REDIRECT_HINT_RE = re.compile(
    r"location(?:\s*\.\s*href)?\s*(?:=(?!=)|\.\s*(?:replace|assign)\s*\()\s*[\"']"
)
_JS_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|.)", re.DOTALL)
# What may precede a statement that runs only sometimes: "if (...)", "else", "a && ...",
# "c ? ... : ...", or a declaration of a local variable named location.
_CONDITIONAL_TAIL_RE = re.compile(r"(?:[)?:&|,=]|\belse|\bvar|\blet|\bconst)\Z")
_JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript")


# The 党政机关网站标识 is most often written by an inline script,
# `document.write(unescape("%3Cscript src='…conac.cn…'"))`, not a <script src>: the scripts it
# writes count as the page's own.
_WRITTEN_SCRIPT_RE = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_WRITTEN_ATTR_RE = re.compile(r"""\b(src|sitecode)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _written_scripts(code: str) -> list[tuple[str, str | None]]:
    """The external scripts an inline script writes with document.write: (src, sitecode)."""
    if "document.write" not in code:
        return []
    written = []
    for tag in _WRITTEN_SCRIPT_RE.finditer(urllib.parse.unquote(code)):
        attrs = {name.lower(): value for name, value in _WRITTEN_ATTR_RE.findall(tag.group(1))}
        if "src" in attrs:
            written.append((attrs["src"], attrs.get("sitecode")))
    return written


def _js_unescape(match: re.Match[str]) -> str:
    esc = match.group(1)
    if esc[0] in "ux" and len(esc) > 1:
        return chr(int(esc[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r"}.get(esc, esc)


def _script_redirect(script: str) -> str | None:
    """The target literal of the first unconditional top-level redirect in ``script``."""
    if _JS_REDIRECT_HINT_RE.search(script) is None:
        return None  # most scripts: analytics, menus, libraries
    depth = 0
    previous_end = 0
    code_before = ""  # code since the last token, comments cut out
    for match in _JS_TOKEN_RE.finditer(script):
        kind = match.lastgroup
        if kind == "comment":
            code_before += script[previous_end : match.start()] + " "
            previous_end = match.end()
            continue
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif match.group("redirect") is not None and depth == 0:
            tail = (code_before + script[previous_end : match.start()]).rstrip()
            if not _CONDITIONAL_TAIL_RE.search(tail):
                target = _JS_ESCAPE_RE.sub(_js_unescape, match.group("target")).strip()
                if target:
                    return target
        code_before = ""
        previous_end = match.end()
    return None


# Hanweb (大汉) jpage lists: the server writes the first page's items as CDATA records in an
# XML island, <script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]>
# </record>…, which the jpage script renders in place. The records are the list a browser
# shows; the <nextgroup> (the dataproxy URL of the next pages) is not part of it.
_DATASTORE_RE = re.compile(
    r"<script\b[^>]*>\s*<datastore>(.*?)</datastore>\s*</script>", re.IGNORECASE | re.DOTALL
)
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.IGNORECASE | re.DOTALL)
# What a click runs instead of following href: window.open('…'), location.href = '…',
# location.replace('…').
_ONCLICK_RE = re.compile(
    r"""(?:\bopen|location(?:\s*\.\s*href)?\s*=|location\s*\.\s*(?:replace|assign))
        \s*\(?\s*(["'])(?P<url>[^"'\\]+)\1""",
    re.VERBOSE,
)


def _datastore_records(match: re.Match[str]) -> str:
    return "".join(_RECORD_RE.findall(match.group(1)))


def _unwrap_datastores(text: str) -> str:
    """The page as the jpage script shows it: each datastore island replaced by its records."""
    if "datastore>" not in text:
        return text
    return _DATASTORE_RE.sub(_datastore_records, text)


def _onclick_target(script: str | None) -> str | None:
    if not script:
        return None
    match = _ONCLICK_RE.search(script)
    return match.group("url") if match is not None else None


def _refresh_target(content: str) -> str | None:
    match = _REFRESH_RE.match(content)
    if match is None:
        return None
    return match.group("url").strip() or None


# --------------------------------------------------------------------------------------------
# Links

_ITEM_TAGS = frozenset(
    {"li", "tr", "td", "dd", "dt", "dl", "p", "div", "span", "section", "article", "h3", "h4"}
)
_INLINE_TAGS = frozenset(
    {
        "span", "font", "strong", "b", "em", "i", "u", "label", "small", "big", "sup", "sub",
        "abbr", "cite", "code", "q", "s", "strike", "mark", "nobr", "time",
    }
)  # fmt: skip
_SKIP_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})
# Bullets and icons ("<img src=dot.gif>") between a label and its link.
_TRANSPARENT_TAGS = frozenset({"img", "wbr", "svg"})
_ANCESTOR_DEPTH = 8
_ITEM_MAX_CHARS = 300
_LABEL_CHARS = 20
# URLs of CMS article pages carry their date: TRS ".../202611/t20261120_123.html", Hanweb
# "/art/2026/11/20/art_1_2.html", others "/2026-11/20/content_123.htm".
# Starts with the literal "20" (lookbehind after it) so that the regex engine can jump to it.
_URL_DATE_RE = re.compile(
    r"(20(?<![0-9]20)[0-9]{2})[-/]?(0[1-9]|1[0-2])[-/]?(0[1-9]|[12][0-9]|3[01])(?![0-9])"
)
_MULTIPLE = object()
#: An enclosing element of a link, with its id and tag (each a call into Lexbor).
_Ancestor = tuple[LexborNode, int, "str | None"]
# A date has digits (ASCII or full-width); most link and item texts have none.
_DIGIT_RE = re.compile("[0-9\uff10-\uff19]")


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _link_text(node: LexborNode, with_images: bool) -> str:
    if node.tag == "area":
        text = node.attrs.get("alt") or ""
    elif with_images:
        parts: list[str] = []
        for child in node.traverse(include_text=True):
            if child.is_text_node:
                parts.append(child.text_content or "")
            elif child.tag == "img":
                parts.append(f" {child.attrs.get('alt') or ''} ")
        text = "".join(parts)
    else:
        text = node.text()
    text = _collapse(text)
    if not text:
        text = _collapse(node.attrs.get("title") or "")
    return text


def _label(node: LexborNode, link_holders: dict[int, object]) -> str:
    parts: list[str] = []
    size = 0
    current = node
    while size < _LABEL_CHARS:
        previous = current.prev
        if previous is None:
            parent = current.parent
            if parent is None or parent.tag not in _INLINE_TAGS:
                break
            current = parent
            continue
        current = previous
        if previous.is_text_node:
            piece = previous.text_content or ""
        elif previous.is_element_node:
            tag = previous.tag
            if tag in _SKIP_TEXT_TAGS or tag in _TRANSPARENT_TAGS:
                continue
            # The text after an earlier link belongs to that link, not to this one.
            if tag not in _INLINE_TAGS or previous.mem_id in link_holders:
                break
            piece = previous.text()
        else:
            continue
        parts.append(piece)
        size += len(piece.strip())
    if not parts:
        return ""  # most links: the first thing in their block
    return _collapse("".join(reversed(parts)))[-_LABEL_CHARS:].strip()


class _ItemDates:
    """Finds the date shown with each link of one page."""

    __slots__ = (
        "_link_holders", "_page_text", "_page_year", "_page_year_known", "_pub_date", "_today",
        "_url",
    )  # fmt: skip

    def __init__(
        self,
        link_holders: dict[int, object],
        pub_date: dt.date | None,
        today: dt.date | None,
        page_text: Callable[[], str],
    ) -> None:
        self._link_holders = link_holders
        self._pub_date = pub_date
        self._today = today
        self._page_text = page_text
        self._page_year: int | None = None
        self._page_year_known = False
        self._url = ""

    def _year(self) -> int | None:
        """The year of a short date ("[11-20]") shown with the current link."""
        url_date = _URL_DATE_RE.search(self._url)
        if url_date is not None:
            return int(url_date.group(1))
        if not self._page_year_known:
            self._page_year = self._find_page_year()
            self._page_year_known = True
        return self._page_year

    def _find_page_year(self) -> int | None:
        if self._pub_date is not None:
            return self._pub_date.year
        today = self._today
        full = [d for d in parse_dates(self._page_text()) if today is None or d <= today]
        if full:
            return max(full).year
        return today.year if today is not None else None

    def date(self, node: LexborNode, url: str, ancestors: list[_Ancestor]) -> dt.date | None:
        """The date in the nearest enclosing item that leads to no other URL, or None."""
        self._url = url
        year, today, holders = self._year, self._today, self._link_holders
        own_text: str | None = None
        digitless = False  # the link's text has no digit (an item around it had none)
        for ancestor, key, tag in ancestors:
            if holders.get(key) is _MULTIPLE:
                break  # a list, not an item: its dates belong to other links too
            if tag not in _ITEM_TAGS:
                continue
            item_text = ancestor.text(separator=" ")
            if len(item_text) > _ITEM_MAX_CHARS:
                break  # an article body that happens to hold one link, not a list item
            if _DIGIT_RE.search(item_text) is None:
                digitless = True  # most items of menus: no date here, nor in the link
                continue
            if own_text is None:
                own_text = node.text(separator=" ")
            # A date beside the title is the item's date; a date inside the title
            # ("关于2027年1月1日起施行…") is not, unless it is the only one (a date <span>
            # nested inside the <a>).
            outside = item_text.replace(own_text, " ", 1) if own_text else item_text
            if len(outside) > 3 and _DIGIT_RE.search(outside) is not None:
                found = parse_dates(outside, context_year=year, today=today)
                if found:
                    return found[0]
        if own_text is None:
            if digitless:
                return None
            own_text = node.text(separator=" ")
        if _DIGIT_RE.search(own_text) is None:
            return None
        inside = parse_dates(own_text, context_year=year, today=today)
        return inside[-1] if inside else None


# --------------------------------------------------------------------------------------------
# Parsing


def _meta_date(content: str) -> dt.date | None:
    found = parse_dates(content)
    return found[0] if found else None


def parse(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    today: dt.date | None = None,
) -> Document:
    """Decode ``body`` (see :func:`decode`) and parse it as the page at ``url``.

    ``today`` (the run's ``--as-of``) resolves the year of short item dates such as
    ``[11-20]``; see :func:`parse_text`. Never raises on bad bytes.
    """
    text, encoding = decode(body, content_type)
    return parse_text(text, url, encoding, today=today)


def parse_text(
    text: str, url: str, encoding: str = "utf-8", *, today: dt.date | None = None
) -> Document:
    """Parse already decoded HTML as the page at ``url``.

    ``encoding`` is recorded in the document and used to percent-encode non-ASCII query
    strings of links, as browsers do. A link's short date (``[11-20]``) takes its year from
    the date in the link's URL (``t20261120_…``), else from the page: its ``pub_date``, else
    its newest full date not after ``today``, else ``today``; and the year before when the
    date would lie after ``today``.
    """
    # Lexbor works on UTF-8 either way (same speed here); encoding it ourselves with "replace"
    # keeps a str holding lone surrogates from raising.
    tree = LexborHTMLParser(_unwrap_datastores(text).encode("utf-8", "replace"))

    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = _Resolver(url, encoding)(base_node.attrs.get("href")) or url
    resolve = _Resolver(base, encoding)
    page_url = url.partition("#")[0]

    refresh: str | None = None
    pub_date: dt.date | None = None
    meta_names: set[str] = set()
    site_code: str | None = None
    for meta in tree.css("meta"):
        attrs = meta.attrs
        if name := (attrs.get("name") or "").strip().lower():
            meta_names.add(name)
        content = attrs.get("content")
        if not content:
            continue
        if site_code is None and name == "siteidcode":
            site_code = content.strip()
        if refresh is None and (attrs.get("http-equiv") or "").strip().lower() == "refresh":
            target = resolve(_refresh_target(content))
            if target != page_url:
                refresh = target
        elif pub_date is None and (attrs.get("name") or "").strip().lower() in (
            "pubdate",
            "firstpublishedtime",
        ):
            pub_date = _meta_date(content)

    title_node = tree.css_first("title")
    title = _collapse(title_node.text()) if title_node is not None else ""

    frames = tuple(
        src
        for node in tree.css("frame[src], iframe[src]")
        if (src := resolve(node.attrs.get("src"))) is not None
    )

    script_redirect: str | None = None
    scripts: list[tuple[str, str | None]] = []
    for script in tree.css("script"):
        attrs = script.attrs
        if attrs.get("src") is not None:
            if (src := resolve(attrs.get("src"))) is not None:
                scripts.append((src, attrs.get("sitecode")))
            continue
        kind = (attrs.get("type") or "").strip().lower()
        if kind not in _JS_TYPES and "javascript" not in kind:
            continue
        code = script.text()
        scripts.extend(
            (src, code_attr)
            for written, code_attr in _written_scripts(code)
            if (src := resolve(written)) is not None
        )
        if script_redirect is not None:
            continue
        target = resolve(_script_redirect(code))
        if target is not None and target != page_url:
            script_redirect = target
    tree.strip_tags(["script", "style", "template"])

    # Pass 1: resolve, and record for every ancestor which URL it leads to (or several).
    found: list[tuple[LexborNode, str, list[_Ancestor]]] = []
    link_holders: dict[int, object] = {}
    clickable = "onclick" in text or "onClick" in text or "ONCLICK" in text
    listed: set[int] = set()  # a selector list gives an <a href onclick> twice
    for node in tree.css("a[href], area[href], [onclick]" if clickable else "a[href], area[href]"):
        if clickable:
            key = node.mem_id
            if key in listed:
                continue
            listed.add(key)
        attrs = node.attrs
        link_url = resolve(attrs.get("href"))
        if link_url is None:
            # A click that only a script follows (href="javascript:void(0)" onclick=
            # "window.open('/zqsk/')"; a clickable <li>), unless it wraps real links.
            link_url = resolve(_onclick_target(attrs.get("onclick")))
            if link_url is None or (node.tag != "a" and node.css_first("a[href]") is not None):
                continue
        ancestors: list[_Ancestor] = []
        parent = node.parent
        while parent is not None and len(ancestors) < _ANCESTOR_DEPTH:
            tag = parent.tag
            if tag == "body" or tag == "html":
                break
            key = parent.mem_id
            ancestors.append((parent, key, tag))
            holder = link_holders.get(key)
            if holder is _MULTIPLE:
                # Whoever made it so also marked everything above it: a list item of a
                # 100-item list costs two steps, not eight.
                break
            if holder is None:
                link_holders[key] = link_url
            elif holder != link_url:
                link_holders[key] = _MULTIPLE
            parent = parent.parent
        found.append((node, link_url, ancestors))

    with_images: set[int] = set()
    for image in tree.css("a[href] img"):
        parent = image.parent
        while parent is not None and parent.tag != "a":
            parent = parent.parent
        if parent is not None:
            with_images.add(parent.mem_id)

    def body_text() -> str:
        body = tree.body
        return body.text(separator=" ") if body is not None else ""

    item_dates = _ItemDates(link_holders, pub_date, today, body_text)
    new_link = tuple.__new__  # Link(...) without NamedTuple's keyword handling
    links = tuple(
        new_link(
            Link,
            (
                link_url,
                _link_text(node, node.mem_id in with_images),
                _label(node, link_holders),
                item_dates.date(node, link_url, ancestors),
            ),
        )
        for node, link_url, ancestors in found
    )

    tree.strip_tags(["noscript"])
    return Document(
        url=url,
        encoding=encoding,
        title=title,
        text=_collapse(body_text()),
        links=links,
        frames=frames,
        refresh=refresh,
        script_redirect=script_redirect,
        pub_date=pub_date,
        meta_names=frozenset(meta_names),
        site_code=site_code,
        scripts=tuple(scripts),
    )
