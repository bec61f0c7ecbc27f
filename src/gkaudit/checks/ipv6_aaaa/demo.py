"""The fault `ipv6_aaaa` plants in the demo fleet: a portal whose name has no AAAA record."""

from __future__ import annotations

from gkaudit.demo.spec import Address, DemoFault
from gkaudit.model import Status

F = Status.FAIL

FAULTS = (
    DemoFault(
        portal="jinhai",
        what="no AAAA record: the portal is IPv4-only",
        changes={"address": Address.V4_ONLY},
        # without AAAA neither the home page nor any link on the host opens over IPv6
        verdicts={"ipv6.aaaa": F, "ipv6.reachable": F, "ipv6.links": F},
    ),
)
