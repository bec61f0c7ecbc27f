"""The fault `site_identity` plants in the demo fleet: a footer without the 找错 entrance, and one
reporting errors under another site's code."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="beihai",
        what="the footer lost the 我为政府网站找错 badge in a template change",
        changes={"jiucuo": False},
        verdicts={"feedback.jiucuo": Status.FAIL},
    ),
    DemoFault(
        portal="kjj",
        what="the 找错 badge copied from the city's footer reports errors under the city's code",
        changes={"jiucuo_code": "2102000001"},
        verdicts={"feedback.jiucuo": Status.WARN},
    ),
)
