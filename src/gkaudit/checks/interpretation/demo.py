"""The fault `interpretation` plants in the demo fleet: interpretations without their document."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="sfj",
        what="5 of its 6 interpretations do not link the document they interpret",
        changes={"interpretations": (6, 1)},
        verdicts={"policy.interpretation": Status.FAIL},
    ),
)
