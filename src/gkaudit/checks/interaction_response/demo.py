"""The faults `interaction_response` plants in the demo fleet: a 领导信箱 whose public list holds
a letter 办理中 for four months (past the indicator's 3 months: the veto), and one whose oldest
open letter has waited 70 days (past the 2 months of the 扣分 item: a warning). The portal
without a channel (`interaction_channel`'s fault) skips.
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="xiling",
        what="a letter to the 领导信箱 is 办理中 after 120 days",
        changes={"unanswered_letter": 120},
        verdicts={"interaction.response": Status.FAIL},
    ),
    DemoFault(
        portal="kjj",
        what="a letter to the 领导信箱 is 办理中 after 70 days",
        changes={"unanswered_letter": 70},
        verdicts={"interaction.response": Status.WARN},
    ),
)
