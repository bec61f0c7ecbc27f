"""The 整改清单 as CSV: one row per problem, for the offices that compile it in Excel or WPS.

UTF-8 with a byte-order mark, so Excel opens the Chinese as Chinese; every cell that a spreadsheet
would read as a formula starts with an apostrophe (`reporters.neutral.cell`).
"""

from __future__ import annotations

import csv
import io

from gkaudit.model import Report
from gkaudit.reporters.neutral import cell
from gkaudit.reporters.past import Past
from gkaudit.reporters.tables import headers, rows


def render(report: Report, past: Past | None = None) -> str:
    """The CSV text, starting with the byte-order mark Excel needs to read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows(report, past):
        writer.writerow([cell(v) if isinstance(v, str) else v for v in row.cells()])
    return "\ufeff" + buffer.getvalue()
