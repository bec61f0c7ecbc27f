"""What a verdict shows for itself: DNS answers, fetches, things seen in pages, notes.

Everything evidence holds is masked, URLs too: a portal that publishes a roster at
`/gs/list.jsp?sfz=21020219900101123X` leaks the number through its address as well.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from gkaudit.base import Family, Frozen
from gkaudit.privacy.mask import scrub


def _masked_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(scrub(text) for text in texts)


class DnsEvidence(Frozen):
    """A DNS answer: the name asked, the CNAME chain followed, the addresses or the failure."""

    kind: Literal["dns"] = "dns"
    name: str
    type: str
    outcome: str = "answer"  # answer | nxdomain | nodata | timeout | servfail | error
    chain: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()

    _masked = field_validator("name")(lambda cls, v: scrub(v))
    _masked_chain = field_validator("chain")(lambda cls, v: _masked_all(v))


class HttpEvidence(Frozen):
    """One fetch: where it went, over which family, what came back, how it got there."""

    kind: Literal["http"] = "http"
    url: str
    family: Family | None = None
    status: int | None = None
    final_url: str | None = None
    address: str | None = None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    elapsed_ms: float | None = None
    #: What else the fetch went through (a rate limit waited out).
    note: str | None = None

    _masked = field_validator("url", "final_url", "error", "note")(
        lambda cls, v: None if v is None else scrub(v)
    )
    _masked_hops = field_validator("redirects")(lambda cls, v: _masked_all(v))


class HtmlEvidence(Frozen):
    """Something seen (or looked for) in a page: a link, a title, a missing section."""

    kind: Literal["html"] = "html"
    url: str
    text: str
    href: str | None = None

    _masked = field_validator("url", "text", "href")(lambda cls, v: None if v is None else scrub(v))


class NoteEvidence(Frozen):
    """A sentence that explains a verdict where no fetch or answer says it better."""

    kind: Literal["note"] = "note"
    text: str

    _masked = field_validator("text")(lambda cls, v: scrub(v))


Evidence = Annotated[
    DnsEvidence | HttpEvidence | HtmlEvidence | NoteEvidence, Field(discriminator="kind")
]
Metric = int | float | str | bool | None


def masked_metrics(metrics: dict[str, Metric]) -> dict[str, Metric]:
    return {k: scrub(v) if isinstance(v, str) else v for k, v in metrics.items()}
