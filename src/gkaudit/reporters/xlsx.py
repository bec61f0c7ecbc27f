"""The 整改清单 as an Excel workbook (openpyxl, already a dependency for reading attachments).

Sheet 1 lists one problem per row; sheet 2 is the site x rule matrix in colours with the pass
rates per rule and per site. Headers are frozen and filtered, widths follow the text's display
width (a Chinese character is two columns), and no cell is ever a formula: portal text is
written as a string with Excel's quote prefix, however it starts.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gkaudit.i18n import _
from gkaudit.model import Report, Status
from gkaudit.reporters.neutral import FORMULA_START, plain
from gkaudit.reporters.past import Past
from gkaudit.reporters.rollup import tables
from gkaudit.reporters.tables import (
    cell_label,
    headers,
    pass_rate,
    percent,
    result_of,
    rows,
    rule_ids,
    rule_pass_rate,
)

FILL = {
    Status.PASS: "C6EFCE",
    Status.FAIL: "FFC7CE",
    Status.WARN: "FFEB9C",
    Status.ERROR: "E4DFEC",
    Status.SKIP: "EDEDED",
}
#: Widest a column grows (in Excel's character units) before its text wraps.
MAX_WIDTH = 60
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def render(report: Report, past: Past | None = None) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    problems = book.active
    assert problems is not None
    problems.title = _("Rectification list")
    _problems(problems, report, past)
    _summary(book.create_sheet(_("Summary")), report)
    for number, table in enumerate(tables(report), 1):
        # a sheet's name is at most 31 characters and its plan's document may be longer
        sheet = book.create_sheet(_("Roll-up {n}").format(n=number))
        _append(sheet, table.headers)
        for cells in table.rows:
            _append(sheet, cells)
        _append(sheet, [])
        _append(sheet, [table.heading])
        _finish(sheet, table_rows=len(table.rows) + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problems(sheet: Worksheet, report: Report, past: Past | None) -> None:
    _append(sheet, headers())
    for row in rows(report, past):
        _append(sheet, row.cells())
        links = sheet.cell(row=sheet.max_row, column=8)
        if row.urls and row.urls[0].startswith(("http://", "https://")):
            links.hyperlink = row.urls[0]
        fill = PatternFill("solid", fgColor=FILL[row.status])
        sheet.cell(row=sheet.max_row, column=6).fill = fill
    _finish(sheet)


def _summary(sheet: Worksheet, report: Report) -> None:
    rules = rule_ids(report)
    _append(
        sheet,
        [_("Site"), _("Sponsor"), *(f"{rid} {title}" for rid, title in rules), _("Pass rate")],
    )
    for site in report.sites:
        results = [result_of(site, rid) for rid, _t in rules]
        statuses = [None if r is None else r.status for r in results]
        _append(
            sheet,
            [
                site.url,
                site.name,
                *("" if r is None else cell_label(r) for r in results),
                percent(pass_rate(list(site.results))),
            ],
        )
        for column, status in enumerate(statuses, start=3):
            if status is not None:
                sheet.cell(row=sheet.max_row, column=column).fill = PatternFill(
                    "solid", fgColor=FILL[status]
                )
    _append(
        sheet,
        [_("Pass rate"), "", *(percent(rule_pass_rate(report, rid)) for rid, _t in rules), ""],
    )
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
    _append(sheet, [])
    _append(sheet, [_("Pass rates leave out results that do not apply and undecided ones.")])
    _finish(sheet, table_rows=len(report.sites) + 2)


def _append(sheet: Worksheet, values: Sequence[str | int]) -> None:
    sheet.append([plain(v) if isinstance(v, str) else v for v in values])


def _as_text(cell: Cell) -> None:
    """A string stays a string: openpyxl would make `=…` a formula; the quote prefix also keeps
    Excel from reading it as one when the cell is edited."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True


def _finish(sheet: Worksheet, table_rows: int | None = None) -> None:
    """Header bold and frozen, a filter over the table's rows, widths fitting its text."""
    for row in sheet.iter_rows():
        for cell in row:
            _as_text(cell)
            cell.alignment = _WRAP
    for cell in sheet[1]:
        cell.font = _BOLD
    sheet.freeze_panes = "A2"
    last = sheet.max_row if table_rows is None else table_rows
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{last}"
    for index, column in enumerate(sheet.iter_cols(max_row=last), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)


def _width(column: Sequence[Cell]) -> float:
    widest = max(
        (display_width(line) for cell in column for line in str(cell.value or "").split("\n")),
        default=4,
    )
    return min(MAX_WIDTH, max(6, widest + 2))


def display_width(text: str) -> int:
    """Columns `text` takes: two for a wide (CJK) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
