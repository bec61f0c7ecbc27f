"""shelf: a finished site's report comes back from its packed form exactly as it went in."""

from __future__ import annotations

import datetime as dt

from gkaudit.model import (
    DnsEvidence,
    Family,
    HtmlEvidence,
    HttpEvidence,
    Mark,
    NoteEvidence,
    Result,
    Severity,
    SiteKind,
    SiteReport,
    Status,
)
from gkaudit.shelf import Shelf


def _report(site_id: str) -> SiteReport:
    result = Result(
        rule="ipv6.home",
        title="首页IPv6",
        clause="（一）",
        severity=Severity.ERROR,
        status=Status.FAIL,
        message="首页未提供IPv6访问",
        evidence=(
            DnsEvidence(name=f"www.{site_id}.gov.cn", type="AAAA", outcome="nodata"),
            HttpEvidence(
                url=f"http://www.{site_id}.gov.cn/",
                family=Family.IPV6,
                error="connection reset",
                redirects=("http://a/", "http://b/"),
                elapsed_ms=12.5,
            ),
            HtmlEvidence(url=f"http://www.{site_id}.gov.cn/", text="政府信息公开", href=None),
            NoteEvidence(text="IPv4访问正常"),
        ),
        metrics={"links": 3, "share": 0.5, "host": "www", "ok": False, "none": None},
        marks=(Mark(kind="waiver", reason="整改中", expires=dt.date(2027, 1, 1)),),
    )
    skipped = Result(
        rule="gov.sections",
        title="栏目",
        clause="（二）",
        severity=Severity.WARNING,
        status=Status.SKIP,
        message="does not apply",
    )
    return SiteReport(
        id=site_id,
        name="大连市",
        url=f"http://www.{site_id}.gov.cn/",
        kind=SiteKind.CITY,
        results=(result, skipped),
    )


def test_reports_come_back_equal_in_index_order_whatever_order_they_finished_in() -> None:
    shelf = Shelf()
    reports = {index: _report(f"s{index}") for index in (3, 0, 7, 1)}
    for index, report in reports.items():
        shelf.put(index, report)
    back = list(shelf.reports())
    assert len(shelf) == 4
    assert [r.id for r in back] == ["s0", "s1", "s3", "s7"]
    assert back == [reports[i] for i in (0, 1, 3, 7)]
    # the same document too: the marks (written only when present) and every evidence kind
    assert [r.model_dump_json() for r in back] == [
        reports[i].model_dump_json() for i in (0, 1, 3, 7)
    ]


def test_an_empty_shelf_gives_no_reports() -> None:
    assert list(Shelf().reports()) == []
