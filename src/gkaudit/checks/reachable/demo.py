"""The faults `reachable` plants in the demo fleet: portals that cannot be opened at all.

A portal that cannot be opened leaves every rule needing its pages inconclusive, not failed:
gkaudit could not read them. Rules needing only DNS still judge it.
"""

from __future__ import annotations

from gkaudit.demo.http import Behaviour
from gkaudit.demo.spec import RULE_IDS, Address, DemoFault
from gkaudit.model import Status

F, E = Status.FAIL, Status.ERROR
#: What a portal that cannot be opened still answers: its DNS (and the home page's own verdicts).
NOT_FROM_PAGES = ("site.reachable", "ipv6.aaaa", "ipv6.reachable", "ipv6.nameservers")
#: The demo's rules that need the portal's pages.
PAGE_RULES = tuple(rule for rule in RULE_IDS if rule not in NOT_FROM_PAGES)

FAULTS = (
    DemoFault(
        portal="hbj",
        what="NXDOMAIN: the bureau was merged and its name removed from the zone",
        changes={"address": Address.NONE},
        # a name that does not exist is a definite "no AAAA", which ipv6.reachable fails too
        verdicts={"site.reachable": F, "ipv6.aaaa": F, "ipv6.reachable": F}
        | dict.fromkeys(PAGE_RULES, E),
    ),
    DemoFault(
        portal="changdao",
        what="connection refused: nothing listens on its port",
        changes={"refused": True},
        verdicts={"site.reachable": F, "ipv6.reachable": E} | dict.fromkeys(PAGE_RULES, E),
    ),
    DemoFault(
        portal="jtj",
        what="answers only after slow_seconds (30 s): slower than the scan timeout",
        changes={"ipv4": Behaviour.SLOW, "ipv6": Behaviour.SLOW},
        verdicts={"site.reachable": F, "ipv6.reachable": E} | dict.fromkeys(PAGE_RULES, E),
    ),
)
