"""The demo fleet as served: the portals with every check's faults planted, and the verdict each
portal is built to get from each rule of the demo's plans (the expected table).

The faults come from `gkaudit/checks/<name>/demo.py` (one sorted list below, no import side
effects); a portal's verdict on a rule is what its faults say, else `pass`, or `skip` where the
rule does not apply to its kind or tags. Two faults that disagree on one verdict are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gkaudit.checks.annual_report import demo as annual_report
from gkaudit.checks.column import demo as column
from gkaudit.checks.columns_blank import demo as columns_blank
from gkaudit.checks.columns_updated import demo as columns_updated
from gkaudit.checks.disclosure_catalogue import demo as disclosure_catalogue
from gkaudit.checks.home_updated import demo as home_updated
from gkaudit.checks.interaction_channel import demo as interaction_channel
from gkaudit.checks.interaction_response import demo as interaction_response
from gkaudit.checks.interpretation import demo as interpretation
from gkaudit.checks.ipv6_aaaa import demo as ipv6_aaaa
from gkaudit.checks.ipv6_links import demo as ipv6_links
from gkaudit.checks.ipv6_nameservers import demo as ipv6_nameservers
from gkaudit.checks.ipv6_reachable import demo as ipv6_reachable
from gkaudit.checks.links_broken import demo as links_broken
from gkaudit.checks.personal_data import demo as personal_data
from gkaudit.checks.reachable import demo as reachable
from gkaudit.checks.site_identity import demo as site_identity
from gkaudit.checks.site_search import demo as site_search
from gkaudit.checks.wording_severe import demo as wording_severe
from gkaudit.checks.wording_typos import demo as wording_typos
from gkaudit.demo.identities import IDENTITIES
from gkaudit.demo.spec import RULE_IDS, DemoFault, PortalSpec, applies
from gkaudit.model import Status

#: Every check's faults, by check name (sorted as the built-in checks are).
FAULTS: Mapping[str, tuple[DemoFault, ...]] = {
    "annual_report": annual_report.FAULTS,
    "column": column.FAULTS,
    "columns_blank": columns_blank.FAULTS,
    "columns_updated": columns_updated.FAULTS,
    "disclosure_catalogue": disclosure_catalogue.FAULTS,
    "home_updated": home_updated.FAULTS,
    "interaction_channel": interaction_channel.FAULTS,
    "interaction_response": interaction_response.FAULTS,
    "interpretation": interpretation.FAULTS,
    "ipv6_aaaa": ipv6_aaaa.FAULTS,
    "ipv6_links": ipv6_links.FAULTS,
    "ipv6_nameservers": ipv6_nameservers.FAULTS,
    "ipv6_reachable": ipv6_reachable.FAULTS,
    "links_broken": links_broken.FAULTS,
    "personal_data": personal_data.FAULTS,
    "reachable": reachable.FAULTS,
    "site_identity": site_identity.FAULTS,
    "site_search": site_search.FAULTS,
    "wording_severe": wording_severe.FAULTS,
    "wording_typos": wording_typos.FAULTS,
}


def all_faults() -> list[DemoFault]:
    return [fault for faults in FAULTS.values() for fault in faults]


def plant(specs: Iterable[PortalSpec], faults: Iterable[DemoFault]) -> tuple[PortalSpec, ...]:
    """`specs` with `faults` planted; a fault on a portal that is not there is an error."""
    by_id = {spec.id: spec for spec in specs}
    for fault in faults:
        if fault.portal not in by_id:
            raise ValueError(f"a fault is planted on {fault.portal!r}, which is not a portal")
        by_id[fault.portal] = fault.plant(by_id[fault.portal])
    return tuple(by_id.values())


def expected(
    specs: Iterable[PortalSpec], faults: Iterable[DemoFault]
) -> dict[tuple[str, str], Status]:
    """(site id, rule id) -> the verdict the portal is built to get."""
    table: dict[tuple[str, str], Status] = {}
    said: dict[tuple[str, str], DemoFault] = {}
    for fault in faults:
        for rule, status in fault.verdicts.items():
            key = (fault.portal, rule)
            if key in said and table[key] is not status:
                raise ValueError(
                    f"{fault.portal} {rule}: {said[key].what!r} says {table[key].value}, "
                    f"{fault.what!r} says {status.value}"
                )
            table[key], said[key] = status, fault
    return {
        (spec.id, rule): (
            table.get((spec.id, rule), Status.PASS) if applies(spec, rule) else Status.SKIP
        )
        for spec in specs
        for rule in RULE_IDS
    }


PORTALS: tuple[PortalSpec, ...] = plant(IDENTITIES, all_faults())
EXPECTED: Mapping[tuple[str, str], Status] = expected(IDENTITIES, all_faults())
