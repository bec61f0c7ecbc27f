"""The faults `site_search` plants in the demo fleet: none yet.

Its rule `site.search` is only in the gwjc-2019 plan, and the demo fleet runs and expects the
default plan (dalian-2022) alone; a portal without a search box (and one whose search finds
nothing) is planted once the demo runs both plans (issue 12).
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault

FAULTS: tuple[DemoFault, ...] = ()
