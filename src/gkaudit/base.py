"""The words the models are made of: the frozen model, statuses, severities, site kinds and
address families (`gkaudit.model` names them too, where they are usually imported from)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from gkaudit.i18n import N_, _


class Frozen(BaseModel):
    """Base of every model: immutable, and strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(StrEnum):
    """What one rule concluded about one site."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"  # inconclusive: the site or the network did not let us decide
    SKIP = "skip"  # the rule does not apply to this site's kind


#: Worst first: the order findings are listed in (a failure before an inconclusive result).
STATUS_RANK: dict[Status, int] = {
    Status.FAIL: 4,
    Status.ERROR: 3,
    Status.WARN: 2,
    Status.PASS: 1,
    Status.SKIP: 0,
}


class Severity(StrEnum):
    """How much a failed rule weighs: an `error` rule fails, a `warning` rule warns."""

    ERROR = "error"
    WARNING = "warning"


class SiteKind(StrEnum):
    """The kind of body that runs a portal; rules apply to some kinds only."""

    CITY = "city"
    DISTRICT = "district"
    DEPARTMENT = "department"

    @property
    def label(self) -> str:
        """The kind in the run's language (市政府, 区县政府, 政府部门)."""
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    SiteKind.CITY: N_("city"),
    SiteKind.DISTRICT: N_("district"),
    SiteKind.DEPARTMENT: N_("department"),
}


class Family(StrEnum):
    """IP address family a page is fetched over."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"
