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


# Who a report title names: what comes before 政府信息公开 (or 信息公开), year words taken out.
_YEAR_WORDS_RE = re.compile(r"[0-9]{4}\s*年?度?|关于|[《》〈〉【】\[\]()（）]")
# A place or a body: 辽宁省, 大连市, 西岗区, 长海县, …局, …委员会, …人民政府.
_PLACE_RE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治区|特别行政区|省|市|区|县|旗|州|盟)")
_GOVERNMENT_SUFFIXES = ("人民政府办公室", "人民政府", "政府办公室", "政府")


def _body_named(title: str) -> str:
    cut = title.find("政府信息公开")
    if cut < 0:
        cut = title.find("信息公开")
    return _YEAR_WORDS_RE.sub("", title[: max(cut, 0)]).strip()


def _own_names(names: Iterable[str]) -> list[str]:
    """The body's names as titles write them: as given, without 人民政府, and its last place
    alone (大连市西岗区人民政府: 大连市西岗区, 西岗区)."""
    out: list[str] = []
    for name in (normalize(n) for n in names if n):
        short = name
        for suffix in _GOVERNMENT_SUFFIXES:
            if short.endswith(suffix) and len(short) > len(suffix):
                short = short[: -len(suffix)]
                break
        places = _PLACE_RE.findall(short)
        last = places[-1] if len(places) > 1 and "".join(places) == short else short
        out.extend(dict.fromkeys((name, short, last)))
    return [n for n in out if n]


def names_another_body(title: str, names: Iterable[str], *, department: bool = False) -> bool:
    """Whether a report title (normalized) names a body other than the portal's own (`names`:
    the site's `name` and `org`): 大连市2025年政府信息公开工作年度报告 on 西岗区's platform.

    Another body is a place (with or without 人民政府) that is not the portal's own place: its
    parent (大连市, 辽宁省人民政府), a sibling (沙河口区); on a `department`'s portal, any
    government. Whatever cannot be told counts as the portal's own, never as missing: a title
    naming no body (2025年政府信息公开工作年度报告), a department's name that is not the own
    one as written (大连市科技局 for 大连市科学技术局: `org` in sites.yaml names it), or a
    site whose names hold no place.
    """
    body = _body_named(title)
    if not body:
        return False
    names = [normalize(n) for n in names if n]
    if any(name in body for name in _own_names(names)):
        return False
    places = _PLACE_RE.findall(body)
    rest = body
    for place in places:
        rest = rest.replace(place, "", 1)
    if not places or (rest and rest not in _GOVERNMENT_SUFFIXES):
        return False
    own_places = [place for name in names for place in _PLACE_RE.findall(name)]
    if not own_places:
        return False
    # 金普新区 is 大连金普新区: a place written shorter is the same place.
    theirs, ours = places[-1], own_places[-1]
    return department or not (ours.endswith(theirs) or theirs.endswith(ours))
