"""The date-style matrix of the gwjc-2019 column rules: every rule gives each of its verdicts on
pages whose item dates are written in each style portals use (tests/checks/cases.py STYLES),
as golden cases with `styles:` in the rule's cases.yaml (run by test_cases)."""

from __future__ import annotations

import pytest

from gkaudit.model import Status
from tests.checks.cases import STYLES, all_cases

#: The verdicts each rule gives on dated pages (site.home-updated has no warning).
VERDICTS = {
    "home_updated": {Status.PASS, Status.FAIL},
    "columns_updated": {Status.PASS, Status.WARN, Status.FAIL},
    "columns_blank": {Status.PASS, Status.WARN, Status.FAIL},
    "interaction_response": {Status.PASS, Status.WARN, Status.FAIL},
}


@pytest.mark.parametrize("check", sorted(VERDICTS))
def test_every_style_gives_every_verdict(check: str) -> None:
    covered = {(case.style, case.expect.status) for name, case in all_cases() if name == check}
    missing = {(s, v) for s in STYLES for v in VERDICTS[check]} - covered
    assert not missing, f"{check}: no case for (style, verdict) {sorted(missing)}"


def test_a_style_case_writes_its_dates_in_its_style() -> None:
    styled = [(n, c) for n, c in all_cases() if c.style == "cjk" and n == "home_updated"]
    assert styled
    bodies = [
        page.body for _, case in styled for pages in case.hosts.values() for page in pages.values()
    ]
    assert any("2026年11月17日" in body for body in bodies)
    assert not any("{date:" in body for body in bodies)
