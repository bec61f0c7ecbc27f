"""The rule pages `docs/rules/<rule-id>.md`, generated from the packaged plans and the checks'
manuals (what `gkaudit explain` prints), and SARIF's `helpUri` that links them.

`GKAUDIT_UPDATE_DOCS=1 python -m pytest tests/test_ruledocs.py` rewrites the pages: review the
diff, as for a golden file.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gkaudit import PROJECT_URL, i18n
from gkaudit.cli import main
from gkaudit.model import PlanSet, Report
from gkaudit.net.http import DEFAULT_USER_AGENT
from gkaudit.plans import load_plans
from gkaudit.plugins import Registry
from gkaudit.reporters import ruledocs, sarif
from tests.support.faultserver import FaultServer

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "rules"
FIXTURES = Path(__file__).parent / "fixtures"
REWRITE = "docs/rules is stale: GKAUDIT_UPDATE_DOCS=1 python -m pytest tests/test_ruledocs.py"
SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def packaged() -> tuple[Registry, PlanSet]:
    registry = Registry.load(())
    return registry, load_plans([Path("dalian-2022"), Path("gwjc-2019")], registry)


@pytest.fixture
def chinese() -> Iterator[None]:
    before = i18n.current()
    i18n.use("zh")
    yield
    i18n.use(before)


def _pages(registry: Registry, plans: PlanSet) -> dict[str, str]:
    pages = {"README.md": ruledocs.index(plans.plans)}
    for rule in plans.rules:
        check = registry.get(rule.check)
        assert check is not None, rule.check
        pages[f"{rule.id}.md"] = ruledocs.page(check, rule, plans.plans)
    return pages


@pytest.mark.usefixtures("chinese")
def test_the_rule_pages_are_those_the_plans_and_manuals_give(
    packaged: tuple[Registry, PlanSet],
) -> None:
    pages = _pages(*packaged)
    if os.environ.get("GKAUDIT_UPDATE_DOCS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        for stale in DOCS.glob("*.md"):
            if stale.name not in pages:
                stale.unlink()
        for name, text in pages.items():
            (DOCS / name).write_text(text, encoding="utf-8")
    assert sorted(p.name for p in DOCS.glob("*.md")) == sorted(pages), REWRITE
    stale = [n for n, text in pages.items() if (DOCS / n).read_text(encoding="utf-8") != text]
    assert stale == [], REWRITE


@pytest.mark.usefixtures("chinese")
def test_a_page_reads_as_explain_does(packaged: tuple[Registry, PlanSet]) -> None:
    registry, plans = packaged
    rule = next(r for r in plans.rules if r.id == "ipv6.links")
    check = registry.get(rule.check)
    assert check is not None
    text = ruledocs.page(check, rule, plans.plans)
    assert text.startswith("# ipv6.links ")
    assert "大政公开办〔2022〕1号" in text and "检查项：ipv6_links" in text
    assert check.manual.strip() in text
    assert "| `level2_min` | `0.95` |" in text  # the params in effect, with their meaning
    shared = next(r for r in plans.rules if r.id == "ipv6.aaaa")
    check = registry.get(shared.check)
    assert check is not None
    cited = ruledocs.page(check, shared, plans.plans).splitlines()
    assert sum(line.startswith("- ") and "〔20" in line for line in cited) == 2  # both plans


def test_the_default_docs_url_is_the_projects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Homepage"] == PROJECT_URL
    assert project["urls"]["Documentation"] == ruledocs.DEFAULT_DOCS_URL
    assert ruledocs.DEFAULT_DOCS_URL.startswith(PROJECT_URL + "/")
    assert f"+{PROJECT_URL})" in DEFAULT_USER_AGENT  # the address the portals are given


def _rules(report: Report, docs_url: str | None = None) -> dict[str, dict[str, Any]]:
    log = json.loads(sarif.render(report, docs_url=docs_url))
    assert sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str) == []
    return {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}


def test_every_packaged_rule_links_its_page(packaged: tuple[Registry, PlanSet]) -> None:
    report = Report.from_json((FIXTURES / "reports" / "report.json").read_text(encoding="utf-8"))
    rules = _rules(report)
    assert rules
    for rule_id, rule in rules.items():
        assert rule["helpUri"] == f"{ruledocs.DEFAULT_DOCS_URL}{rule_id}.md"
        assert (DOCS / f"{rule_id}.md").is_file()  # the page it links is published
    _registry, plans = packaged
    assert {r.id for r in plans.rules} >= set(rules)


def test_a_rule_without_a_page_gets_no_link_unless_a_docs_url_is_given() -> None:
    data = json.loads((FIXTURES / "reports" / "report.json").read_text(encoding="utf-8"))
    own = data["sites"][0]["results"][0]
    own_id = "office.own-rule"
    for site in data["sites"]:
        for result in site["results"]:
            if result["rule"] == own["rule"]:
                result["rule"] = own_id
    report = Report.model_validate(data)
    assert "helpUri" not in _rules(report)[own_id]  # no page of the project's: no dead link
    mine = _rules(report, "https://docs.example.gov.cn/gkaudit/rules")
    assert mine[own_id]["helpUri"] == f"https://docs.example.gov.cn/gkaudit/rules/{own_id}.md"
    assert all(r["helpUri"].startswith("https://docs.example.gov.cn/") for r in mine.values())


def test_docs_url_from_the_command_line_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultServer() as server:
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            f"sites:\n  - {{id: quick, name: 站, url: '{server.url('/ok')}', kind: department}}\n",
            encoding="utf-8",
        )
        argv = ["scan", str(sites), "--rule", "site.reachable", "--nameserver", "127.0.0.1:9"]
        argv += ["--no-db", "--no-progress", "-q", "--sarif", str(tmp_path / "r.sarif")]

        def linked(*extra: str) -> str:
            with pytest.raises(SystemExit) as info:
                main([*argv, *extra])
            assert info.value.code == 0
            log = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
            (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
            uri: str = rule["helpUri"]
            return uri

        assert linked() == f"{ruledocs.DEFAULT_DOCS_URL}site.reachable.md"
        monkeypatch.setenv("GKAUDIT_DOCS_URL", "https://env.example.gov.cn/rules/")
        assert linked() == "https://env.example.gov.cn/rules/site.reachable.md"
        given = linked("--docs-url", "https://cli.example.gov.cn/r")
        assert given == "https://cli.example.gov.cn/r/site.reachable.md"  # the option wins
