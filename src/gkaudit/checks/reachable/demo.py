"""The faults `reachable` plants in the demo fleet: portals that cannot be opened at all.

A portal that cannot be opened leaves every rule needing its pages inconclusive, not failed:
gkaudit could not read them. Rules needing only DNS still judge it.
"""

from __future__ import annotations

from gkaudit.demo.http import Behaviour
from gkaudit.demo.spec import Address, DemoFault
from gkaudit.model import Status

F, E = Status.FAIL, Status.ERROR
PAGE_RULES = (
    "ipv6.links",
    "column.business-relief",
    "column.negative-list",
    "column.fee-list",
    "column.regulations-library",
    "column.agri-subsidies",
    "policy.interpretation",
    "policy.interpretation-forms",
    "disclosure.catalogue",
    "disclosure.annual-report",
    "privacy.personal-data",
    "wording.severe",
    "wording.typos",
    "feedback.jiucuo",
    "identity.site-code",
    "identity.icp",
    "identity.police-record",
    "identity.conac-badge",
    "identity.sponsor",
    "site.home-updated",
    "columns.updated",
    "columns.blank",
    "interaction.channel",
)

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
