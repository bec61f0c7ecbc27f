"""A demo portal's 新闻中心: a nav item leading to a page of its news columns besides
要闻动态 (部门动态, 基层动态, 乡镇动态, 图片新闻, 媒体资讯), each a dated list whose newest
item is as many days old as `PortalSpec.news_columns` says. Inspectors count each as a
动态/要闻 column, to be updated within 2 weeks (栏目不更新)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkaudit.demo.content import NEWS_COLUMN_ITEMS

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal

#: Days before the newest item that the older items were published.
OLDER = (0, 9, 23)


def news_centre(p: Portal) -> None:
    """Write the 新闻中心 page and its columns (nothing when the portal has none)."""
    ages = p.s.news_columns
    if not ages:
        return
    keys = list(NEWS_COLUMN_ITEMS)[: len(ages)]
    for key, age in zip(keys, ages, strict=True):
        items = [
            p.news_article(key, template, age + extra)
            for template, extra in zip(NEWS_COLUMN_ITEMS[key], OLDER, strict=True)
        ]
        p.column(key, items)
    # column names of four characters, as portals name them: links to columns, not list items
    p.hub("xwzx", [(p.label(key), p.col(key)) for key in ("ywdt", *keys)])
