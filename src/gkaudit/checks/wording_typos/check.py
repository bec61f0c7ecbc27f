"""Common typos of government writing (错别字) on the portal's pages.

Why: Plan clause (十八): "积极利用技术手段做好信息发布前关键词、错别字筛查". Monitors report
错别字 as a category of their own, below the veto of a severe expression error.

What it checks: the visible text (title and body) of up to `max_pages` pages crawled from the
home page, against the curated list `gkaudit/wording/data/typos.yaml` (versioned; idioms and
set phrases of official writing with a wrong character, and 截止 used where 截至 is meant before
a date), matched exactly in one pass of a compiled regular expression. Only forms wrong wherever
they stand are listed, so that a correct text never trips it; no language model is used. A hit
marked as a false alarm (核减) in the waivers file is left out and listed.

Params:
- `max_pages`: pages crawled from the home page (default 60).

Passes when no page shows a listed wrong form.

Warns (`warn`) when a page does: each hit is named with the page and the correct form.

Inconclusive (`error`) when the home page cannot be fetched.

Evidence: each hit: the page, the text written with twenty characters of context either side,
and the correct form; the false alarms struck, with their reasons. Metrics: `pages`, `hits`,
`pages_with_hits`, `false_alarms`, `list_version`.
"""

from __future__ import annotations

from pydantic import Field

from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import N_, _
from gkaudit.model import Status, Verdict
from gkaudit.site.context import SiteContext
from gkaudit.wording.pages import judge


class Params(CheckParams):
    """How much of the site to read."""

    max_pages: int = Field(60, ge=1, description=N_("pages crawled from the home page"))


@check("wording_typos", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    return await judge(
        site,
        "typos",
        params.max_pages,
        status=Status.WARN,
        looking_for=_("typos"),
        found=_("typos on {count} pages: {forms}"),
        clean=_("no listed typo in {pages} pages"),
    )
