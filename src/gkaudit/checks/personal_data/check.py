"""No unmasked personal data in the portal's pages and attachments.

Why: Plan clauses (七) "保护个人隐私" and (二十一)(二十二) "防止…泄露个人隐私": published
information must be de-identified (国办 《2018年政务公开工作要点》: "去标识化处理"). Inspections
find full ID and mobile numbers in 公示 lists (低保, 贫困户, 廉租房 rosters), mostly inside
Excel, Word, WPS and PDF attachments; the masks inspectors require are ID `35*************123`
and mobile `138****1234` (standards.md §5).

What it checks: the visible text of up to `max_pages` pages crawled from the home page (lists of
people first: 公示, 名单, 花名册...) and of the attachments they link (.xls .xlsx .et .doc .docx
.wps .pdf, told apart by their first bytes), at most `max_files` files and `max_bytes` bytes
per site, `max_file_bytes` per file. It looks for 18-character 居民身份证号码 valid by GB
11643-1999 (province, birth date, check character), 15-digit old numbers where the document
names ID numbers, mobile numbers (`1[3-9]` + 9 digits, not inside a longer run) and bank card
numbers (16-19 digits passing Luhn, labelled as a card or account). Masked forms, order numbers,
dates, landlines and hotlines never count. A finding marked as a false alarm (核减) in the
waivers file is left out and listed.

Params:
- `max_pages`: pages crawled from the home page (default 60).
- `max_files`: attachments read per site (default 30).
- `max_bytes`: bytes of attachments read per site (default 60,000,000).
- `max_file_bytes`: bytes one attachment may have (default 20,000,000): the one cap on a file,
  in place of the fetcher's cap on pages; a larger file is not downloaded past it and is
  `error` for that file, named.
- `mobiles_fail`: mobile numbers in one document from which it fails (default 3).

Passes when no document shows an unmasked ID, card or mobile number and every attachment linked
could be read.

Fails when a document shows an unmasked ID number or a labelled card number, or `mobiles_fail`
or more mobile numbers: each such document is named with the count per kind.

Warns (`warn`) when the only findings are one or two mobile numbers in a document (an office
line may be published on purpose; a person's number may not).

Inconclusive (`error`) when the home page cannot be fetched, or when nothing was found but some
attachments could not be read (each named, with the reason: too large, a zip bomb, a parse that
did not end in time, not a readable file).

Evidence: per document with findings, its URL (and the page linking it), the counts, and each
number masked with twenty characters of context; the files that could not be read; the false
alarms struck, with their reasons. Numbers never appear unmasked in anything gkaudit writes.
Metrics: `pages`, `files`, `unread`, `ids`, `mobiles`, `cards`, `documents`, `false_alarms`.
"""

from __future__ import annotations

from pydantic import Field

from gkaudit import corpus
from gkaudit.declaration import CheckParams, check
from gkaudit.falsealarms import marked
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence, Verdict
from gkaudit.privacy.detect import Match, Tally, find
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import home_page, home_verdict

#: Matches shown per document: the counts say how many there are.
SHOWN = 5


class Params(CheckParams):
    """How much of the site to read, and when mobiles fail."""

    max_pages: int = Field(60, ge=1, description=N_("pages crawled from the home page"))
    max_files: int = Field(30, ge=0, description=N_("attachments read per site"))
    max_bytes: int = Field(60_000_000, ge=0, description=N_("bytes of attachments read per site"))
    max_file_bytes: int = Field(20_000_000, ge=1, description=N_("bytes one attachment may have"))
    mobiles_fail: int = Field(3, ge=1, description=N_("mobile numbers in one document that fail"))


@check("personal_data", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    home = await home_page(site)
    if home is None:
        return home_verdict(await site.home(), _("personal data"))
    crawled = await corpus.pages(site, params.max_pages)
    texts = await corpus.read_attachments(
        site,
        crawled,
        max_files=params.max_files,
        max_bytes=params.max_bytes,
        max_file_bytes=params.max_file_bytes,
    )
    evidence: list[Evidence] = []
    struck: list[Evidence] = []
    failing: list[str] = []
    warning: list[str] = []
    totals = Tally(0, 0, 0)
    for document in [*texts.pages, *texts.files]:
        matches: list[Match] = []
        for match in find(document.text, site.as_of):
            mark = marked(document.url, match.masked)
            if mark is None:
                matches.append(match)
            else:
                struck.append(_struck(document.url, match.masked, mark.reason))
        if not matches:
            continue
        tally = Tally.of(matches)
        totals = Tally(
            totals.ids + tally.ids, totals.mobiles + tally.mobiles, totals.cards + tally.cards
        )
        counts = _counts(tally)
        where = document.url if document.via is None else f"{document.url} ({document.via})"
        evidence.append(HtmlEvidence(url=document.url, text=f"{counts}", href=document.via))
        evidence.extend(HtmlEvidence(url=document.url, text=m.context) for m in matches[:SHOWN])
        line = f"{where}: {counts}"
        if tally.ids or tally.cards or tally.mobiles >= params.mobiles_fail:
            failing.append(line)
        else:
            warning.append(line)
    unread = [HtmlEvidence(url=u.url, text=u.reason, href=u.via) for u in texts.unread]
    metrics = {
        "pages": len(texts.pages),
        "files": len(texts.files),
        "unread": len(texts.unread),
        "ids": totals.ids,
        "mobiles": totals.mobiles,
        "cards": totals.cards,
        "documents": len(failing) + len(warning),
        "false_alarms": len(struck),
    }
    if texts.over_budget:
        struck.append(
            NoteEvidence(
                text=_("{count} more attachments not read (the per-site budget)").format(
                    count=texts.over_budget
                )
            )
        )
    tail = [*unread, *struck]
    if failing:
        return Verdict.failed(
            _("unmasked personal data in {count} documents: {documents}").format(
                count=len(failing), documents=_("; ").join(failing)
            ),
            [*evidence, *tail],
            **metrics,
        )
    if unread:
        return Verdict.inconclusive(
            _("{count} attachments could not be read: {files}").format(
                count=len(unread), files=_("; ").join(f"{u.url} ({u.reason})" for u in texts.unread)
            ),
            [*evidence, *tail],
            **metrics,
        )
    if warning:
        return Verdict.warned(
            _("mobile numbers unmasked in {count} documents: {documents}").format(
                count=len(warning), documents=_("; ").join(warning)
            ),
            [*evidence, *tail],
            **metrics,
        )
    return Verdict.passed(
        _("no unmasked personal data in {pages} pages and {files} attachments").format(
            pages=len(texts.pages), files=len(texts.files)
        ),
        tail,
        **metrics,
    )


def _counts(tally: Tally) -> str:
    parts = []
    if tally.ids:
        parts.append(_("{n} ID numbers").format(n=tally.ids))
    if tally.cards:
        parts.append(_("{n} bank card numbers").format(n=tally.cards))
    if tally.mobiles:
        parts.append(_("{n} mobile numbers").format(n=tally.mobiles))
    return _(", ").join(parts)


def _struck(url: str, text: str, reason: str) -> Evidence:
    return HtmlEvidence(
        url=url, text=_("false alarm (核减): {text}: {reason}").format(text=text, reason=reason)
    )
