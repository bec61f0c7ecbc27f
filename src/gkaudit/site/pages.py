"""What a fetched page answered, in the words the searches and checks share: does it load
(2xx HTML), why not, and the `error` verdict when the home page itself does not load."""

from __future__ import annotations

from typing import TypeGuard

from gkaudit.i18n import _
from gkaudit.model import Verdict
from gkaudit.net.http import FetchFailure, Outcome, Page
from gkaudit.site.context import SiteContext


def loads(outcome: Outcome | None) -> TypeGuard[Page]:
    """A 2xx HTML page of the portal's own (not an obstacle page)."""
    return isinstance(outcome, Page) and outcome.loads


def describe(outcome: Outcome) -> str:
    """Why a page did not load, in a few words: `HTTP 404`, `timeout after 15 s`, `not HTML`."""
    if isinstance(outcome, FetchFailure):
        return outcome.message
    if outcome.obstacle is not None:
        return outcome.obstacle.describe()
    if not outcome.ok:
        return f"HTTP {outcome.status}"
    if not outcome.is_html:
        return _("not an HTML page ({content_type})").format(
            content_type=outcome.content_type or _("no content type")
        )
    return f"HTTP {outcome.status}"


async def home_page(site: SiteContext) -> Page | None:
    """The home page if it loads as 2xx HTML."""
    home = await site.home()
    return home if loads(home) else None


def home_verdict(home: Outcome, looking_for: str) -> Verdict:
    """`error`: without the home page nothing can be found from it (`site.reachable` says why)."""
    return Verdict.inconclusive(
        _("the home page could not be fetched ({why}): cannot look for {looking_for}").format(
            why=describe(home), looking_for=looking_for
        ),
        [home.evidence()],
    )
