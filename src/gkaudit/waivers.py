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

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from gkaudit.model import Frozen, Report, Status

#: The statuses a waiver can cover: the findings about the portal itself.
WAIVABLE = (Status.FAIL, Status.WARN)
_FIELDS = ("site", "rule", "reason", "expires")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class WaiverError(ValueError):
    """A waivers file that cannot be used; the message names the file, line and field."""


class Waiver(Frozen):
    """One accepted failure: which site and rule, why, and until when (inclusive)."""

    site: str
    rule: str
    reason: str
    expires: dt.date

    def active(self, today: dt.date) -> bool:
        """Whether the waiver still holds on `today`."""
        return today <= self.expires


@dataclass(frozen=True)
class WaiverMatch:
    """A waiver that matched a finding, and whether it still held on the day of the report."""

    waiver: Waiver
    expired: bool

    @property
    def note(self) -> str:
        """What a report says beside the finding."""
        if self.expired:
            return f"waiver expired on {self.waiver.expires.isoformat()}: {self.waiver.reason}"
        return f"waived until {self.waiver.expires.isoformat()}: {self.waiver.reason}"


class _Constructor(RoundTripConstructor):
    """Leaves timestamps as text, so a bad date is reported with its line instead of crashing."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def load_waivers(path: str | os.PathLike[str]) -> list[Waiver]:
    """The waivers in the YAML file at `path`; raises `WaiverError` on any problem."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise WaiverError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise WaiverError(f"{name}: not UTF-8 text: {exc.reason}") from exc
    return parse_waivers(text, name)


def parse_waivers(text: str, name: str = "waivers.yaml") -> list[Waiver]:
    """The waivers in YAML `text`; `name` is the file name used in error messages."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise WaiverError(f"{name}:{line}: {problem}") from exc
    if data is None:
        return []
    if not isinstance(data, dict) or "waivers" not in data:
        raise WaiverError(f"{name}:1: expected a top-level 'waivers:' list")
    unknown = [key for key in data if key != "waivers"]
    if unknown:
        raise WaiverError(
            f"{name}:{_key_line(data, unknown[0])}: {unknown[0]}: unknown key "
            "(the file has one key, 'waivers')"
        )
    items = data["waivers"]
    if items is None:
        return []
    if not isinstance(items, list):
        raise WaiverError(f"{name}:{_value_line(data, 'waivers')}: waivers: expected a list")

    waivers: list[Waiver] = []
    first: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        waiver = _waiver(name, items, i, item)
        key = (waiver.site, waiver.rule)
        if key in first:
            raise WaiverError(
                f"{name}:{_item_line(items, i)}: waivers[{i}]: duplicate of waivers[{first[key]}] "
                f"(site {waiver.site}, rule {waiver.rule})"
            )
        first[key] = i
        waivers.append(waiver)
    return waivers


def _waiver(name: str, items: Any, i: int, item: Any) -> Waiver:
    where = f"{name}:{_item_line(items, i)}: waivers[{i}]"
    if not isinstance(item, dict):
        raise WaiverError(f"{where}: expected a mapping with keys {', '.join(_FIELDS)}")
    for key in item:
        if key not in _FIELDS:
            raise WaiverError(
                f"{name}:{_key_line(item, key, i, items)}: waivers[{i}].{key}: unknown field "
                f"(expected {', '.join(_FIELDS)})"
            )
    for key in _FIELDS:
        if key not in item:
            raise WaiverError(f"{where}.{key}: missing")
    values: dict[str, Any] = {}
    for key in _FIELDS:
        value = item[key]
        # The key's line, not the value's: an empty value has none, and a block scalar starts below.
        at = f"{name}:{_key_line(item, key, i, items)}: waivers[{i}].{key}"
        if key == "expires":
            values[key] = _date(value, at)
        elif not isinstance(value, str) or not value.strip():
            raise WaiverError(f"{at}: expected non-empty text")
        else:
            values[key] = value.strip()
    return Waiver(**values)


def _date(value: Any, at: str) -> dt.date:
    text = str(value).strip() if value is not None else ""
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    got = repr(text) if text else "nothing"
    raise WaiverError(f"{at}: not a date (expected YYYY-MM-DD, got {got})")


def _item_line(items: Any, i: int) -> int:
    try:
        return int(items.lc.item(i)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return 1


def _key_line(mapping: Any, key: str, i: int | None = None, items: Any = None) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return _item_line(items, i) if i is not None else 1


def _value_line(mapping: Any, key: str) -> int:
    try:
        return int(mapping.lc.value(key)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return _key_line(mapping, key)


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


def unused_waivers(report: Report, waivers: Sequence[Waiver]) -> list[Waiver]:
    """Waivers that cover no finding of `report`: fixed, mistyped, or for a site not scanned."""
    findings = {(s.id, r.rule) for s, r in report.results() if r.status in WAIVABLE}
    return [w for w in waivers if (w.site, w.rule) not in findings]
