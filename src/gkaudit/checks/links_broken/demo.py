"""The faults `links_broken` plants in the demo fleet: dead links on a home page, a dead link on
every inner page of another portal, and a link nobody can judge from here.

The fleet serves the outside hosts its portals link (`gkaudit.demo.outside`), so every other
portal's links open and `links.broken` passes there. Which second-level pages are sampled
depends on their URLs, and so on the fleet's port: the inner-page fault is on every inner page,
so any sample finds it.
"""

from __future__ import annotations

from gkaudit.demo.outside import REMOVED_HOST, TRADING
from gkaudit.demo.spec import CITY_ZONE, DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="beihai",
        what="three dead links on the home page: the 人口普查 banner's page (404 on the city's "
        "site) and its image (404), and the old 网上办事大厅 (wsbs.gkcity.gov.cn, NXDOMAIN)",
        changes={
            "extra_banners": (
                (
                    "第七次全国人口普查",
                    f"http://www.{CITY_ZONE}:{{port}}/col/col1999/index.html",
                    "/images/zt_rkpc.gif",
                ),
            ),
            "extra_friends": (("港康市网上办事大厅", f"http://{REMOVED_HOST}:{{port}}/"),),
        },
        verdicts={"links.broken": Status.FAIL},
    ),
    DemoFault(
        portal="nanshan",
        what="the 当前位置 icon of every inner page is gone from the server (404): a sampled "
        "broken-link rate over 1%",
        changes={"crumbs_icon": "/images/dqwz.gif"},
        verdicts={"links.broken": Status.FAIL},
    ),
    DemoFault(
        portal="xiling",
        what="links the city's 公共资源交易网, whose WAF (腾讯云) answers gkaudit with its block "
        "page: undecided, not broken",
        changes={"extra_friends": (("港康市公共资源交易网", f"http://{TRADING.host}:{{port}}/"),)},
        verdicts={"links.broken": Status.ERROR},
    ),
)
