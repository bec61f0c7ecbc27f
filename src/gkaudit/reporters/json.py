"""The `gkaudit.report/1` JSON document (the schema is `gkaudit.model.Report`)."""

from __future__ import annotations

from gkaudit.model import Report


def render(report: Report) -> str:
    return report.to_json()
