"""The fault `annual_report` plants in the demo fleet: a late annual report."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="nanshan",
        what="the newest annual report is the year before the one due",
        changes={"report_lag": 1},
        verdicts={"disclosure.annual-report": Status.FAIL},
    ),
)
