"""The fault `wording_typos` plants in the demo fleet: 截止 where 截至 is meant before a date."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="donggang",
        what="a work report writes 截止2026年10月底 (截至 is meant)",
        changes={
            "extra_notices": (
                (
                    "东港区2026年营商环境工作进展",
                    "<p>截止2026年10月底，全区新增市场主体3200户。</p>",
                ),
            )
        },
        verdicts={"wording.typos": Status.WARN},
    ),
)
