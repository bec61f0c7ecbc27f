"""The faults `column` plants in the demo fleet: a stale 助企纾困 column, and none at all; and
for each column the Dalian plan names by clause, one missing or stale."""

from __future__ import annotations

from gkaudit.demo.content import TEXT_DOCS
from gkaudit.demo.spec import DemoFault, Relief
from gkaudit.model import Status

FAULTS = (
    DemoFault(
        portal="donggang",
        what="stale 助企纾困 column: newest item 200 days old",
        changes={"relief_age": 200},
        verdicts={"column.business-relief": Status.WARN},
    ),
    DemoFault(
        portal="jinhai",
        what="no 助企纾困 column: only a news article mentions it",
        changes={"relief": Relief.NONE, "extra_news": ("金海新区召开助企纾困政策宣讲会",)},
        verdicts={"column.business-relief": Status.FAIL},
    ),
    DemoFault(
        portal="fgw",
        what="no 市场准入负面清单 column on the 发展改革 department's portal",
        changes={"negative_list_age": None},
        verdicts={"column.negative-list": Status.FAIL},
    ),
    DemoFault(
        portal="czj",
        what="行政事业性收费目录清单 column not updated for 500 days",
        changes={"fee_list_age": 500},
        # the 政务公开 hub links it: gwjc's 栏目不更新 sees one column past a year (a warning)
        verdicts={"column.fee-list": Status.WARN, "columns.updated": Status.WARN},
    ),
    DemoFault(
        portal="nanshan",
        what="no 现行有效规章和行政规范性文件库",
        changes={"library_age": None},
        verdicts={"column.regulations-library": Status.FAIL},
    ),
    DemoFault(
        portal="jinhai",
        what="no 惠民惠农财政补贴 column, though a 涉农 district",
        changes={"subsidies_age": None},
        verdicts={"column.agri-subsidies": Status.FAIL},
    ),
    DemoFault(
        portal="xiling",
        what="every policy interpretation in words: none 图解 or 一图读懂",
        changes={"docs": TEXT_DOCS},
        verdicts={"policy.interpretation-forms": Status.WARN},
    ),
)
