"""The faults `site_identity` plants in the demo fleet: a footer without the 找错 entrance, one
reporting errors under another site's code, and the footers' other marks lost or mistyped (the
ICP number, the 公安机关备案 number, the 党政机关网站标识, the 网站标识码, the 主办单位 line).

The 网站标识码 fault is in the footer's text only: the footer is typed by hand in the template
while the SiteIDCode meta, the 找错 entrance's sitecode and the conac id come from the site's
registration, so those keep the right code and `feedback.jiucuo` (which compares its sitecode
with the meta) still passes there."""

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
    DemoFault(
        portal="fgw",
        what="the footer's ICP备案 link kept its place but lost its number (an empty link)",
        changes={"icp": ""},
        verdicts={"identity.icp": Status.FAIL},
    ),
    DemoFault(
        portal="nanshan",
        what="the 公安机关备案 number was retyped with a digit missing (13 of 14)",
        changes={"police": "2102110200010"},
        verdicts={"identity.police-record": Status.FAIL},
    ),
    DemoFault(
        portal="huangang",
        what="the 党政机关网站标识 fell out of the footer in a redesign",
        changes={"conac_badge": False},
        verdicts={"identity.conac-badge": Status.FAIL},
    ),
    DemoFault(
        portal="jinhai",
        what="the footer's 网站标识码 was retyped in a redesign with two digits swapped "
        "(2102310001; the SiteIDCode meta says 2102130001)",
        changes={"footer_code": "2102310001"},
        verdicts={"identity.site-code": Status.FAIL},
    ),
    DemoFault(
        portal="czj",
        what="the footer's 主办单位 line (with its 联系电话) fell out in a template change",
        changes={"sponsor_line": False},
        verdicts={"identity.sponsor": Status.FAIL},
    ),
)
