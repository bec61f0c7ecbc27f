"""Every golden case of every built-in check (src/gkaudit/checks/*/cases.yaml), one test each.

The test id is `<check>/<case id>`: `pytest -k "column/stale"` runs one.
"""

from __future__ import annotations

import pytest

from gkaudit.plugins import Registry
from tests.checks.cases import Case, all_cases, run_case

CASES = all_cases()
REGISTRY = Registry.load()


@pytest.mark.parametrize(("check_name", "case"), CASES, ids=[f"{c}/{k.id}" for c, k in CASES])
async def test_case(check_name: str, case: Case) -> None:
    check = REGISTRY.get(check_name)
    assert check is not None, f"cases.yaml names an unknown check {check_name!r}"
    verdict, port = await run_case(check, case)
    expected = case.expect.message.replace("{port}", str(port))
    assert (verdict.status, expected in verdict.message) == (
        case.expect.status,
        True,
    ), f"{verdict.status.value}: {verdict.message}"
    shown = {key: verdict.metrics.get(key) for key in case.expect.metrics}
    assert shown == dict(case.expect.metrics)
