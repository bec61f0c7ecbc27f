"""The expected table is assembled from the checks' faults: planted on their portals, refused
when they contradict each other or name what is not there."""

from __future__ import annotations

import pytest

from gkaudit.demo.expected import EXPECTED, PORTALS, all_faults, expected, plant
from gkaudit.demo.identities import IDENTITIES
from gkaudit.demo.spec import RULE_IDS, RULE_SCOPES, Address, DemoFault
from gkaudit.model import SiteKind, Status
from gkaudit.plans import load_plan
from gkaudit.plugins import Registry

P, F, S = Status.PASS, Status.FAIL, Status.SKIP


def test_a_faultless_fleet_passes_or_skips_everything() -> None:
    table = expected(IDENTITIES, [])
    assert set(table.values()) == {P, S}
    # the rules scoped to kinds or tags skip the others (RULE_SCOPES, from their applies_to)
    assert {r for (_, r), s in table.items() if s is S} == {
        "column.business-relief",
        "column.negative-list",
        "column.fee-list",
        "column.regulations-library",
        "column.agri-subsidies",
    }


def test_each_fault_is_planted_and_says_its_verdicts() -> None:
    specs = {spec.id: spec for spec in PORTALS}
    for fault in all_faults():
        for field, value in fault.changes.items():
            assert getattr(specs[fault.portal], field) == value, (fault.portal, field)
        for rule, status in fault.verdicts.items():
            assert EXPECTED[(fault.portal, rule)] in (status, S)
    assert set(EXPECTED) == {(spec.id, rule) for spec in PORTALS for rule in RULE_IDS}


def test_faults_that_disagree_are_refused() -> None:
    one = DemoFault("jinhai", "one", {}, {"ipv6.aaaa": F})
    other = DemoFault("jinhai", "other", {}, {"ipv6.aaaa": Status.ERROR})
    with pytest.raises(ValueError, match=r"jinhai ipv6\.aaaa: 'one' says fail, 'other' says error"):
        expected(IDENTITIES, [one, other])


def test_a_fault_names_what_exists() -> None:
    with pytest.raises(ValueError, match="unknown PortalSpec fields"):
        DemoFault("jinhai", "typo", {"adress": Address.NONE}, {"ipv6.aaaa": F})
    with pytest.raises(ValueError, match="unknown rules"):
        DemoFault("jinhai", "typo", {}, {"ipv6.aaa": F})
    with pytest.raises(ValueError, match="not a portal"):
        plant(IDENTITIES, [DemoFault("nowhere", "x", {"refused": True}, {})])


def test_the_demo_s_rule_scopes_are_the_plan_s() -> None:
    every = {kind.value for kind in SiteKind}
    for rule in load_plan(None, Registry.load()).rules:
        scope = {e.value if isinstance(e, SiteKind) else e for e in rule.applies_to}
        assert RULE_SCOPES.get(rule.id, frozenset(every)) == scope, rule.id
