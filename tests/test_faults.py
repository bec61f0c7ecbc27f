"""Hostile portals in one scan with the demo fleet: no crash, no lost result, no false accusation.

Each fault of the fault server is a portal of its own (an IPv4 address URL); the demo portals
share the scan. Every (site, rule) must have its result, each fault its verdict and its cause in
plain words, and the demo portals the verdicts they have on a quiet day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from gkaudit.cli import main
from gkaudit.demo.fleet import DemoFleet
from gkaudit.plans import load_plan
from gkaudit.plugins import Registry
from tests.support.faultserver import FaultServer

AS_OF = dt.date(2026, 11, 29)

#: fault path -> (site.reachable status, words its message must contain)
FAULTS = {
    "/ok": ("pass", "HTTP 200"),
    "/reset": ("fail", "connection reset (2 attempts)"),
    "/reset-mid-body": ("fail", "connection reset"),
    "/slow-drip": ("fail", "timeout after 2 s"),
    "/silent": ("fail", "timeout after 2 s"),
    "/endless": ("fail", "body larger than 5,000,000 bytes"),
    "/loop-a": ("fail", "redirect loop back to"),
    "/to-ftp": ("fail", "redirect to a non-HTTP URL"),
    "/429-once": ("pass", "(2 attempts)"),
    "/429-long": ("error", "the site asks to wait 3600 s (Retry-After)"),
    "/503-always": ("fail", "HTTP 503"),
    "/ua-403": ("error", "HTTP 403: the portal refused gkaudit (blocked?)"),
    "/malformed": ("fail", "malformed HTTP: bad status line"),
    "/garbage": ("fail", "malformed HTTP"),
    "/invalid-utf8": ("pass", "HTTP 200"),
    "/mixed-encoding": ("pass", "HTTP 200"),
    "/pdf": ("fail", "not HTML (application/pdf)"),
    "/not-found": ("fail", "HTTP 404"),
}


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("faults")
    with DemoFleet(AS_OF, slow_seconds=8) as fleet, FaultServer(drip_interval=0.5) as faults:
        extra = "".join(
            f"  - {{id: fault{i}, name: 故障{i}, url: '{faults.url(path)}', kind: district}}\n"
            for i, path in enumerate(FAULTS)
        )
        sites = work / "sites.yaml"
        sites.write_text(fleet.sites_yaml() + extra, encoding="utf-8")
        args = ["scan", str(sites), "--nameserver", fleet.nameserver]
        args += ["--ns-port", str(fleet.dns.port)]
        args += ["--as-of", AS_OF.isoformat(), "--timeout", "2", "--retries", "1"]
        args += ["--json", str(work / "r.json"), "--no-progress", "--no-db", "--quiet"]
        with pytest.raises(SystemExit), contextlib.redirect_stdout(io.StringIO()):
            main(args)
        report = json.loads((work / "r.json").read_text(encoding="utf-8"))
        report["expected"] = {f"{s}|{r}": v.value for (s, r), v in fleet.expected.items()}
        yield report


def result(report: dict[str, Any], site: str, rule: str) -> dict[str, Any]:
    found = next(s for s in report["sites"] if s["id"] == site)
    return next(r for r in found["results"] if r["rule"] == rule)


def test_every_site_and_rule_has_its_result(scan: dict[str, Any]) -> None:
    rules = [r.id for r in load_plan(None, Registry.load()).rules]
    assert len(scan["sites"]) == 14 + len(FAULTS)
    for site in scan["sites"]:
        assert [r["rule"] for r in site["results"]] == rules
        for r in site["results"]:
            assert r["message"], (site["id"], r["rule"])
            assert "Traceback" not in r["message"] and "internal error" not in r["message"]


@pytest.mark.parametrize("path", list(FAULTS))
def test_each_fault_is_classified_with_its_cause(scan: dict[str, Any], path: str) -> None:
    status, words = FAULTS[path]
    got = result(scan, f"fault{list(FAULTS).index(path)}", "site.reachable")
    assert (got["status"], words in got["message"]) == (status, True), got["message"]


def test_unreachable_is_never_a_content_failure(scan: dict[str, Any]) -> None:
    # a portal we could not read is inconclusive on what it publishes, never accused of it
    content = ("policy.interpretation", "disclosure.catalogue", "disclosure.annual-report")
    for i, (status, _) in enumerate(FAULTS.values()):
        if status != "pass":
            for rule in content:
                assert result(scan, f"fault{i}", rule)["status"] == "error"


def test_the_demo_portals_keep_their_verdicts(scan: dict[str, Any]) -> None:
    # this scan runs the default plan: the national indicators' rules are the e2e test's
    scanned = {r["rule"] for s in scan["sites"] for r in s["results"]}
    for key, expected in scan["expected"].items():
        site, rule = key.split("|")
        if rule not in scanned:
            continue
        assert result(scan, site, rule)["status"] == expected, (site, rule)
