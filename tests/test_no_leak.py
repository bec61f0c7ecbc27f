"""Our own output never leaks: a portal full of real-format personal numbers (in its text, its
URLs, its link texts and its attachments' names), scanned by the real CLI, and every byte gkaudit
writes (terminal, JSON, JUnit, SARIF, Markdown, XLSX, CSV, HTML, the history database and what
`gkaudit history` prints, stderr: gkaudit's log) searched for any of them unmasked.

A second test feeds every reporter a report whose check "forgot" to mask: the models' own pass
(`gkaudit.privacy.mask.scrub`) must still mask it."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from gkaudit.cli import main
from gkaudit.demo.dns import DnsServer
from gkaudit.demo.http import HttpServer, Response, VirtualHost
from gkaudit.model import (
    HtmlEvidence,
    HttpEvidence,
    NoteEvidence,
    PlanInfo,
    Report,
    Result,
    Severity,
    SiteKind,
    SiteReport,
    Status,
    Summary,
    ToolInfo,
)
from gkaudit.reporters import csv, html, junit, markdown, sarif, terminal, xlsx
from gkaudit.reporters import json as json_reporter
from tests.support import office
from tests.support.numbers import CARDS, IDS, MOBILES, id18

HOST = "www.dlzs.gov.cn"
OLD_ID = "210202850317123"
NUMBERS = [*IDS, id18("210211", "19700505", "041"), *MOBILES, *CARDS]
#: Numbers that appear only in addresses and link texts, never in a page's text.
ROSTER_URL = f"/gs/list.jsp?sfz={IDS[2]}"
PHONE_PAGE = f"/tel/{MOBILES[1]}.html"
ATTACHMENT = f"/files/{IDS[1]}.xlsx"
GROUPED = [f"{m[:3]}-{m[3:7]}-{m[7:]}" for m in MOBILES] + [
    f"{m[:3]} {m[3:7]} {m[7:]}" for m in MOBILES
]


def _leaks(text: str) -> list[str]:
    plain = text.replace("\\u", "")  # no escaped digits either
    return [n for n in [*NUMBERS, OLD_ID, *GROUPED] if n in plain or n.lower() in plain]


def _portal(port: int) -> dict[str, Response]:
    rows = "".join(
        f"<tr><td>居民{i}</td><td>{n}</td><td>{MOBILES[i % 4]}</td><td>{CARDS[i % 2]}</td></tr>"
        for i, n in enumerate([*IDS, id18("210211", "19700505", "041")])
    )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>低保对象公示 习近乎</title></head>'
        f"<body><h1>低保对象公示</h1><p>身份证号码 {OLD_ID}，"
        f"联系电话 {GROUPED[0]}、{GROUPED[5]}</p>"
        "<table><tr><th>姓名</th><th>身份证号码</th><th>联系电话</th><th>银行卡号</th></tr>"
        f"{rows}</table><p>截止2026年11月，再接再励。中国人民共和国。</p>"
        f'<p><a href="http://{HOST}:{port}{ATTACHMENT}">附件：花名册{MOBILES[3]}.xlsx</a></p>'
        "</body></html>"
    )
    home = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>中山区</title></head><body>'
        f'<a href="{ROSTER_URL}">低保对象公示</a><a href="/a.html">政务公开</a>'
        f'<a href="/b.html">互动</a><a href="{PHONE_PAGE}">联系人 {MOBILES[2]}</a>'
        "<p>辽公网安备 21020202000123号</p></body></html>"
    )
    phone = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>联系我们</title></head><body>'
        "<p>中山区人民政府办公室，联系电话 0411-82812345，截止2026年11月。</p></body></html>"
    )
    roster = office.xlsx(
        [["姓名", "身份证号码", "联系电话", "银行卡号"]]
        + [[f"居民{i}", n, MOBILES[i % 4], CARDS[i % 2]] for i, n in enumerate(IDS)]
    )
    return {
        "/": Response(body=home.encode()),
        "/gs/list.jsp": Response(body=page.encode()),
        PHONE_PAGE: Response(body=phone.encode()),
        "/a.html": Response(body=home.encode()),
        "/b.html": Response(body=home.encode()),
        ATTACHMENT: Response(body=roster, content_type="application/octet-stream"),
    }


def test_no_output_of_a_scan_contains_an_unmasked_number(tmp_path: Path) -> None:
    records = {
        "dlzs.gov.cn": {"NS": ["ns1.dlzs.gov.cn"]},
        "ns1.dlzs.gov.cn": {"A": ["127.0.0.1"]},
        HOST: {"A": ["127.0.0.1"]},
    }
    with DnsServer(records) as dns, HttpServer() as http:
        http.hosts = {HOST: VirtualHost(_portal(http.port))}
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            "sites:\n"
            f"  - {{id: zs, name: 中山区, url: 'http://{HOST}:{http.port}/', kind: district}}\n",
            encoding="utf-8",
        )
        names = ("r.json", "r.xml", "r.sarif", "r.md", "r.xlsx", "r.csv", "r.html")
        outputs = {name: tmp_path / name for name in names}
        db = tmp_path / "history.db"
        argv = [
            "scan", str(sites), "--nameserver", dns.address, "--ns-port", str(dns.port),
            "--as-of", "2026-12-01", "--timeout", "5", "--retries", "0", "--no-progress",
            "--rule", "privacy.personal-data",
            "--rule", "wording.severe", "--rule", "wording.typos",
            "--json", str(outputs["r.json"]), "--junit", str(outputs["r.xml"]),
            "--sarif", str(outputs["r.sarif"]), "--markdown", str(outputs["r.md"]),
            "--xlsx", str(outputs["r.xlsx"]), "--csv", str(outputs["r.csv"]),
            "--html", str(outputs["r.html"]), "--db", str(db),
        ]  # fmt: skip
        stdout, stderr = io.StringIO(), io.StringIO()
        with (
            pytest.raises(SystemExit),
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            main(argv)
    report = outputs["r.json"].read_text(encoding="utf-8")
    assert '"status": "fail"' in report  # the scan did find the numbers
    assert "21*************231" in report or "21*************" in report
    history = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(history):
        main(["history", "--db", str(db)])
    with sqlite3.connect(db) as conn:
        rows = "\n".join(
            repr(row)
            for (table,) in conn.execute("select name from sqlite_master where type='table'")
            for row in conn.execute(f"select * from {table}")
        )
    workbook = _workbook_text(outputs.pop("r.xlsx").read_bytes())
    written = {
        **{name: path.read_text(encoding="utf-8-sig") for name, path in outputs.items()},
        "r.xlsx": workbook,
        "terminal": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "history": history.getvalue(),
        "database rows": rows,
        "database file": db.read_bytes().decode("utf-8", "replace"),
    }
    assert "privacy.personal-data" in rows and "wording.severe" in rows
    # the numbers in addresses and link texts reached the outputs, masked
    assert f"/gs/list.jsp?sfz={IDS[2][:2]}*************{IDS[2][-3:]}" in report
    assert f"/files/{IDS[1][:2]}*************{IDS[1][-3:]}.xlsx" in report
    assert f"{MOBILES[3][:3]}****{MOBILES[3][-4:]}" in workbook + report
    leaks = {name: _leaks(text) for name, text in written.items() if _leaks(text)}
    assert leaks == {}


def _workbook_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())


def test_every_reporter_masks_what_a_check_forgot_to() -> None:
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    careless = f"found {IDS[0]} and {MOBILES[0]} and card {CARDS[0]} ({OLD_ID})"
    result = Result(
        rule="privacy.personal-data",
        title="t",
        clause="(七)",
        severity=Severity.ERROR,
        status=Status.FAIL,
        message=careless,
        evidence=(
            HtmlEvidence(url="http://www.dlzs.gov.cn/a.html", text=careless),
            HtmlEvidence(
                url=f"http://www.dlzs.gov.cn/gs/list.jsp?sfz={IDS[0]}",
                text="附件",
                href=f"http://www.dlzs.gov.cn/files/{MOBILES[0]}.xls?card={CARDS[0]}",
            ),
            HttpEvidence(
                url=f"http://www.dlzs.gov.cn/tel/{MOBILES[1]}.html",
                final_url=f"http://www.dlzs.gov.cn/tel/{MOBILES[1]}/",
                redirects=(f"http://www.dlzs.gov.cn/id/{OLD_ID}/",),
                status=200,
            ),
            NoteEvidence(text=careless),
        ),
        metrics={"sample": careless},
    )
    site = SiteReport(
        id="zs", name="中山区", url="http://www.dlzs.gov.cn/", kind=SiteKind.DISTRICT,
        results=(result,),
    )  # fmt: skip
    report = Report(
        tool=ToolInfo(version="0"),
        plans=(PlanInfo(title="p", document="d", source="s"),),
        as_of=dt.date(2026, 12, 1),
        started_at=now,
        finished_at=now,
        sites=(site,),
        summary=Summary.of((site,)),
    )
    outputs = {
        "json": json_reporter.render(report),
        "junit": junit.render(report),
        "sarif": sarif.render(report),
        "markdown": markdown.render(report),
        "terminal": terminal.render_text(report),
        "csv": csv.render(report),
        "html": html.render(report),
        "xlsx": _workbook_text(xlsx.render(report)),
        "round trip": Report.from_json(report.to_json()).to_json(),
    }
    assert {name: _leaks(text) for name, text in outputs.items() if _leaks(text)} == {}
    assert "21*************231" in outputs["json"]
    assert f"/gs/list.jsp?sfz={IDS[0][:2]}" in outputs["html"]  # the address is shown, masked
