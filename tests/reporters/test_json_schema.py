"""The JSON Schema of `gkaudit.report/2` shipped in the package: what the model describes, and
what every report gkaudit writes is valid against; the `/1` schema ships as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import gkaudit
from gkaudit.model import Report
from gkaudit.reporters import json as json_reporter
from tests.reporters.hostile import FIXTURE, fixture_report, hostile_report

VALIDATOR = jsonschema.Draft202012Validator(json_reporter.schema())


def _document(report: Report) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(json_reporter.render(report))
    return parsed


def test_the_shipped_schema_is_the_models() -> None:
    assert json_reporter.schema() == json_reporter.generated_schema(), (
        "the model changed: run `python -m gkaudit.reporters.json`"
    )
    jsonschema.Draft202012Validator.check_schema(json_reporter.schema())
    # inside the package, so it ships in the wheel
    assert json_reporter.SCHEMA_FILE.is_relative_to(Path(gkaudit.__file__).parent)


@pytest.mark.parametrize(
    "report",
    [
        fixture_report(),
        hostile_report(),
        fixture_report().model_copy(update={"incomplete": True}),
    ],
    ids=["fixture", "hostile", "incomplete"],
)
def test_reports_are_valid(report: Report) -> None:
    assert sorted(VALIDATOR.iter_errors(_document(report)), key=str) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("sites", 0, "results", 0, "status"), "failed"),
        (("schema",), "gkaudit.report/3"),
        (("plans",), []),
        (("sites", 0, "results", 0, "evidence", 0, "kind"), "smtp"),
        (("summary", "extra"), 1),
    ],
)
def test_the_schema_refuses_what_gkaudit_would_not_read(path: tuple[Any, ...], value: Any) -> None:
    document = _document(fixture_report())
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    assert not VALIDATOR.is_valid(document)
    with pytest.raises(ValueError, match="validation error"):
        Report.model_validate_json(json.dumps(document))


def test_a_missing_required_key_is_refused() -> None:
    document = _document(fixture_report())
    del document["schema"]
    assert not VALIDATOR.is_valid(document)


def test_the_schema_1_file_still_ships_and_describes_the_old_reports() -> None:
    old = json.loads(json_reporter.SCHEMA_1_FILE.read_text(encoding="utf-8"))
    assert old["title"] == "gkaudit.report/1"
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert document["schema"] == "gkaudit.report/1"
    assert list(jsonschema.Draft202012Validator(old).iter_errors(document)) == []
    # read as /2, written as /2: the one plan, listing its rules
    again = _document(Report.from_json(FIXTURE.read_text(encoding="utf-8")))
    assert again["schema"] == "gkaudit.report/2" and "plan" not in again
    assert [p["document"] for p in again["plans"]] == [document["plan"]["document"]]
    assert VALIDATOR.is_valid(again)
