"""The faults `columns_updated` plants in the demo fleet: a 新闻中心 whose five news columns
(部门动态 to 媒体资讯) nobody has updated for five weeks to five months, past the indicators'
2 weeks: the single veto's five; and one whose two news columns are a month old: fewer, a
warning. (A portal nobody publishes on, `home_updated`'s fault, warns too: one column.)
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="donggang",
        what="the 5 news columns of the 新闻中心 not updated for 5 weeks to 5 months",
        changes={"news_columns": (35, 48, 62, 90, 150)},
        verdicts={"columns.updated": Status.FAIL},
    ),
    DemoFault(
        portal="fgw",
        what="部门动态 and 基层动态 not updated for a month",
        changes={"news_columns": (24, 38)},
        verdicts={"columns.updated": Status.WARN},
    ),
)
