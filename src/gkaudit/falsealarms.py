"""False alarms (核减): findings an inspector has checked and marked as not a problem.

Real monitoring systems let the site's office contest a finding and the inspector strike it
("误报/核减"); gkaudit keeps those marks in the waivers file, so they hold across runs:

```yaml
false_alarms:
  - url: http://www.dlzs.gov.cn/zwgk/202211/t20221101_1.html
    text: 138****5678          # the matched text as gkaudit reports it (numbers masked)
    reason: 区长信箱的公开工作手机号，经核实可以公开
```

A mark is keyed by the page (or file) URL and the matched text, the way reports show them. The
checks that find text (`privacy.personal-data`, `wording.*`) leave marked findings out of their
verdict and list them, with the reason, in the evidence: every output shows what was struck and
why. The run's marks are set once by the command that loads the waivers file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pydantic import field_validator

from gkaudit.i18n import _
from gkaudit.model import Frozen, Mark, check_http_url
from gkaudit.privacy.mask import scrub


class FalseAlarm(Frozen):
    url: str
    text: str
    reason: str
    by: str | None = None  # who marked it
    date: dt.date | None = None  # when

    def mark(self) -> Mark:
        """The mark as the report carries it on the result."""
        return Mark(
            kind="false_alarm",
            reason=self.reason,
            by=self.by,
            date=self.date,
            url=self.url,
            text=self.text,
        )

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        return check_http_url(url.strip())

    @field_validator("text", "reason")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("expected non-empty text"))
        return value.strip()


#: The marks in force for this run (set by the scan from the waivers file).
active: ContextVar[tuple[FalseAlarm, ...]] = ContextVar("false_alarms", default=())
#: The marks that struck something in the check running now (see `recording`).
_struck: ContextVar[list[FalseAlarm] | None] = ContextVar("false_alarms_struck", default=None)


@contextmanager
def recording() -> Iterator[list[FalseAlarm]]:
    """Collect the marks that `marked` finds while the block runs (one check, the tasks it
    starts included), each once: the engine puts them on the check's result."""
    struck: list[FalseAlarm] = []
    token = _struck.set(struck)
    try:
        yield struck
    finally:
        _struck.reset(token)


def marked(url: str, text: str) -> FalseAlarm | None:
    """The mark striking `text` found at `url`, if an inspector made one. URLs compare as
    reports show them, masked: the inspector copies a URL from a report."""
    shown = scrub(url)
    mark = next((m for m in active.get() if scrub(m.url) == shown and m.text == text), None)
    struck = _struck.get()
    if mark is not None and struck is not None and mark not in struck:
        struck.append(mark)
    return mark
