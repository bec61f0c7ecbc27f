"""shelf: a finished site's report comes back from its packed form exactly as it went in."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gkaudit.engine import build_report
from gkaudit.model import (
    DnsEvidence,
    Family,
    HtmlEvidence,
    HttpEvidence,
    Mark,
    NoteEvidence,
    PlanInfo,
    Report,
    Result,
    Severity,
    SiteKind,
    SiteReport,
    Status,
    Summary,
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
    back = list(shelf.sites())
    assert len(shelf) == 4
    assert [r.id for r in back] == ["s0", "s1", "s3", "s7"]
    assert back == [reports[i] for i in (0, 1, 3, 7)]
    # the same document too: the marks (written only when present) and every evidence kind
    assert [r.model_dump_json() for r in back] == [
        reports[i].model_dump_json() for i in (0, 1, 3, 7)
    ]


def test_an_empty_shelf_gives_no_reports() -> None:
    assert list(Shelf().sites()) == []
    assert Shelf().summary().sites == 0


def _shelved_report(count: int) -> tuple[Report, Report]:
    """A report whose sites are on a shelf, and the same report with its sites as a tuple."""
    shelf = Shelf()
    sites = tuple(_report(f"s{index}") for index in range(count))
    for index, site in reversed(list(enumerate(sites))):
        shelf.put(index, site)
    at = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    plans = (PlanInfo(title="计划", document="文号", source="p.yaml", rules=()),)
    shelved = build_report(plans, dt.date(2026, 12, 1), shelf, started_at=at)
    held = shelved.model_copy(update={"sites": sites, "summary": Summary.of(sites)})
    return shelved, held


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_shelved_report_writes_the_document_a_report_of_objects_writes(count: int) -> None:
    shelved, held = _shelved_report(count)
    whole = held.model_dump_json(by_alias=True, indent=2) + "\n"
    assert shelved.summary == held.summary
    assert shelved.to_json() == whole  # a site at a time, the same text
    assert "".join(held.json_parts()) == whole
    assert list(shelved.sites) == list(held.sites)
    assert Report.from_json(whole) == held
    assert json.loads(whole)["sites"] == [json.loads(s.model_dump_json()) for s in held.sites]


def test_each_read_of_a_shelved_site_unpacks_it_anew() -> None:
    shelved, _ = _shelved_report(3)
    assert shelved.sites[-1].id == "s2" and shelved.sites[0] is not shelved.sites[0]
    with pytest.raises(IndexError):
        shelved.sites[3]
    assert [s.id for s in shelved.sites[1:]] == ["s1", "s2"]
