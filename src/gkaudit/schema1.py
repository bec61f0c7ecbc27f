"""Reading `gkaudit.report/1`: the schema of reports written before a scan could run several
plans. A `/1` document is the `/2` report of one plan whose listing of rules is what its results
name (it did not record the plan's hash); baselines, `diff`, `merge` and the history read it so.
"""

from __future__ import annotations

from typing import Any, Final

SCHEMA: Final = "gkaudit.report/1"
#: What a `/1` document becomes.
UPGRADED: Final = "gkaudit.report/2"


def upgrade(data: Any) -> Any:
    """`data` as a `/2` document if it is a `/1` one; anything else as it is (the model's
    validation then says what is wrong with it)."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return data
    upgraded = {key: value for key, value in data.items() if key != "plan"}
    upgraded["schema"] = UPGRADED
    plan = data.get("plan")
    if isinstance(plan, dict):
        upgraded["plans"] = [{**plan, "rules": list(_rules(data).values())}]
    return upgraded


def _rules(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The rules the results name, each with the title and clause of its first result."""
    rules: dict[str, dict[str, Any]] = {}
    sites = data.get("sites")
    for site in sites if isinstance(sites, list) else ():
        results = site.get("results") if isinstance(site, dict) else None
        for result in results if isinstance(results, list) else ():
            if isinstance(result, dict) and isinstance(result.get("rule"), str):
                rule = result["rule"]
                rules.setdefault(
                    rule, {"id": rule, "title": result.get("title"), "clause": result.get("clause")}
                )
    return rules
