"""The faults `ipv6_reachable` plants in the demo fleet: home pages broken over IPv6 only."""

from __future__ import annotations

from gkaudit.demo.http import Behaviour
from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

F = Status.FAIL

FAULTS = (
    DemoFault(
        portal="beihai",
        what="IPv6 serves an 'IPv6 测试页' placeholder instead of the site",
        changes={"ipv6": Behaviour.PLACEHOLDER},
        # the placeholder answers 404 for the site's other pages: its links fail over IPv6
        verdicts={"ipv6.reachable": F, "ipv6.links": F},
    ),
    DemoFault(
        portal="nanshan",
        what="IPv6 connections are reset",
        changes={"ipv6": Behaviour.RESET},
        verdicts={"ipv6.reachable": F, "ipv6.links": F},
    ),
)
