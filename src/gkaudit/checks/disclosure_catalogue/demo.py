"""The faults `disclosure_catalogue` plants in the demo fleet: a broken section, a missing one."""

from __future__ import annotations

from gkaudit.demo.spec import Catalogue, DemoFault
from gkaudit.model import Status

F = Status.FAIL

FAULTS = (
    DemoFault(
        portal="beihai",
        what="the 政府信息公开制度 link answers 404",
        changes={"catalogue": Catalogue.BROKEN_SECTION},
        verdicts={"disclosure.catalogue": F},
    ),
    DemoFault(
        portal="jinhai",
        what="no 法定主动公开内容 section",
        changes={"catalogue": Catalogue.MISSING_SECTION},
        verdicts={"disclosure.catalogue": F},
    ),
)
