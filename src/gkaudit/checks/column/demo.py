"""The faults `column` plants in the demo fleet: a stale 助企纾困 column, and none at all."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault, Relief
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="donggang",
        what="stale 助企纾困 column: newest item 200 days old",
        changes={"relief_age": 200},
        verdicts={"column.business-relief": Status.WARN},
    ),
    DemoFault(
        portal="jinhai",
        what="no 助企纾困 column: only a news article mentions it",
        changes={"relief": Relief.NONE, "extra_news": ("金海新区召开助企纾困政策宣讲会",)},
        verdicts={"column.business-relief": Status.FAIL},
    ),
)
