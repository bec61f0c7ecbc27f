"""Site chrome: the navigation, header and footer links that recur across a site's pages (same
URL and text), measured on the home page and one other page of the site. A link in it is
navigation; the others are body links."""

from __future__ import annotations

import asyncio

from gkaudit.html import LinkKey, is_file_url, recurring_links
from gkaudit.net.http import Page
from gkaudit.site.context import SiteContext

#: Internal links of the home page tried, together, as the page site chrome is measured on.
REFERENCE_CANDIDATES = 3


async def chrome_of(site: SiteContext) -> frozenset[LinkKey]:
    """Site chrome: the links (by `Link.key`) that recur on the reference pages, worked out
    once per run."""

    async def compute() -> frozenset[LinkKey]:
        refs = await _reference_pages(site)
        return recurring_links((site.document(ref) for ref in refs), needed=min(2, len(refs)))

    return await site.remember("chrome", compute)


async def _reference_pages(site: SiteContext) -> list[Page]:
    """The home page and one other page of the site: what site chrome is measured against.
    The first few candidates are fetched together, so one dead link cannot stall the site."""
    home = await site.home()
    if not isinstance(home, Page) or not home.loads:
        return []
    candidates = dict.fromkeys(
        link.url
        for link in site.document(home).links
        if link.url != home.final_url and site.is_internal(link.url) and not is_file_url(link.url)
    )
    tried = list(candidates)[:REFERENCE_CANDIDATES]
    others = await asyncio.gather(*(site.html(url) for url in tried))
    other = next((p for p in others if p and p.final_url != home.final_url), None)
    return [home] if other is None else [home, other]
