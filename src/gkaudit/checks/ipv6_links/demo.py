"""The fault `ipv6_links` plants in the demo fleet: internal links to an IPv4-only host."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="huangang",
        what="8 links to IPv4-only zwfw.gkhuangang.gov.cn (no AAAA)",
        changes={"ipv4_only_services": True},
        verdicts={"ipv6.links": Status.FAIL},
    ),
)
