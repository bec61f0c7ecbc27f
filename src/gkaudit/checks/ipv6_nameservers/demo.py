"""The faults `ipv6_nameservers` plants in the demo fleet: name servers without IPv6, and a
zone whose NS query fails."""

from __future__ import annotations

from gkaudit.demo.dns import DnsFault
from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="jinhai",
        what="the zone's name servers have no AAAA",
        changes={"nameservers_ipv6": False},
        # the rule's severity is `warning`: its failure shows as warn
        verdicts={"ipv6.nameservers": Status.WARN},
    ),
    DemoFault(
        portal="changdao",
        what="the NS query of its zone answers SERVFAIL",
        changes={"dns_faults": (("gkchangdao.gov.cn", "NS", DnsFault.SERVFAIL),)},
        verdicts={"ipv6.nameservers": Status.ERROR},
    ),
)
