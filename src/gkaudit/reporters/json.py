"""The `gkaudit.report/2` JSON document, and its JSON Schema shipped with the package.

The schema (`gkaudit/schemas/report-2.schema.json`) is written from `gkaudit.model.Report` and
checked against it by the tests, so a consumer can validate a report without gkaudit installed.
After a change of the model, write it again: `python -m gkaudit.reporters.json`. The schema of
`gkaudit.report/1` (one plan per report) ships beside it, as it was, for the reports written
before: gkaudit still reads them (`gkaudit.schema1`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gkaudit.model import REPORT_SCHEMA, Report

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "report-2.schema.json"
SCHEMA_1_FILE = SCHEMA_FILE.with_name("report-1.schema.json")


def render(report: Report) -> str:
    return report.to_json()


def render_parts(report: Report) -> Iterator[str]:
    """The document in parts, a site at a time, as files are written (`Report.json_parts`)."""
    return report.json_parts()


def schema() -> dict[str, Any]:
    """The shipped JSON Schema of the report."""
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def generated_schema() -> dict[str, Any]:
    """The JSON Schema the model describes (what `SCHEMA_FILE` must hold)."""
    described = Report.model_json_schema(by_alias=True, mode="serialization")
    # always written, though the model gives it a default
    described["required"] = ["schema", *described["required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:gkaudit:schema:report:2",
        **described,
        "title": REPORT_SCHEMA,
    }


def write_schema() -> None:
    text = json.dumps(generated_schema(), ensure_ascii=False, indent=2, sort_keys=True)
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_schema()
