"""A demo portal's columns that the Dalian plan names by clause: 市场准入负面清单 (四),
行政事业性收费目录清单 (五), the library of current rules and normative documents (十一) and the
惠民惠农 subsidies (十六). Each is written where its rule applies (`spec.RULE_SCOPES`) and the
portal has it (`PortalSpec.*_age` not None), and linked from the 政务公开 hub."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkaudit.demo.content import PLAN_COLUMN_ITEMS
from gkaudit.demo.spec import applies

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal

#: (column key, its rule, the PortalSpec field with the age of its newest item)
PLAN_COLUMNS = (
    ("fmqd", "column.negative-list", "negative_list_age"),
    ("sfqd", "column.fee-list", "fee_list_age"),
    ("gzk", "column.regulations-library", "library_age"),
    ("hnbt", "column.agri-subsidies", "subsidies_age"),
)
#: Days before the newest item that the older items were published.
OLDER = (0, 45, 120)


def plan_columns(p: Portal) -> list[tuple[str, str]]:
    """Write the portal's plan columns; their (name, href) for the 政务公开 hub."""
    links = []
    for key, rule, field in PLAN_COLUMNS:
        age = getattr(p.s, field)
        if age is None or not applies(p.s, rule):
            continue
        items = [
            p.news_article(key, template, age + extra)
            for template, extra in zip(PLAN_COLUMN_ITEMS[key], OLDER, strict=True)
        ]
        p.column(key, items)
        links.append((p.label(key), p.col(key)))
    return links
