"""Which links `links.broken` probes: those of the home page, and those of a sample of its
second-level pages, each URL once, with at most so many per outside host."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from gkaudit.domains import host_of
from gkaudit.html import Document, is_file_url
from gkaudit.i18n import _
from gkaudit.site.context import SiteContext
from gkaudit.site.urls import canonical, is_web, sample


@dataclass(frozen=True, slots=True)
class Target:
    """A link to probe: its URL (canonical), its text and the page that carries it."""

    url: str
    text: str
    page: str


def links_of(doc: Document) -> dict[str, str]:
    """Every http(s) link and image of `doc`, by canonical URL, with its text (an image's alt)."""
    found: dict[str, str] = {}
    for link in doc.links:
        if is_web(link.url):
            found.setdefault(canonical(link.url), link.text)
    for src, alt in doc.images:
        if is_web(src):
            found.setdefault(canonical(src), alt or _("(image)"))
    return found


def pages_to_sample(site: SiteContext, doc: Document, skip: set[str], size: int) -> list[str]:
    """The second-level pages opened for the sampled rate: internal links of the home page that
    are neither files nor the home page, in the order of `sample` (the same pages on every run,
    and the first ones `ipv6.links` opens too)."""
    internal = {
        key
        for link in doc.links
        if is_web(link.url)
        and (key := canonical(link.url)) not in skip
        and site.is_internal(key)
        and not is_file_url(key)
    }
    return sample(internal, size)


class HostCap:
    """At most `per_host` links probed on each host outside the portal, for the whole site:
    a portal may link a hundred 政务服务 items on the province's platform."""

    def __init__(self, site: SiteContext, per_host: int) -> None:
        self._site = site
        self._per_host = per_host
        self._taken: Counter[str] = Counter()
        self.left_out = 0

    def take(self, targets: Iterable[Target]) -> list[Target]:
        kept: list[Target] = []
        for target in targets:
            if not self._site.is_internal(target.url):
                host = host_of(target.url)
                if self._taken[host] >= self._per_host:
                    self.left_out += 1
                    continue
                self._taken[host] += 1
            kept.append(target)
        return kept
