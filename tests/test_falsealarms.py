"""False alarms (核减) in the waivers file: loaded with the waivers, errors located, and a real
scan that leaves a marked finding out of the verdict and shows it in the report."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkaudit import falsealarms
from gkaudit.cli import main
from gkaudit.demo.dns import DnsServer
from gkaudit.demo.http import HttpServer, Response, VirtualHost
from gkaudit.falsealarms import FalseAlarm
from gkaudit.waivers import WaiverError, load_false_alarms, load_waivers

HOST = "www.dlzs.gov.cn"
MARKS = """\
waivers:
  - {site: zs, rule: ipv6.aaaa, reason: 改造中, expires: 2027-01-01}
false_alarms:
  - url: http://www.dlzs.gov.cn/a.html
    text: 138****5678
    reason: 区长信箱公开工作手机，经核实可以公开
"""


def test_marks_load_beside_the_waivers(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(MARKS, encoding="utf-8")
    assert len(load_waivers(path)) == 1
    assert load_false_alarms(path) == [
        FalseAlarm(
            url="http://www.dlzs.gov.cn/a.html",
            text="138****5678",
            reason="区长信箱公开工作手机，经核实可以公开",
        )
    ]
    only = tmp_path / "only.yaml"
    only.write_text(MARKS.split("false_alarms:", 1)[1].join(["false_alarms:", ""]), "utf-8")
    assert len(load_false_alarms(only)) == 1 and load_waivers(only) == []


def test_a_bad_mark_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "false_alarms:\n  - url: www.dlzs.gov.cn/a.html\n    text: x\n    reason: y\n", "utf-8"
    )
    with pytest.raises(WaiverError, match=r"waivers\.yaml:2: false_alarms\[0\]\.url"):
        load_false_alarms(path)


def _scan(tmp_path: Path, port: int, dns: DnsServer, *extra: str) -> dict[str, object]:
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        f"sites:\n  - {{id: zs, name: 中山区, url: 'http://{HOST}:{port}/', kind: district}}\n",
        encoding="utf-8",
    )
    report = tmp_path / "r.json"
    argv = [
        "scan", str(sites), "--nameserver", dns.address, "--ns-port", str(dns.port),
        "--as-of", "2026-12-01", "--timeout", "5", "--retries", "0", "--no-progress",
        "--no-db", "--quiet", "--rule", "privacy.personal-data", "--rule", "wording.typos",
        "--json", str(report), *extra,
    ]  # fmt: skip
    with pytest.raises(SystemExit), contextlib.redirect_stdout(io.StringIO()):
        main(argv)
    results = json.loads(report.read_text(encoding="utf-8"))["sites"][0]["results"]
    return {r["rule"]: r for r in results}


@contextlib.contextmanager
def _roster_site() -> Iterator[tuple[DnsServer, HttpServer, str]]:
    """A district whose 区长信箱 page shows a work phone and a typo-list word: both marked."""
    records = {HOST: {"A": ["127.0.0.1"]}, "dlzs.gov.cn": {"NS": ["ns1.dlzs.gov.cn"]}}
    page = '<html><head><meta charset="utf-8"><title>{t}</title></head><body>{b}</body></html>'
    with DnsServer(records) as dns, HttpServer() as http:
        base = f"http://{HOST}:{http.port}"
        home = page.format(t="中山区", b=f'<a href="{base}/a.html">区长信箱</a>')
        article = page.format(t="区长信箱", b="区长工作手机：13812345678。截止2026年11月。")
        http.hosts = {
            HOST: VirtualHost(
                {"/": Response(body=home.encode()), "/a.html": Response(body=article.encode())}
            )
        }
        yield dns, http, base


def _marks(tmp_path: Path, base: str) -> Path:
    marks = tmp_path / "waivers.yaml"
    marks.write_text(
        "false_alarms:\n"
        f"  - {{url: '{base}/a.html', text: 138****5678, reason: 公开工作手机}}\n"
        f"  - {{url: '{base}/a.html', text: 截止, reason: 引用文件原文}}\n",
        encoding="utf-8",
    )
    return marks


def test_a_dask_run_strikes_what_a_local_run_strikes(tmp_path: Path) -> None:
    # the marks travel with the run's settings to the workers, not in the driver's context
    pytest.importorskip("distributed", reason="the Dask extra is not installed")
    with _roster_site() as (dns, http, base):
        marks = _marks(tmp_path, base)
        local = _scan(tmp_path, http.port, dns, "--waivers", str(marks))
        dask = _scan(
            tmp_path, http.port, dns, "--waivers", str(marks), "--executor", "dask",
            "--workers", "1",
        )  # fmt: skip
    for rule in ("privacy.personal-data", "wording.typos"):
        assert local[rule]["status"] == dask[rule]["status"] == "pass"
        assert local[rule]["marks"] == dask[rule]["marks"]
        assert dask[rule]["metrics"]["false_alarms"] == 1


def test_a_marked_finding_is_struck_in_the_next_run_and_shown(tmp_path: Path) -> None:
    with _roster_site() as (dns, http, base):
        base_url = f"{base}/a.html"
        before = _scan(tmp_path, http.port, dns)
        marks = _marks(tmp_path, base)
        after = _scan(tmp_path, http.port, dns, "--waivers", str(marks))
        marks.write_text(
            "waivers:\n  - {site: zs, rule: wording.typos, reason: 下周更正, expires: 2026-12-31,"
            " by: 王科长, date: 2026-11-30}\n",
            encoding="utf-8",
        )
        waived = _scan(tmp_path, http.port, dns, "--waivers", str(marks))
    assert falsealarms.active.get() == ()  # the marks of a scan end with it
    assert "marks" not in before["wording.typos"]
    assert waived["wording.typos"]["status"] == "warn"
    assert waived["wording.typos"]["marks"] == [
        {
            "kind": "waiver",
            "reason": "下周更正",
            "by": "王科长",
            "date": "2026-11-30",
            "expires": "2026-12-31",
            "expired": False,
            "url": None,
            "text": None,
        }
    ]
    assert before["privacy.personal-data"]["status"] == "warn"
    assert before["wording.typos"]["status"] == "warn"
    for rule, reason in (
        ("privacy.personal-data", "公开工作手机"),
        ("wording.typos", "引用文件原文"),
    ):
        assert after[rule]["status"] == "pass"
        assert after[rule]["metrics"]["false_alarms"] == 1
        assert any(reason in e["text"] for e in after[rule]["evidence"])
        [mark] = after[rule]["marks"]
        assert (mark["kind"], mark["url"], mark["reason"]) == ("false_alarm", base_url, reason)


def test_a_mark_copied_from_a_report_matches_the_page_whose_address_was_masked() -> None:
    raw = "http://www.dlzs.gov.cn/gs/list.jsp?sfz=21020219850317123X"
    mark = FalseAlarm(
        url="http://www.dlzs.gov.cn/gs/list.jsp?sfz=21*************23X", text="x", reason="核实"
    )
    token = falsealarms.active.set((mark,))
    try:
        assert falsealarms.marked(raw, "x") == mark
        assert falsealarms.marked(raw, "y") is None
        assert falsealarms.marked("http://www.dlzs.gov.cn/gs/list.jsp", "x") is None
    finally:
        falsealarms.active.reset(token)
