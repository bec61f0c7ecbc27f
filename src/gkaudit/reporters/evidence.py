"""One line of evidence in the words an inspector uses; every text reporter says it this way.

Markdown needs URLs as code and prose escaped; it passes `literal` and `prose` to do so.
"""

from __future__ import annotations

from collections.abc import Callable

from gkaudit.i18n import _
from gkaudit.model import DnsEvidence, Evidence, HtmlEvidence, HttpEvidence, NoteEvidence

Format = Callable[[str], str]


def _same(text: str) -> str:
    return text


def describe(evidence: Evidence, *, literal: Format = _same, prose: Format = _same) -> str:
    """`DNS AAAA www.x.gov.cn -> cdn.net: 2001:db8::1`, `HTTP http://… over ipv6 ::1 -> 200` …"""
    match evidence:
        case DnsEvidence():
            names = " -> ".join(literal(n) for n in (evidence.name, *evidence.chain))
            answers = ", ".join(literal(a) for a in evidence.answers)
            return f"DNS {evidence.type} {names}: {answers or evidence.outcome.upper()}"
        case HttpEvidence():
            parts = [f"HTTP {literal(evidence.url)}"]
            via = " ".join(x for x in (evidence.family, evidence.address) if x)
            if via:
                parts.append(_("over {address}").format(address=prose(via)))
            if evidence.redirects:
                chain = " -> ".join(literal(u) for u in evidence.redirects)
                parts.append(_("via {redirects}").format(redirects=chain))
            if evidence.error is not None:
                parts.append(_("failed: {error}").format(error=prose(evidence.error)))
            elif evidence.status is not None:
                parts.append(f"-> {evidence.status}")
            if evidence.final_url and evidence.final_url != evidence.url and not evidence.redirects:
                parts.append(_("at {url}").format(url=literal(evidence.final_url)))
            if evidence.elapsed_ms is not None:
                parts.append(f"({evidence.elapsed_ms:.0f} ms)")
            line = " ".join(parts)
            return f"{line}; {prose(evidence.note)}" if evidence.note else line
        case HtmlEvidence():
            target = f" -> {literal(evidence.href)}" if evidence.href else ""
            return f"HTML {literal(evidence.url)}: “{prose(evidence.text)}”{target}"
        case NoteEvidence():
            return prose(evidence.text)
