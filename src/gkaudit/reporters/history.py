"""The history as text for `gkaudit history`: where each (site, rule) stands, since when."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Sequence

from gkaudit.history import Entry
from gkaudit.i18n import _


def render(entries: Sequence[Entry]) -> str:
    """A table for the terminal: site, rule, status, since when, and the last change.

    Times are the machine's local time with its UTC offset: the database stores UTC, and an
    inspector reads "since 06:00" as the morning scan of their own day."""
    if not entries:
        return _("No history recorded yet.") + "\n"
    header = (_("SITE"), _("RULE"), _("STATUS"), _("SINCE"), _("RUNS"), _("LAST CHANGE"))
    rows = [header] + [
        (
            e.site,
            e.rule,
            _(e.status.value),
            local_time(e.since),
            str(e.runs),
            _("first run")
            if e.previous is None or e.previous_seen is None
            else _("{before} -> {now} (last {before} {when})").format(
                before=_(e.previous.value), now=_(e.status.value), when=local_time(e.previous_seen)
            ),
        )
        for e in entries
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    return "\n".join(lines) + "\n"


def render_json(entries: Sequence[Entry]) -> str:
    """The entries as a JSON array (times ISO-8601 with their offset), for `history --json`."""
    return json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"


def local_time(moment: dt.datetime) -> str:
    """`moment` in the machine's zone, with the offset: ``2026-12-01 06:00 +0800``."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M %z")


def _width(text: str) -> int:
    # Chinese characters take two terminal columns; padding by len() would skew the table.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
