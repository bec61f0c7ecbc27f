"""Pages that stand between gkaudit and a portal's content, recognised in one place.

Real Chinese government portals sit behind firewalls and anti-bot layers that answer a client
they do not trust with a page of their own: 瑞数's HTTP 412 challenge, 知道创宇's `wzws` script
challenge at 200, the block pages of 安全狗, 云锁, 360网站卫士, 阿里云盾 and 腾讯云 WAF, a
rate-limit page when a crawl went too fast, a maintenance notice on every URL. Such a page is
not the portal's content: read as content, it would pass `site.reachable` and fail every rule
that looks for a column. The fetcher asks `recognise` about every response with a body, and a
recognised page carries its `Obstacle`, which the rules report as `error` naming it.

The markers are data (`obstacles.yaml`, packaged; users add theirs with `--obstacles`), matched
as plain byte strings: a block page is recognised in microseconds, and a real page that merely
mentions a marker is told apart by its amount of visible text (`max_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator
from ruamel.yaml import YAML

from gkaudit.i18n import _
from gkaudit.model import Frozen

__all__ = [
    "Marker",
    "Markers",
    "Obstacle",
    "ObstacleKind",
    "ObstaclesFile",
    "combined",
    "packaged",
    "parse",
    "script_built",
]

#: Markers are looked for in this much of a body: obstacle pages are small.
SCAN_BYTES = 256 * 1024
#: Bodies larger than this are matched only by markers bound to a status and without
#: `max_text` (瑞数's 412): challenge, block and notice pages are a sentence or two and a
#: script (those saved in tests/fixtures/realweb are all under 7 KB), and searching every
#: portal page for every marker would cost as much as parsing it.
SMALL_PAGE = 32 * 1024

_NONBLANK = Annotated[str, StringConstraints(min_length=1)]
# Visible text, roughly: what is left without scripts, styles, comments and tags. Good enough
# to tell a block page (a sentence or two) from a portal page (thousands of characters).
_INVISIBLE = re.compile(
    rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>", re.DOTALL | re.I
)
_ENTITY = re.compile(rb"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


# A list a script fills from an API: a data call, and an empty container (or a template binding
# that only a script can expand). The leading lookaheads let the engine skip to a position where
# a match may start (2x faster over a page without one).
_DATA_CALL = re.compile(
    rb"(?=[$afx])(?:\$\.(?:ajax|get|getJSON|post)\s*\(|axios[.(]|\bfetch\s*\(|XMLHttpRequest)", re.I
)
_EMPTY_LIST = re.compile(
    rb"<(ul|ol|tbody|div|table)\b[^>]*\b(?:id|class)\s*=\s*[\"'][^\"']*"
    rb"(?:list|news|data|content|article|xxgk)[^\"']*[\"'][^>]*>\s*</\1\s*>",
    re.I,
)
_TEMPLATE = re.compile(rb"(?=[vn{])(?:\bv-for\s*=|\bng-repeat\s*=|\{\{\s*[\w.]+\s*\}\})")


_TEMPLATE_HINTS = (b"v-for", b"ng-repeat", b"{{")
_DATA_HINTS = (b"$.", b"axios", b"fetch", b"XMLHttpRequest")


def script_built(body: bytes) -> bool:
    """The page's list is filled by a script (from an API, or a Vue/Angular template)."""
    head = body[:SCAN_BYTES]
    if not head:
        return False  # a HEAD's answer, a probe's unread body
    # Literal searches (memmem) before the regular expressions, which only run where they may
    # match. Each search is a pass over the page (20-40 us for 50 KB, the two-byte ones the
    # slowest): the data branch asks for its empty container first, one regex pass that fails
    # on most pages, instead of four searches for data calls that most portal pages make.
    if any(h in head for h in _TEMPLATE_HINTS) and _TEMPLATE.search(head):
        return True
    return bool(
        _EMPTY_LIST.search(head) and any(h in head for h in _DATA_HINTS) and _DATA_CALL.search(head)
    )


class ObstacleKind(StrEnum):
    CHALLENGE = "challenge"  # a script must run (and set a cookie) before the content shows
    BLOCK = "block"  # the firewall refuses this client
    RATE_LIMIT = "rate_limit"  # the firewall refuses this client for going too fast
    MAINTENANCE = "maintenance"  # the portal itself is closed to everyone


class Marker(Frozen):
    """One way of recognising an obstacle page (a row of obstacles.yaml)."""

    name: _NONBLANK
    kind: ObstacleKind
    any: tuple[_NONBLANK, ...] = ()
    all: tuple[_NONBLANK, ...] = ()
    status: tuple[int, ...] = ()
    max_text: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _has_strings(self) -> Marker:
        if not self.any and not self.all:
            raise ValueError("give `any` or `all`: the strings that recognise the page")
        return self

    def matches(self, status: int, head: bytes, text: _LazyText) -> bool:
        if self.status and status not in self.status:
            return False
        if self.all and not all(s.encode() in head for s in self.all):
            return False
        if self.any and not any(s.encode() in head for s in self.any):
            return False
        return self.max_text is None or text.length() <= self.max_text


class ObstaclesFile(Frozen):
    """The format of obstacles.yaml and of a user's `--obstacles` file."""

    obstacles: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class Obstacle:
    """A recognised page: which obstacle, and the status it came with."""

    #: "" for a rate limit said by its status alone (HTTP 429, a 503 with Retry-After)
    name: str
    kind: ObstacleKind
    status: int
    #: What was (not) done about it: "not passed by a headless browser either", or why no
    #: browser tried.
    note: str = ""

    def describe(self) -> str:
        """In an inspector's words: `blocked by a WAF challenge page (瑞数, HTTP 412)`."""
        if self.kind is ObstacleKind.CHALLENGE:
            text = _("blocked by a WAF challenge page ({name}, HTTP {status})")
        elif self.kind is ObstacleKind.BLOCK:
            text = _("blocked by a WAF block page ({name}, HTTP {status})")
        elif self.kind is ObstacleKind.RATE_LIMIT and not self.name:
            text = _("rate-limited by the site (HTTP {status})")
        elif self.kind is ObstacleKind.RATE_LIMIT:
            text = _("turned away by a rate-limit page ({name}, HTTP {status})")
        else:
            text = _("the portal shows a maintenance page ({name}, HTTP {status})")
        text = text.format(name=self.name, status=self.status)
        return f"{text}; {self.note}" if self.note else text

    @property
    def rate_limited(self) -> bool:
        return self.kind is ObstacleKind.RATE_LIMIT


class _LazyText:
    """The visible text length of a body, computed only when a marker with `max_text` asks."""

    __slots__ = ("_body", "_length")

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._length: int | None = None

    def length(self) -> int:
        if self._length is None:
            text = _ENTITY.sub(b"x", _INVISIBLE.sub(b" ", self._body))
            # characters, not bytes: Chinese text is three bytes a character in UTF-8
            self._length = len(b"".join(text.split()).decode("utf-8", "replace"))
        return self._length


class Markers:
    """An ordered list of markers; the first that matches names the obstacle."""

    def __init__(self, markers: Iterable[Marker]) -> None:
        self.markers: tuple[Marker, ...] = tuple(markers)

    def __add__(self, other: Markers) -> Markers:
        return Markers(self.markers + other.markers)

    def recognise(self, status: int, body: bytes) -> Obstacle | None:
        """The obstacle this response is, or None for a page of the portal's own."""
        if not body:
            return None
        head = body[:SCAN_BYTES]
        text = _LazyText(head)
        large = len(body) > SMALL_PAGE
        for marker in self.markers:
            if large and (marker.max_text is not None or not marker.status):
                continue  # obstacle pages are small; a large one only by its status (瑞数 412)
            if marker.matches(status, head, text):
                return Obstacle(marker.name, marker.kind, status)
        return None


def parse(data: object) -> Markers:
    return Markers(ObstaclesFile.model_validate(data).obstacles)


@cache
def packaged() -> Markers:
    """The markers shipped with gkaudit (obstacles.yaml beside this module)."""
    text = resources.files("gkaudit.net").joinpath("obstacles.yaml").read_text("utf-8")
    return parse(YAML(typ="safe").load(text))


def combined(extra: Sequence[Markers] = ()) -> Markers:
    """A user's markers first (they know their portals), then the packaged ones."""
    markers = Markers(())
    for more in extra:
        markers = markers + more
    return markers + packaged()
