"""The fault `home_updated` plants in the demo fleet: a portal nobody has published on for a month,
so that its home page's newest dated item is older than the indicators' 2 weeks."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="jinhai",
        what="nobody has published for a month: the home page's newest item is 31 days old",
        changes={"idle_days": 30},
        # its 要闻动态 column is as old, one column past its 2 weeks: not yet the veto's five
        verdicts={"site.home-updated": Status.FAIL, "columns.updated": Status.WARN},
    ),
)
