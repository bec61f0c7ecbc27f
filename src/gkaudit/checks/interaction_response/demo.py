"""The faults `interaction_response` plants in the demo fleet: none yet.

Its rule `interaction.response` is only in the gwjc-2019 plan, and the demo fleet runs and
expects the default plan (dalian-2022) alone; a 领导信箱 whose public list holds a letter
unanswered for four months is planted once the demo runs both plans (issue 12).
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault

FAULTS: tuple[DemoFault, ...] = ()
