"""What a check says and what the report keeps of it: verdicts, inspectors' marks, results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from pydantic import Field, field_validator

from gkaudit.base import Frozen, Severity, Status
from gkaudit.i18n import _
from gkaudit.model.evidence import Evidence, Metric, masked_metrics
from gkaudit.privacy.mask import scrub


class Verdict(Frozen):
    """What a check returns: a status, one line of explanation, the evidence and metrics.

    The engine turns it into a `Result` by stamping the rule's id, clause and severity.
    Personal numbers in the text are masked here, whatever the check wrote: the second line of
    defence behind the checks' own masking (`gkaudit.privacy.mask.scrub`).
    """

    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    metrics: dict[str, Metric] = Field(default_factory=dict)

    _masked = field_validator("message")(lambda cls, v: scrub(v))
    _masked_metrics = field_validator("metrics")(lambda cls, v: masked_metrics(v))

    @classmethod
    def passed(cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric) -> Verdict:
        return cls(status=Status.PASS, message=message, evidence=tuple(evidence), metrics=metrics)

    @classmethod
    def failed(cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric) -> Verdict:
        return cls(status=Status.FAIL, message=message, evidence=tuple(evidence), metrics=metrics)

    @classmethod
    def warned(cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric) -> Verdict:
        return cls(status=Status.WARN, message=message, evidence=tuple(evidence), metrics=metrics)

    @classmethod
    def inconclusive(
        cls, message: str, evidence: Iterable[Evidence] = (), **metrics: Metric
    ) -> Verdict:
        """The site or the network did not let us decide: reported as `error`, never `fail`."""
        return cls(status=Status.ERROR, message=message, evidence=tuple(evidence), metrics=metrics)


class Mark(Frozen):
    """An inspector's mark on a result, from the waivers file: a `waiver` (the failure accepted
    until `expires`; `expired` once the report's day is past it, and then it counts again) or a
    `false_alarm` (核减: the text matched at `url` is no problem and was left out of the verdict).
    `by` and `date` say who marked it and when, where the file says so."""

    kind: Literal["waiver", "false_alarm"]
    reason: str
    by: str | None = None
    date: dt.date | None = None
    expires: dt.date | None = None
    expired: bool = False
    url: str | None = None
    text: str | None = None

    _masked = field_validator("reason", "by", "url", "text")(
        lambda cls, v: None if v is None else scrub(v)
    )

    @property
    def holds(self) -> bool:
        """A waiver in force: its finding does not count against `--fail-on`."""
        return self.kind == "waiver" and not self.expired

    def describe(self) -> str:
        """The mark in a report's words, in the run's language."""
        if self.kind == "false_alarm":
            text = _("false alarm (核减): “{text}” at {url}: {reason}").format(
                text=self.text, url=self.url, reason=self.reason
            )
        elif self.expired:
            text = _("waiver expired on {date}: {reason}").format(
                date=self.expires, reason=self.reason
            )
        else:
            text = _("waived until {date}: {reason}").format(date=self.expires, reason=self.reason)
        if self.by and self.date:
            return text + _(" (marked by {by} on {date})").format(by=self.by, date=self.date)
        if self.by or self.date:
            return text + _(" (marked by {by})").format(by=self.by or self.date)
        return text


class Result(Frozen):
    """One rule's verdict on one site, as it appears in the report."""

    rule: str
    title: str
    clause: str
    severity: Severity
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    metrics: dict[str, Metric] = Field(default_factory=dict)
    #: The inspectors' marks (waiver, false alarms); written only when there is one, so a report
    #: without marks is exactly what it was before marks existed.
    marks: tuple[Mark, ...] = Field((), exclude_if=lambda marks: not marks)

    _masked = field_validator("message")(lambda cls, v: scrub(v))
    _masked_metrics = field_validator("metrics")(lambda cls, v: masked_metrics(v))

    @property
    def waived(self) -> bool:
        """A `fail` or `warn` under a waiver in force."""
        return any(mark.holds for mark in self.marks)
