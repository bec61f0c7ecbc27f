"""The faults `interaction_channel` plants in the demo fleet: none yet.

Its rule `interaction.channel` is only in the gwjc-2019 plan, and the demo fleet runs and expects
the default plan (dalian-2022) alone; a portal without a 咨询建言 channel (its 互动交流 column
holding only 网上信访 and 纪检举报) is planted once the demo runs both plans (issue 12). Every
demo portal links its 领导信箱 from its 互动交流 column, so each passes meanwhile.
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault

FAULTS: tuple[DemoFault, ...] = ()
