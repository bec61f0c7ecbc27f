"""The faults `columns_blank` plants in the demo fleet: a portal whose 政务公开 links five
columns it never filled (人事信息, 统计信息, 应急管理, 审计信息, 建议提案办理): the single veto's
five; and one with two (人事信息, 统计信息; TRS list pages in GBK): a warning. Each blank column
is the fleet's own list page with an empty list and a 共0条 pager, and no script that could
fill it: truly blank, not a list a browser would build (which would be `error`).
"""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="huangang",
        what="5 columns of 政务公开 list nothing",
        changes={"blank_columns": 5},
        verdicts={"columns.blank": Status.FAIL},
    ),
    DemoFault(
        portal="xiling",
        what="2 columns of 政务公开 list nothing",
        changes={"blank_columns": 2},
        verdicts={"columns.blank": Status.WARN},
    ),
)
