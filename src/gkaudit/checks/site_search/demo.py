"""The faults `site_search` plants in the demo fleet: a portal without a search box, and one whose
search index was last rebuilt two months ago, so the newest headline is not found.

Every other portal's search (Hanweb's jsearch or TRS's WAS, `gkaudit.demo.search`) searches its
own articles and finds the newest headline.
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault, Search
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="sfj",
        what="the header lost its search box in a template change: no site search",
        changes={"search": Search.NONE},
        verdicts={"site.search": Status.FAIL},
    ),
    DemoFault(
        portal="donggang",
        what="the search index was last rebuilt 60 days ago: the newest headline is not found",
        changes={"search": Search.STALE},
        verdicts={"site.search": Status.WARN},
    ),
)
