"""The fault `interaction_channel` plants in the demo fleet: a portal whose 互动交流 column offers
only the special channels (网上信访 and 纪检监察举报, each a page of its own), which the indicator
excludes: no 领导信箱, no 咨询投诉, no 留言. Every other portal links its 领导信箱 from 互动交流.
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="czj",
        what="互动交流 offers only 网上信访 and 纪检监察举报: no online 咨询建言 channel",
        changes={"mailbox": False},
        # with no channel there are no answers to judge: interaction.response skips
        verdicts={"interaction.channel": Status.FAIL, "interaction.response": Status.SKIP},
    ),
)
