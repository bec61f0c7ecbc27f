"""The fault `wording_severe` plants in the demo fleet: the state's formal name written wrong."""

from __future__ import annotations

from gkaudit.demo.spec import DemoFault
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="beihai",
        what="a notice writes 中国人民共和国 for 中华人民共和国",
        changes={
            "extra_notices": (
                (
                    "北海区传达学习全会精神",
                    "<p>会议要求，认真贯彻《中国人民共和国政府信息公开条例》，做好政务公开工作。</p>",
                ),
            )
        },
        verdicts={"wording.severe": Status.FAIL},
    ),
)
