"""Dates as Chinese government portals print them.

Full forms carry their year: ``2026-11-20``, ``2026/11/20``, ``2026.11.20``, ``2026-1-5``,
``2026年11月20日``. Short forms leave the year to the reader: list pages show ``[11-20]``,
``11-20`` or ``11月20日`` next to each item. Short forms are only read when the caller knows
which year they belong to (``context_year``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

__all__ = ["MAX_YEAR", "MIN_YEAR", "newest", "parse_dates"]

MIN_YEAR = 1900
"""Earliest year accepted in a full date; older four-digit runs are area codes and IDs."""
MAX_YEAR = 2100
"""Latest year accepted in a full date."""

# One pass, one regex: at any position the full forms are tried before the short ones, so the
# "11-20" inside "2026-11-20" is never read again as a short date. The look-arounds reject
# digits that belong to a longer run: phone numbers (0411-8xxxxxxx), document IDs, times
# ("09:00-11:30"), IP addresses and version strings ("2026.11.20.1").
# The groups of each alternative are named so that ``match.lastgroup`` tells which one matched.
# The leading lookahead lets the engine skip non-digits at once instead of trying four
# alternatives at every character: 5x faster on the Chinese text of a list item.
_DATE_RE = re.compile(
    r"""
    (?=[0-9])
    (?:
      (?<![0-9])(?<![0-9]\.)
      (?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})
      (?![0-9])(?!\.[0-9])
    | (?<![0-9])
      (?P<cy>[0-9]{4})\s*年\s*(?P<cm>[0-9]{1,2})\s*月\s*(?P<cd>[0-9]{1,2})(?:\s*[日号]|(?![0-9]))
    | (?<![0-9])(?<![0-9][-/.:])
      (?P<sm>[0-9]{2})-(?P<sd>[0-9]{2})
      (?![0-9])(?![-/.:][0-9])
    | (?<![0-9])
      (?P<zm>[0-9]{1,2})\s*月\s*(?P<zd>[0-9]{1,2})\s*[日号]
    )
    """,
    re.VERBOSE,
)

# Full-width digits and separators, and the ideographic space, as in "２０２６－１１－２０".
# Replaced one match at a time rather than by str.translate, which looks every character of a
# non-ASCII text up in the table (0.5 ms for a list page, and most Chinese text has a "："
# or an ideographic space); nor by NFKC: this runs for every list item of every page.
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "\uff0d": "-",
    "\uff0e": ".",
    "\uff0f": "/",
    "\uff1a": ":",
    "\u3000": " ",
}
_FULL_WIDTH_RE = re.compile("[\uff0d-\uff1a\u3000]")


def _half_width(match: re.Match[str]) -> str:
    return _FULL_WIDTH[match.group()]


_FULL = {"d": ("y", "m"), "cd": ("cy", "cm")}
_SHORT = {"sd": "sm", "zd": "zm"}


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_dates(
    text: str,
    *,
    context_year: int | Callable[[], int | None] | None = None,
    today: dt.date | None = None,
) -> list[dt.date]:
    """Return every valid date written in ``text``, in order of appearance (repeats kept).

    Full forms must have a year between :data:`MIN_YEAR` and :data:`MAX_YEAR`. Short forms
    (``[11-20]``, ``11-20``, ``11月20日``; the dash form needs two-digit month and day) are read
    only when ``context_year`` is given: they resolve to that year, or to the year before when
    ``today`` is given and the date would otherwise lie after it (a list read in January
    showing ``[12-30]``) or not exist (``[02-29]``). Impossible dates (``2026-02-30``) and
    digits that are part of a longer run of digits are skipped. Full-width digits and
    separators are accepted.

    ``context_year`` may be a function, called only once a short date is seen: finding the
    year can cost more than the parse (gkaudit.html looks for it in the link's URL, then in
    the whole page), and most texts hold no short date.
    """
    if isinstance(context_year, int):
        known = context_year
        context_year = lambda: known  # noqa: E731
    if not text.isascii():
        text = _FULL_WIDTH_RE.sub(_half_width, text)
    found: list[dt.date] = []
    year: int | None = None
    asked = False
    for match in _DATE_RE.finditer(text):
        last = match.lastgroup
        if last in _FULL:
            year_group, month_group = _FULL[last]
            full_year = int(match[year_group])
            if MIN_YEAR <= full_year <= MAX_YEAR:
                date = _date(full_year, int(match[month_group]), int(match[last]))
                if date is not None:
                    found.append(date)
        elif context_year is not None and last in _SHORT:
            if not asked:
                year, asked = context_year(), True
            if year is None:
                continue
            month, day = int(match[_SHORT[last]]), int(match[last])
            date = _date(year, month, day)
            if today is not None and (date is None or date > today):
                date = _date(year - 1, month, day)
            if date is not None:
                found.append(date)
    return found


def newest(dates: Iterable[dt.date]) -> dt.date | None:
    """Return the latest of ``dates``, or ``None`` if there are none."""
    return max(dates, default=None)
