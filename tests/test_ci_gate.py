"""The CI job of the README, for real: scan, a portal breaks, the gate fails naming it, then passes
against the new baseline. Also the history of those runs and the machine-readable reports."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import itertools
import json
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from gkaudit.cli import main
from gkaudit.demo.fleet import DemoFleet
from gkaudit.demo.http import Behaviour
from gkaudit.reporters import json as json_reporter

AS_OF = dt.date(2026, 11, 29)
RULES = ("site.reachable", "ipv6.aaaa", "ipv6.reachable")  # enough to gate; keeps the test quick


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=8) as demo:
        yield demo


def ci_job(fleet: DemoFleet, work: Path, *extra: str) -> tuple[int, str]:
    """The README's CI job: scan with the previous report as baseline, publish JUnit."""
    sites = work / "sites.yaml"
    sites.write_text(fleet.sites_yaml(), encoding="utf-8")
    args = ["scan", str(sites), "--nameserver", fleet.nameserver, "--as-of", AS_OF.isoformat()]
    args += ["--ns-port", str(fleet.dns.port)]
    args += ["--timeout", "2", "--retries", "0", "--no-progress", "--db", str(work / "h.sqlite3")]
    args += ["--json", str(work / "report.json"), "--junit", str(work / "junit.xml")]
    args += ["--sarif", str(work / "report.sarif")]
    for rule in RULES:
        args += ["--rule", rule]
    out = io.StringIO()
    with pytest.raises(SystemExit) as info, contextlib.redirect_stdout(out):
        main([*args, *extra])
    assert isinstance(info.value.code, int)
    return info.value.code, out.getvalue()


def gate_with_city_ipv6_reset(fleet: DemoFleet, work: Path) -> tuple[int, str]:
    """The CI job gating regressions against `work/baseline.json` while the city portal's IPv6
    connections are reset; the portal is healthy again afterwards."""
    host = "www.gkcity.gov.cn"
    healthy = fleet.http.hosts[host]
    fleet.http.hosts = {
        **fleet.http.hosts,
        host: dataclasses.replace(healthy, ipv6=Behaviour.RESET),
    }
    try:
        return ci_job(
            fleet, work, "--baseline", str(work / "baseline.json"), "--fail-on", "regression"
        )
    finally:
        fleet.http.hosts = {**fleet.http.hosts, host: healthy}


def test_the_gate_fails_on_a_new_failure_only_and_names_it(
    fleet: DemoFleet, tmp_path: Path
) -> None:
    # first run: no baseline yet; the demo's long-standing failures do not matter to the gate
    code, _ = ci_job(fleet, tmp_path, "--fail-on", "never")
    assert code == 0
    (tmp_path / "report.json").rename(tmp_path / "baseline.json")

    # the city portal's IPv6 breaks between two runs
    code, out = gate_with_city_ipv6_reset(fleet, tmp_path)
    assert code == 1
    regression_lines = [
        line for line in out.splitlines() if "gkcity" in line and "ipv6.reachable" in line
    ]
    assert regression_lines, out
    assert "still failing" in out.lower()  # jinhai and the others: reported, not gated

    # the next run uses that report as its baseline: nothing new fails, the job passes
    (tmp_path / "report.json").rename(tmp_path / "baseline.json")
    code, _ = gate_with_city_ipv6_reset(fleet, tmp_path)
    assert code == 0

    # JUnit for the CI server: one suite per site, the broken rule a failure
    suites = {
        s.get("name"): s for s in ET.parse(tmp_path / "junit.xml").getroot().iter("testsuite")
    }
    city = suites[next(name for name in suites if name and "gkcity" in name)]
    failed = [c.get("name") for c in city.iter("testcase") if c.find("failure") is not None]
    assert any("ipv6.reachable" in (name or "") for name in failed)

    # SARIF for code scanning: every finding located at its site's line in sites.yaml
    results = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))["runs"][0][
        "results"
    ]
    yaml_lines = (tmp_path / "sites.yaml").read_text(encoding="utf-8").splitlines()
    assert results
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == (tmp_path / "sites.yaml").as_posix()
        start = physical["region"]["startLine"] - 1
        assert yaml_lines[start].lstrip().startswith("- ")  # the site's list item begins here
        item = [yaml_lines[start][yaml_lines[start].index("- ") + 2 :]]
        item += itertools.takewhile(
            lambda x: not x.lstrip().startswith("- "), yaml_lines[start + 1 :]
        )
        ids = [x.split(":", 1)[1].strip() for x in item if x.strip().startswith("id:")]
        assert ids == [result["properties"]["site"]]

    # the JSON report of a real scan is valid against the schema shipped in the package
    validator = jsonschema.Draft202012Validator(json_reporter.schema())
    document = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert sorted(validator.iter_errors(document), key=str) == []

    # the history kept all three runs, and knows since when the city fails
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("select count(*) from runs").fetchone()[0] == 3
    history = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(history):
        main(["history", "--db", str(tmp_path / "h.sqlite3"), "--site", "gkcity", "--json"])
    entries = {e["rule"]: e for e in json.loads(history.getvalue())}
    assert entries["ipv6.reachable"]["status"] == "fail"
    assert entries["ipv6.reachable"]["last_change"]["from"] == "pass"
    assert entries["ipv6.reachable"]["since_run"] == 2  # failing since the second run
    assert entries["site.reachable"]["status"] == "pass"


def test_regression_gate_needs_a_baseline(fleet: DemoFleet, tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(fleet.sites_yaml(), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as info, contextlib.redirect_stderr(err):
        main(["scan", str(sites), "--fail-on", "regression", "--no-db"])
    assert info.value.code == 2


def test_an_interrupted_baseline_warns_and_leaves_its_missing_sites_ungated(
    fleet: DemoFleet, tmp_path: Path
) -> None:
    """Issue 14, fault 4: a baseline cut short by Ctrl-C lacks sites; a site it lacks is new to
    the gate (not gated, whatever it does now), and the warning says which ones."""
    code, _ = ci_job(fleet, tmp_path, "--fail-on", "never")
    assert code == 0
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    kept = [site for site in data["sites"] if site["id"] != "gkcity"]
    assert len(kept) == len(data["sites"]) - 1
    interrupted = {**data, "sites": kept, "incomplete": True}
    (tmp_path / "baseline.json").write_text(json.dumps(interrupted), encoding="utf-8")

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _ = gate_with_city_ipv6_reset(fleet, tmp_path)
    warning = " ".join(err.getvalue().split())
    assert "is an interrupted scan: 1 site of this scan is not in it" in warning, warning
    assert "is not gated: gkcity" in warning
    assert code == 0  # gkcity's new IPv6 failure: the baseline cannot tell it is new

    # the same baseline, complete: the same failure is a regression and the gate says so
    (tmp_path / "baseline.json").write_text(json.dumps(data), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _ = gate_with_city_ipv6_reset(fleet, tmp_path)
    assert code == 1
    assert "interrupted scan" not in err.getvalue()
