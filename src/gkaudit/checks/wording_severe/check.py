"""No severe expression error (严重表述错误) on the portal's pages.

Why: The national inspection indicators (国办秘函〔2019〕19号) veto a site for a severe
expression error, such as a state leader's name or title written wrong; plan clause (十八)
asks for keyword and typo screening before publication. Fuzhou logged 1,400 such errors on its
government websites in one month.

What it checks: the visible text (title and body) of up to `max_pages` pages crawled from the
home page, against the curated list `gkaudit/wording/data/severe.yaml` (versioned; each entry a
wrong form of a leader's name or title, of the Party's or the state's formal name, of a major
meeting or document, with its correct form and a source), matched exactly in one pass of a
compiled regular expression. No language model: an open corrector "corrects" the 公网安备
footer every portal carries. A hit marked as a false alarm (核减) in the waivers file is left
out and listed.

Params:
- `max_pages`: pages crawled from the home page (default 60).

Passes when no page shows a listed wrong form.

Fails when a page does: each hit is named with the page and the correct form.

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


@check("wording_severe", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    return await judge(
        site,
        "severe",
        params.max_pages,
        status=Status.FAIL,
        looking_for=_("severe expression errors"),
        found=_("severe expression errors on {count} pages: {forms}"),
        clean=_("no severe expression error in {pages} pages"),
    )
