"""A demo portal's columns opened and never filled: the first `PortalSpec.blank_columns` of the
政务公开 columns below (人事信息, 统计信息, 应急管理...) list no item. Each is the fleet's own list
page (its column metas, an empty list, a 共0条 pager) with no script that could fill it: what the
inspectors count as a 空白栏目, not a list a browser would build."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal

#: The column keys (`content.COLUMNS`) a portal may leave blank, in this order.
BLANK_COLUMNS = ("rsxx", "tjxx", "yjgl", "sjxx", "jyta", "zdly")


def blank_columns(p: Portal) -> list[tuple[str, str]]:
    """Write the portal's blank columns; their (name, href) for the 政务公开 hub."""
    keys = BLANK_COLUMNS[: p.s.blank_columns]
    for key in keys:
        p.column(key, [])
    return [(p.label(key), p.col(key)) for key in keys]
