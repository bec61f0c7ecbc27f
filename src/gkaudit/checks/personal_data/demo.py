"""The faults `personal_data` plants in the demo fleet: a 公示 list that shows a full ID number
(and a mobile), and a notice naming one contact's mobile. The numbers are valid in form and
nobody's."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="sfj",
        what="a 法律援助 公示 lists a full ID number and mobile (the other row is masked)",
        changes={
            "extra_notices": (
                (
                    "2026年法律援助受援人员名单公示",
                    "<table><tr><th>姓名</th><th>身份证号码</th><th>联系电话</th></tr>"
                    "<tr><td>张三</td><td>210202198503171231</td><td>13812345678</td></tr>"
                    "<tr><td>李四</td><td>35*************560</td><td>159****2233</td></tr>"
                    "</table>",
                ),
            )
        },
        verdicts={"privacy.personal-data": Status.FAIL},
    ),
    DemoFault(
        portal="xiling",
        what="a notice gives one contact's mobile unmasked",
        changes={
            "extra_notices": (
                ("西岭区2026年冬季供暖工作安排", "<p>联系人：王科长，手机13812345678。</p>"),
            )
        },
        verdicts={"privacy.personal-data": Status.WARN},
    ),
)
