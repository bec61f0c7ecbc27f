"""Loading `waivers.yaml`: the waivers of a good file; for a bad one, file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gkaudit.model import Report, Status
from gkaudit.waivers import (
    Waiver,
    WaiverError,
    WaiverMatch,
    apply_waivers,
    find_waiver,
    load_waivers,
    unused_waivers,
)

FIXTURE = Path(__file__).parent / "fixtures" / "reports" / "report.json"

GOOD = """\
# 已知问题，整改期限内不计入失败
waivers:
  - site: zhongshan
    rule: ipv6.aaaa
    reason: 运营商承诺第三季度完成 IPv6 改造
    expires: 2025-09-30
  - site: kjj
    rule: disclosure.catalogue
    reason: "网站改版中"
    expires: '2025-06-01'
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_good_file(tmp_path: Path) -> None:
    waivers = load_waivers(_write(tmp_path, GOOD))
    assert waivers == [
        Waiver(
            site="zhongshan",
            rule="ipv6.aaaa",
            reason="运营商承诺第三季度完成 IPv6 改造",
            expires=dt.date(2025, 9, 30),
        ),
        Waiver(
            site="kjj",
            rule="disclosure.catalogue",
            reason="网站改版中",
            expires=dt.date(2025, 6, 1),
        ),
    ]


@pytest.mark.parametrize("text", ["", "waivers:\n", "waivers: []\n"])
def test_empty_files_mean_no_waivers(tmp_path: Path, text: str) -> None:
    assert load_waivers(_write(tmp_path, text)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "waivers:\n  - site: a\n    rule: b\n    reason: c\n    expires: 2025-09-30\n"
            "  - site: a\n    rule: c\n    reason: c\n    expires: soon\n",
            "waivers.yaml:9: waivers[1].expires: not a date (expected YYYY-MM-DD, got 'soon')",
        ),
        (
            "waivers:\n  - site: a\n    rule: b\n    reason: c\n    expires: 2025-02-30\n",
            "waivers.yaml:5: waivers[0].expires: not a date "
            "(expected YYYY-MM-DD, got '2025-02-30')",
        ),
        (
            "waivers:\n  - site: a\n    rule: b\n    reason: c\n    expires: 2025-02-03 10:00:00\n",
            "waivers.yaml:5: waivers[0].expires: not a date",
        ),
        (
            "waivers:\n  - site: a\n    rule: b\n    reason: c\n    expires:\n",
            "waivers.yaml:5: waivers[0].expires: not a date (expected YYYY-MM-DD, got nothing)",
        ),
        (
            "waivers:\n  - site: a\n    rule: b\n    expires: 2025-09-30\n",
            "waivers.yaml:2: waivers[0].reason: missing",
        ),
        (
            "waivers:\n  - site: a\n    rule: b\n    reason: c\n    expires: 2025-09-30\n"
            "    until: x\n",
            "waivers.yaml:6: waivers[0].until: unknown field",
        ),
        (
            "waivers:\n  - site: 12\n    rule: b\n    reason: c\n    expires: 2025-09-30\n",
            "waivers.yaml:2: waivers[0].site: expected non-empty text",
        ),
        (
            "waivers:\n  - site: a\n    rule: b\n    reason: '  '\n    expires: 2025-09-30\n",
            "waivers.yaml:4: waivers[0].reason: expected non-empty text",
        ),
        ("waivers:\n  - just a string\n", "waivers.yaml:2: waivers[0]: expected a mapping"),
        ("waivers:\n  site: a\n", "waivers.yaml:1: waivers: expected a list"),
        ("- site: a\n", "waivers.yaml:1: expected a mapping with a `waivers:` key"),
        ("waivers: []\nextra: 1\n", "waivers.yaml:2: extra: unknown field"),
        ("waivers:\n  - site: [a\n", "waivers.yaml:3:"),
        (
            "waivers:\n  - {site: a, rule: b, reason: c, expires: 2025-09-30}\n"
            "  - {site: a, rule: b, reason: d, expires: 2025-10-30}\n",
            "waivers.yaml:3: waivers[1]: duplicate entry 'a / b' (first at waivers[0])",
        ),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(WaiverError) as caught:
        load_waivers(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WaiverError, match=r"nope\.yaml: cannot be read: no such file"):
        load_waivers(tmp_path / "nope.yaml")


def test_waiver_expiry_is_inclusive() -> None:
    waiver = Waiver(site="a", rule="b", reason="c", expires=dt.date(2025, 6, 30))
    assert waiver.active(dt.date(2025, 6, 29))
    assert waiver.active(dt.date(2025, 6, 30))
    assert not waiver.active(dt.date(2025, 7, 1))


def test_apply_waivers_to_a_report(tmp_path: Path) -> None:
    report = Report.from_json(FIXTURE.read_text(encoding="utf-8"))
    waivers = [
        *load_waivers(_write(tmp_path, GOOD)),
        # kjj site.reachable is inconclusive: never waived.
        Waiver(site="kjj", rule="site.reachable", reason="x", expires=dt.date(2030, 1, 1)),
        # dalian column.business-relief is a warn: waivable.
        Waiver(
            site="dalian", rule="column.business-relief", reason="y", expires=dt.date(2030, 1, 1)
        ),
        # zhongshan site.reachable passes: nothing to waive.
        Waiver(site="zhongshan", rule="site.reachable", reason="z", expires=dt.date(2030, 1, 1)),
    ]
    matches = apply_waivers(report, waivers, report.as_of)  # 2025-06-02
    assert set(matches) == {
        ("zhongshan", "ipv6.aaaa"),
        ("kjj", "disclosure.catalogue"),
        ("dalian", "column.business-relief"),
    }
    assert not matches[("zhongshan", "ipv6.aaaa")].expired
    assert matches[("kjj", "disclosure.catalogue")].expired
    assert (
        matches[("kjj", "disclosure.catalogue")].note == "waiver expired on 2025-06-01: 网站改版中"
    )
    assert matches[("zhongshan", "ipv6.aaaa")].note == (
        "waived until 2025-09-30: 运营商承诺第三季度完成 IPv6 改造"
    )
    assert [(w.site, w.rule) for w in unused_waivers(report, waivers)] == [
        ("kjj", "site.reachable"),
        ("zhongshan", "site.reachable"),
    ]
    assert find_waiver(waivers, "kjj", "site.reachable") is waivers[2]
    assert find_waiver(waivers, "kjj", "nothing") is None
    assert {r.status for s, r in report.results() if (s.id, r.rule) in matches} == {
        Status.FAIL,
        Status.WARN,
    }
    assert isinstance(matches[("zhongshan", "ipv6.aaaa")], WaiverMatch)
