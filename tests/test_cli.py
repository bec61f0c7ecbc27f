"""cli: the commands, their messages and exit codes (the scan itself is in tests/test_e2e.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gkaudit.cli import main
from gkaudit.exits import EXIT_CONFIG, EXIT_INTERNAL


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


SITES = """\
sites:
  - id: xg
    name: 西岗区
    url: http://www.dlxg.gov.cn/
    kind: district
"""


def test_validate_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(sites))
    assert code == 0 and f"{sites}: 1 site\n" in out and " rules\n" in out and "OK" in out


def test_config_error_exits_2_with_location_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES.replace("http://www.dlxg.gov.cn/", "www.dlxg.gov.cn"), encoding="utf-8")
    for command in (["validate"], ["scan", "--no-progress"]):
        code, _, err = run(capsys, *command, str(sites))
        assert code == EXIT_CONFIG
        assert "sites.yaml:4: sites[0].url: not an http(s) URL" in err
        assert "Traceback" not in err


def test_the_repository_sites_file_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    # validated, never scanned: the real portals are for users
    sites = Path(__file__).resolve().parents[1] / "sites.yaml"
    code, out, _ = run(capsys, "validate", str(sites))
    assert code == 0, out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "--as-of: not a date"),
        (["--nameserver", "dns.example"], "--nameserver: expected IP or IP:PORT"),
        (["--site", "nope"], "unknown site id 'nope'"),
        (["--rule", "nope"], "unknown rule id 'nope'"),
    ],
)
def test_bad_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES, encoding="utf-8")
    code, _, err = run(capsys, "scan", str(sites), "--no-progress", *args)
    assert code == EXIT_CONFIG and message in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "scan", "--no-such-option")
    assert code == EXIT_CONFIG


def test_rules_lists_the_default_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert "大政公开办〔2022〕1号" in out and "site.reachable" in out and "ipv6.aaaa" in out


def test_rules_and_validate_with_two_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "rules", "--plan", "dalian-2022", "-p", "gwjc-2019")
    assert code == 0
    dalian, gwjc = out.split("国办秘函〔2019〕19号")
    assert "大政公开办〔2022〕1号" in dalian and "site.home-updated" not in dalian
    # a rule both plans list is listed under both, each with its own clause
    assert "site.reachable (十九)" in dalian and "site.reachable 单项否决·站点无法访问" in gwjc
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(sites), "-p", "dalian-2022", "-p", "gwjc-2019")
    assert code == 0 and "dalian-2022.yaml: " in out and "gwjc-2019.yaml: " in out


def test_two_plans_defining_a_rule_differently_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "mine.yaml"
    plan.write_text(
        "title: 甲\ndocument: 甲〔2026〕1号\nrules:\n"
        "  - {id: site.reachable, title: 可访问, clause: (一), check: reachable,\n"
        "     severity: warning}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "rules", "--plan", "dalian-2022", "--plan", str(plan))
    assert code == EXIT_CONFIG and "Traceback" not in err
    assert f"{plan}:4: rules[0].id: 'site.reachable' is also a rule of " in err
    assert re.search(r"dalian-2022\.yaml:\d+ \(rules\[0\]\) with another severity", err)


def test_explain_prints_the_manual(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "ipv6.aaaa")
    assert code == 0
    assert "ipv6.aaaa" in out and "(十九)" in out and "CNAME" in out


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "ipv6.nope")
    assert code == EXIT_CONFIG and "unknown rule 'ipv6.nope'" in err


def test_internal_error_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gkaudit.audit

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(gkaudit.audit.Registry, "load", explode)
    monkeypatch.delenv("GKAUDIT_DEBUG", raising=False)
    code, _, err = run(capsys, "rules")
    assert code == EXIT_INTERNAL
    assert "internal error: RuntimeError: kaput" in err and "Traceback" not in err


def test_explain_prints_plan_text_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "title: t\ndocument: d\nrules:\n"
        "  - {id: r1, title: '首页[/x] [bold]可访问', clause: '(十九)', check: reachable}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "explain", "r1", "--plan", str(plan))
    assert code == 0 and "首页[/x] [bold]可访问" in out


def test_a_baseline_of_another_plan_is_refused_before_scanning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES, encoding="utf-8")
    fixture = Path(__file__).parent / "fixtures" / "reports" / "report.json"
    other = tmp_path / "other.json"
    other.write_text(
        fixture.read_text(encoding="utf-8").replace("大政公开办〔2022〕1号", "某市〔2030〕9号"),
        encoding="utf-8",
    )
    code, _, err = run(
        capsys,
        "scan",
        str(sites),
        "--baseline",
        str(other),
        "--fail-on",
        "regression",
        "--nameserver",
        "127.0.0.1:9",
        "--no-db",
        "--no-progress",
    )
    assert code == EXIT_CONFIG and "a report of another plan (某市〔2030〕9号)" in err


@pytest.mark.parametrize(
    ("fail_on", "statuses", "waived", "expected"),
    [
        ("fail", {"pass", "warn", "error"}, False, 0),
        ("fail", {"fail"}, False, 1),
        ("fail", {"fail"}, True, 0),  # waived until tomorrow
        ("warn", {"warn"}, False, 1),
        ("warn", {"error"}, False, 0),
        ("error", {"error"}, False, 1),
        ("never", {"fail"}, False, 0),
    ],
)
def test_exit_code_by_fail_on(
    fail_on: str, statuses: set[str], waived: bool, expected: int
) -> None:
    import datetime as dt

    from gkaudit.exits import FailOn, exit_code
    from gkaudit.model import Report, Status
    from gkaudit.waivers import Waiver

    fixture = Path(__file__).parent / "fixtures" / "reports" / "report.json"
    base = Report.from_json(fixture.read_text(encoding="utf-8"))
    site = base.sites[0]
    results = tuple(
        r.model_copy(update={"status": Status(s)})
        for r, s in zip(site.results, sorted(statuses), strict=False)
    )
    report = base.model_copy(update={"sites": (site.model_copy(update={"results": results}),)})
    waivers = (
        [
            Waiver(
                site=site.id, rule=r.rule, reason="整改中", expires=report.as_of + dt.timedelta(1)
            )
            for r in results
        ]
        if waived
        else []
    )
    assert exit_code(report, FailOn(fail_on), waivers) == expected
