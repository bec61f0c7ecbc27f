"""The SARIF reporter, validated against the official SARIF 2.1.0 JSON schema.

`tests/fixtures/sarif-schema-2.1.0.json` is the OASIS schema (errata01, `Schemata/` of the
oasis-tcs/sarif-spec repository), copied verbatim. It is a draft-04 schema; jsonschema checks
everything in it except the `format` keywords (`uri`, `uri-reference`, `date-time`), for which it
needs optional packages, so those three are checked by hand below.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gkaudit import i18n
from gkaudit.config import load_sites, site_lines
from gkaudit.model import Report, Status
from gkaudit.reporters import sarif

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIXTURE = FIXTURES / "reports" / "report.json"
SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# RFC 3986: unreserved, reserved and percent-encoded characters only.
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


@pytest.fixture
def report() -> Report:
    return Report.from_json(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def log(report: Report) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(sarif.render(report))
    return parsed


def test_schema_is_the_official_one() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(SCHEMA["definitions"]) == 52


def test_valid_against_sarif_schema(log: dict[str, Any]) -> None:
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert errors == []


def test_validator_is_not_toothless(log: dict[str, Any]) -> None:
    """The log minus one required property must fail, or the test above proves nothing."""
    del log["runs"][0]["results"][0]["message"]
    assert not jsonschema.Draft4Validator(SCHEMA).is_valid(log)


def test_format_fields(log: dict[str, Any]) -> None:
    uris = list(_values(log, {"uri"}))
    assert uris
    for uri in uris:
        assert _URI_CHARS.fullmatch(uri), uri
    invocation = log["runs"][0]["invocations"][0]
    for key in ("startTimeUtc", "endTimeUtc"):
        assert invocation[key].endswith("Z")
        dt.datetime.fromisoformat(invocation[key])
    assert invocation["startTimeUtc"] == "2025-06-02T00:00:00Z"


def test_one_result_per_non_passing_finding(report: Report, log: dict[str, Any]) -> None:
    expected = [
        (site.id, r.rule)
        for site, r in report.results()
        if r.status in (Status.FAIL, Status.WARN, Status.ERROR)
    ]
    results = log["runs"][0]["results"]
    assert [(r["properties"]["site"], r["ruleId"]) for r in results] == expected


def test_rule_metadata_from_results(report: Report, log: dict[str, Any]) -> None:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(dict.fromkeys(r.rule for _, r in report.results()))
    by_id = {r["id"]: r for r in rules}
    catalogue = by_id["disclosure.catalogue"]
    assert catalogue["shortDescription"]["text"] == "政府信息公开平台四个标准栏目"
    assert catalogue["properties"]["clause"] == "(十九)(二十一)"
    assert catalogue["properties"]["severity"] == "error"
    assert catalogue["defaultConfiguration"]["level"] == "error"
    assert "大政公开办〔2022〕1号" in catalogue["fullDescription"]["text"]
    assert by_id["ipv6.nameservers"]["defaultConfiguration"]["level"] == "warning"
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


@pytest.mark.parametrize(
    ("site", "rule", "kind", "level"),
    [
        ("dalian", "disclosure.catalogue", "fail", "error"),  # fail of an error rule
        ("dalian", "ipv6.nameservers", "fail", "warning"),  # warn of a warning rule
        ("dalian", "column.business-relief", "fail", "warning"),  # warn (stale) of an error rule
        ("kjj", "site.reachable", "review", "none"),  # inconclusive: a person has to look
    ],
)
def test_kind_and_level(log: dict[str, Any], site: str, rule: str, kind: str, level: str) -> None:
    result = _result(log, site, rule)
    assert (result["kind"], result["level"]) == (kind, level)


def test_locations(log: dict[str, Any]) -> None:
    result = _result(log, "dalian", "disclosure.catalogue")
    (location,) = result["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "https://www.dl.gov.cn/"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "dalian"
    related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]]
    # Each evidence URL once, the site URL (already the primary location) not again.
    assert related == ["https://www.dl.gov.cn/xxgk/", "https://www.dl.gov.cn/xxgk/zn/"]
    assert [r["id"] for r in result["relatedLocations"]] == [1, 2]


def test_message_evidence_and_fingerprint(log: dict[str, Any]) -> None:
    result = _result(log, "zhongshan", "ipv6.aaaa")
    assert (
        result["message"]["text"]
        == "大连市中山区人民政府（zhongshan）：www.dlzs.gov.cn 没有 AAAA 记录"
    )
    assert result["properties"]["evidence"][0]["outcome"] == "nodata"
    assert result["partialFingerprints"] == {sarif.FINGERPRINT_KEY: "zhongshan:ipv6.aaaa"}


def test_chinese_urls_are_percent_encoded(report: Report) -> None:
    site = report.sites[0].model_copy(update={"url": "https://www.dl.gov.cn/政务公开/"})
    changed = report.model_copy(update={"sites": (site, *report.sites[1:])})
    log = json.loads(sarif.render(changed))
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    uri = _result(log, "dalian", "disclosure.catalogue")["locations"][0]["physicalLocation"]
    assert uri["artifactLocation"]["uri"] == (
        "https://www.dl.gov.cn/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/"
    )


def test_incomplete_run_is_not_successful(report: Report) -> None:
    log = json.loads(sarif.render(report.model_copy(update={"incomplete": True})))
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_all_passing_report_has_empty_results(report: Report) -> None:
    sites = tuple(
        site.model_copy(
            update={
                "results": tuple(r.model_copy(update={"status": Status.PASS}) for r in site.results)
            }
        )
        for site in report.sites
    )
    log = json.loads(sarif.render(report.model_copy(update={"sites": sites})))
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == 6


def _result(log: dict[str, Any], site: str, rule: str) -> dict[str, Any]:
    for result in log["runs"][0]["results"]:
        if result["properties"]["site"] == site and result["ruleId"] == rule:
            found: dict[str, Any] = result
            return found
    raise AssertionError((site, rule))


def _values(node: Any, keys: set[str]) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                yield value
            yield from _values(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, keys)


SITES_YAML = """\
# the portals of the fixture report
sites:
  - id: dalian
    name: 大连市人民政府
    url: https://www.dl.gov.cn/
    kind: city

  - name: 大连市中山区人民政府  # id not first: the item's line still counts
    id: zhongshan
    url: https://www.dlzs.gov.cn/
    kind: district
  - {id: kjj, name: 大连市科学技术局, url: "https://kjj.dl.gov.cn/", kind: department}
"""


@pytest.fixture
def located(report: Report, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "sites.yaml"
    path.write_text(SITES_YAML, encoding="utf-8")
    assert [s.id for s in load_sites(path)] == [s.id for s in report.sites]
    assert sarif.SitesFile.read(path).lines == site_lines(path)
    sites = sarif.SitesFile(uri="config/sites.yaml", lines=site_lines(path))
    parsed: dict[str, Any] = json.loads(sarif.render(report, sites))
    return parsed


def test_each_result_is_located_at_its_site_in_sites_yaml(located: dict[str, Any]) -> None:
    lines = {"dalian": 3, "zhongshan": 8, "kjj": 12}
    results = located["runs"][0]["results"]
    assert results
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": "config/sites.yaml",
            "uriBaseId": "%SRCROOT%",
        }
        assert physical["region"] == {"startLine": lines[result["properties"]["site"]]}
        portal = result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert portal.startswith("https://")
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(located), key=str)
    assert errors == []


def test_rules_carry_help(located: dict[str, Any]) -> None:
    rules = located["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert "What to fix:" in rule["help"]["text"], rule["id"]
    ipv6 = next(r for r in rules if r["id"] == "ipv6.aaaa")
    assert "IPv6" in ipv6["help"]["text"]


def test_the_language_is_the_runs(report: Report) -> None:
    assert json.loads(sarif.render(report))["runs"][0]["language"] == "en-US"  # tests: English
    before = i18n.current()
    i18n.use("zh")
    try:
        log = json.loads(sarif.render(report))
    finally:
        i18n.use(before)
    assert log["runs"][0]["language"] == "zh-CN"
    assert "整改" in log["runs"][0]["tool"]["driver"]["rules"][0]["help"]["text"]
