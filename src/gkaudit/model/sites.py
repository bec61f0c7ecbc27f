"""What `sites.yaml` says: the portals to audit, their kinds, tags and hint URLs."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, field_validator

from gkaudit.base import Frozen, SiteKind
from gkaudit.i18n import _


def check_http_url(url: str) -> str:
    """Accept an absolute http(s) URL with a host (IDN hosts too); say what is wrong if not."""
    if any(ch.isspace() for ch in url):
        raise ValueError(_("a URL may not contain spaces"))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(_("not an http(s) URL"))
    if not parts.hostname:
        raise ValueError(_("the URL has no host"))
    try:
        parts.port  # noqa: B018 (reading it validates it)
    except ValueError:
        raise ValueError(_("the URL has an invalid port")) from None
    return url


TAG = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


def check_tag(tag: str) -> str:
    """Accept a site tag (lower-case letters, digits and hyphens); say what is wrong if not."""
    if not TAG.match(tag):
        wrong = _("{tag!r} is not a tag (lower-case letters, digits and '-', at most 32)")
        raise ValueError(wrong.format(tag=tag))
    return tag


class Hints(Frozen):
    """URLs an inspector gives where discovery from the home page cannot find a column."""

    disclosure_url: str | None = None
    business_relief_url: str | None = None
    interpretation_url: str | None = None
    annual_report_url: str | None = None

    @field_validator("*")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        return None if url is None else check_http_url(url)


class Site(Frozen):
    """One portal from `sites.yaml`."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
    name: str = Field(min_length=1)
    url: str
    kind: SiteKind
    org: str | None = Field(None, min_length=1)
    """The body's name as its reports carry it, when not `name` (大连市科技局): see the
    annual-report rule's ownership."""
    hints: Hints = Hints()
    tags: tuple[Annotated[str, AfterValidator(check_tag)], ...] = Field((), max_length=32)
    """Labels a plan's clauses name sites by (`agri` for the 涉农 districts, `finance` for the
    finance bureau): a rule's `applies_to` may list them beside the kinds."""
    region: str | None = Field(None, pattern=r"^[1-8][0-9]{5}$")
    """The 6-digit administrative division code (GB/T 2260) of the body's area, which its
    网站标识码 begins with."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return check_http_url(url)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def is_in(self, scope: tuple[SiteKind | str, ...]) -> bool:
        """True when a rule scoped to these kinds and tags applies to this site."""
        return self.kind in scope or any(tag in scope for tag in self.tags)

    def hint(self, name: str) -> str | None:
        """The hint URL of that name, if `sites.yaml` gives one."""
        value = getattr(self.hints, name, None)
        return value if isinstance(value, str) else None
