"""Waivers: failures an inspector accepts for a while, read from a `waivers.yaml`.

```yaml
waivers:
  - site: zhongshan
    rule: ipv6.aaaa
    reason: 运营商承诺 2025 年第三季度完成 IPv6 改造
    expires: 2025-09-30
```

A waiver covers one (site, rule) up to and including its `expires` day. While it holds, a `fail` or
`warn` of that pair shows as waived instead of counting against `--fail-on`; from the day after, the
finding counts again, with a note that the waiver expired. An `error` (inconclusive) result is never
waived: it says nothing about the portal, only that the scan could not decide.

The same file may list `false_alarms:` (核减), single findings marked as no problem: see
`gkaudit.falsealarms`.

Errors name the file, the line and the field (`waivers.yaml:4: waivers[1].expires: not a date`), so
that a CI log points straight at the line to fix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import field_validator

from gkaudit.config import ConfigError, YamlDocument, reject_duplicates
from gkaudit.falsealarms import FalseAlarm
from gkaudit.i18n import _
from gkaudit.model import Frozen, Mark, Report, Result, SiteReport, Status, StoredSites

#: The statuses a waiver can cover: the findings about the portal itself.
WAIVABLE = (Status.FAIL, Status.WARN)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class WaiverError(ValueError):
    """A waivers file that cannot be used; the message names the file, line and field."""


class Waiver(Frozen):
    """One accepted failure: which site and rule, why, and until when (inclusive)."""

    site: str
    rule: str
    reason: str
    expires: dt.date
    by: str | None = None  # who granted it
    date: dt.date | None = None  # when

    @field_validator("site", "rule", "reason", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(_("expected non-empty text"))
        return value.strip()

    @field_validator("date", mode="before")
    @classmethod
    def _granted(cls, value: Any) -> dt.date | None:
        return None if value is None else cls._date(value)

    @field_validator("expires", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        text = "" if value is None else str(value).strip()
        if _DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        raise ValueError(
            _("not a date (expected YYYY-MM-DD, got {value!r})").format(value=text)
            if text
            else _("not a date (expected YYYY-MM-DD, got nothing)")
        )

    def active(self, today: dt.date) -> bool:
        """Whether the waiver still holds on `today`."""
        return today <= self.expires


@dataclass(frozen=True)
class WaiverMatch:
    """A waiver that matched a finding, and whether it still held on the day of the report."""

    waiver: Waiver
    expired: bool

    @property
    def mark(self) -> Mark:
        """The waiver as the report carries it on the result."""
        w = self.waiver
        return Mark(
            kind="waiver",
            reason=w.reason,
            by=w.by,
            date=w.date,
            expires=w.expires,
            expired=self.expired,
        )

    @property
    def note(self) -> str:
        """What a report says beside the finding."""
        return self.mark.describe()


class WaiversFile(Frozen):
    waivers: tuple[Waiver, ...] = ()
    false_alarms: tuple[FalseAlarm, ...] = ()

    @field_validator("waivers", "false_alarms", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return () if value is None else value  # `waivers:` with nothing under it


def _load(path: str | os.PathLike[str]) -> WaiversFile:
    try:
        doc = YamlDocument(Path(path))
        if doc.data is None:
            return WaiversFile()
        only_marks = isinstance(doc.data, dict) and "waivers" not in doc.data
        doc.mapping("false_alarms" if only_marks and "false_alarms" in doc.data else "waivers")
        parsed: WaiversFile = doc.validate(WaiversFile, doc.data)
        reject_duplicates(
            doc, "waivers", [f"{w.site} / {w.rule}" for w in parsed.waivers], field=""
        )
        reject_duplicates(
            doc, "false_alarms", [f"{m.url} / {m.text}" for m in parsed.false_alarms], field=""
        )
    except ConfigError as exc:
        raise WaiverError(str(exc)) from None
    return parsed


def load_waivers(path: str | os.PathLike[str]) -> list[Waiver]:
    """The waivers in the YAML file at `path`; raises `WaiverError` on any problem."""
    return list(_load(path).waivers)


def load_false_alarms(path: str | os.PathLike[str]) -> list[FalseAlarm]:
    """The false alarms (核减) marked in the waivers file at `path`."""
    return list(_load(path).false_alarms)


def find_waiver(waivers: Iterable[Waiver], site: str, rule: str) -> Waiver | None:
    """The waiver for (site, rule), if any."""
    return next((w for w in waivers if w.site == site and w.rule == rule), None)


def apply_waivers(
    report: Report, waivers: Sequence[Waiver], today: dt.date
) -> dict[tuple[str, str], WaiverMatch]:
    """For each waivable finding of `report` that a waiver names: the waiver and whether it expired.

    A finding whose match is not `expired` is waived and must not count against `--fail-on`; an
    expired one counts as usual and carries the match's `note`.
    """
    by_key = {(w.site, w.rule): w for w in waivers}
    matches: dict[tuple[str, str], WaiverMatch] = {}
    for site, result in report.results():
        waiver = by_key.get((site.id, result.rule))
        if waiver is not None and result.status in WAIVABLE:
            matches[(site.id, result.rule)] = WaiverMatch(waiver, expired=not waiver.active(today))
    return matches


def mark_waivers(report: Report, waivers: Sequence[Waiver]) -> Report:
    """`report` with every finding a waiver names carrying that waiver (`Result.marks`), held or
    expired on the report's day, so that every format can show it."""
    matches = apply_waivers(report, waivers, report.as_of)
    if not matches:
        return report

    def marked(site: SiteReport, result: Result) -> Result:
        match = matches.get((site.id, result.rule))
        if match is None:
            return result
        return result.model_copy(update={"marks": (match.mark, *result.marks)})

    sites = StoredSites.changed(
        report.sites,
        lambda site: site.model_copy(
            update={"results": tuple(marked(site, r) for r in site.results)}
        ),
    )
    return report.model_copy(update={"sites": sites})


def unused_waivers(report: Report, waivers: Sequence[Waiver]) -> list[Waiver]:
    """Waivers that cover no finding of `report`: fixed, mistyped, or for a site not scanned."""
    findings = {(s.id, r.rule) for s, r in report.results() if r.status in WAIVABLE}
    return [w for w in waivers if (w.site, w.rule) not in findings]
