"""Annual reports (政府信息公开工作年度报告): the years a list of links gives reports for, and
the latest year whose report is due on a date (条例 第四十九条)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from gkaudit.html import Link
from gkaudit.model import SiteKind
from gkaudit.text import normalize

#: 条例 第四十九条: departments publish by 31 January, governments by 31 March (month, day).
DEFAULT_DEADLINES: Mapping[SiteKind, tuple[int, int]] = {
    SiteKind.CITY: (3, 31),
    SiteKind.DISTRICT: (3, 31),
    SiteKind.DEPARTMENT: (1, 31),
}


def report_years(
    links: Iterable[Link], pattern: re.Pattern[str], as_of: dt.date
) -> dict[int, Link]:
    """Year -> the first link whose normalized text matches `pattern` (group 1 is the year of
    the report, whatever the publication date); years after `as_of` are typos and dropped, and
    so are matches where group 1 is empty or not a number (an optional group, `(\\d{4})?`)."""
    years: dict[int, Link] = {}
    for link in links:
        match = pattern.search(normalize(link.text))
        if match is None:
            continue
        try:
            group = match.group(1)
        except IndexError:  # no group: `Params` of the check rejects such a pattern
            continue
        if group is None:  # an optional group that took no part in the match: no year
            continue
        try:
            year = int(group)
        except ValueError:
            continue
        if 1990 <= year <= as_of.year:
            years.setdefault(year, link)
    return years


def due_year(kind: SiteKind, as_of: dt.date, deadlines: Mapping[SiteKind, tuple[int, int]]) -> int:
    """The latest year whose report must be out on `as_of` (条例 第四十九条): the previous
    year's once its deadline has passed, else the year before that. On the deadline day
    itself the report is not late yet."""
    month, day = deadlines[kind]
    return as_of.year - 1 if as_of > dt.date(as_of.year, month, day) else as_of.year - 2


def deadline_of(
    year: int, kind: SiteKind, deadlines: Mapping[SiteKind, tuple[int, int]]
) -> dt.date:
    month, day = deadlines[kind]
    return dt.date(year + 1, month, day)
