"""The faults `links_broken` plants in the demo fleet: none yet.

Its rule `links.broken` is only in the gwjc-2019 plan, and the demo fleet runs and expects the
default plan (dalian-2022) alone. Before it can plant one (three dead links and a 404 image on one
district's home page), the fleet must also serve the outside hosts its pages link (www.gov.cn,
beian.miit.gov.cn, bszs.conac.cn...) on loopback: today the demo DNS refuses those names, which
leaves every portal's outside links undecided (`error`), as it should on a network that cannot
resolve them.
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault

FAULTS: tuple[DemoFault, ...] = ()
