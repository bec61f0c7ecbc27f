"""The 整改清单 as XLSX and CSV: the columns an office sends out, the summary matrix, and no cell
a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gkaudit import i18n
from gkaudit.history import HistoryStore
from gkaudit.model import Status
from gkaudit.reporters import csv as csv_reporter
from gkaudit.reporters import xlsx
from gkaudit.reporters.past import Past
from tests.reporters.hostile import FORMULAS, fixture_report, hostile_report

COLUMNS = [
    "序号",
    "站点",
    "主办单位",
    "规则",
    "条款",
    "结论",
    "问题描述",
    "证据链接",
    "首次发现",
    "持续天数",
    "整改建议",
    "暂缓整改/核减说明",
]


@pytest.fixture(autouse=True)
def _chinese() -> None:
    i18n.use("zh")  # tests/conftest.py restores English after each test


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_rectification_list_has_one_row_per_problem_in_chinese() -> None:
    report = fixture_report()
    sheet = _book(xlsx.render(report)).worksheets[0]
    assert sheet.title == "整改清单"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == COLUMNS
    problems = [
        (s.url, r.rule)
        for s, r in report.results()
        if r.status in (Status.FAIL, Status.WARN, Status.ERROR)
    ]
    assert len(rows) - 1 == len(problems) == 10
    assert [row[0] for row in rows[1:]] == list(range(1, 11))
    first = rows[1]
    assert first[1:3] == ["https://www.dl.gov.cn/", "大连市人民政府"]
    assert first[3].startswith("disclosure.catalogue ")
    assert first[5] == "不通过"
    assert first[6] == "缺少栏目：政府信息公开年报"
    assert first[7].splitlines()[0] == "https://www.dl.gov.cn/xxgk/"
    assert "政府信息公开平台" in first[10]
    conclusions = {row[5] for row in rows[1:]}
    assert conclusions == {"不通过", "警告", "无法判定"}
    # without a history, the report alone cannot say since when
    assert {row[8] for row in rows[1:]} == {None} and {row[9] for row in rows[1:]} == {None}
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L11"
    assert sheet["H2"].hyperlink.target == "https://www.dl.gov.cn/xxgk/"


def test_widths_fit_chinese_text() -> None:
    sheet = _book(xlsx.render(fixture_report())).worksheets[0]
    # 主办单位 "大连市中山区人民政府": 10 wide characters take 20 columns
    assert sheet.column_dimensions["C"].width >= 20
    assert sheet.column_dimensions["A"].width < 10


def test_the_summary_sheet_is_the_matrix_in_colours_with_pass_rates() -> None:
    sheet = _book(xlsx.render(fixture_report())).worksheets[1]
    assert sheet.title == "汇总"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0:2] == ["站点", "主办单位"] and rows[0][-1] == "通过率"
    assert rows[1][:4] == ["https://www.dl.gov.cn/", "大连市人民政府", "通过", "通过"]
    # 2 of the 5 conclusive results of dalian passed; kjj's skip and errors are left out
    assert rows[1][-1] == "40%"
    assert rows[3][-1] == "33%"
    assert rows[4][0] == "通过率" and rows[4][2] == "100%" and rows[4][4] == "0%"
    assert sheet["C2"].fill.fgColor.rgb.endswith("C6EFCE")  # pass: green
    assert sheet["H2"].fill.fgColor.rgb.endswith("FFC7CE")  # fail: red
    assert sheet.freeze_panes == "A2"


def test_no_cell_is_a_formula() -> None:
    data = xlsx.render(hostile_report())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    values = {}
    for sheet in _book(data).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    values[cell.value] = cell
    # FORMULAS[1] ends a message, the others are whole cells (a site name, titles, clauses)
    for formula in (FORMULAS[0], *FORMULAS[2:]):
        assert values[formula].quotePrefix, formula
    message = next(v for v in values if v.startswith("栏目标题"))
    assert "\x1b" not in message and "\x07" not in message


def test_csv_neutralises_formulas_and_opens_in_excel() -> None:
    text = csv_reporter.render(hostile_report())
    assert text.startswith("\ufeff序号,站点,主办单位,")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == COLUMNS
    cells = [value for row in rows[1:] for value in row]
    assert all(not value.startswith(("=", "+", "-", "@", "\t")) for value in cells)
    assert "'" + FORMULAS[0] in cells
    assert "'" + FORMULAS[3] in cells


def test_first_found_and_days_open_come_from_the_history(tmp_path: Path) -> None:
    report = fixture_report()
    earlier = report.model_copy(
        update={
            "started_at": report.started_at - dt.timedelta(days=30),
            "finished_at": report.finished_at - dt.timedelta(days=30),
            "as_of": report.as_of - dt.timedelta(days=30),
        }
    )
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(earlier)
        store.record(report)
        past = Past.of(store, report)
    rows = list(csv.reader(io.StringIO(csv_reporter.render(report, past).removeprefix("\ufeff"))))
    first = rows[1]
    assert first[8] == earlier.started_at.date().isoformat()
    assert first[9] == str((report.as_of - earlier.started_at.date()).days)
    assert len(past.runs) == 2


def test_every_packaged_rule_has_its_own_advice() -> None:
    """The 整改建议 fits the rule: a search problem is not told to restore the home page, and no
    packaged rule falls back to "fix the problem described"."""
    from gkaudit.plans import load_plans
    from gkaudit.plugins import Registry
    from gkaudit.reporters.tables import rule_advice

    plans = load_plans([Path("dalian-2022"), Path("gwjc-2019")], Registry.load(()))
    generic = rule_advice("nosuch.rule")
    assert [r.id for r in plans.rules if rule_advice(r.id) == generic] == []
    assert rule_advice("site.search") != rule_advice("site.reachable")
    assert rule_advice("site.home-updated") != rule_advice("site.reachable")
    assert rule_advice("ipv6.links") == rule_advice("ipv6.aaaa")  # one family, one fix
