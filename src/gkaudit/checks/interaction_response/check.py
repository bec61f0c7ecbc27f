"""Messages to the portal's 咨询建言 channel are answered in time (互动回应差, part 2).

Why: Used by `interaction.response`: a single-veto item of the national inspection indicators
(国办秘函〔2019〕19号, 单项否决·互动回应差): "监测时间点前 1 年内,对网民留言应及时答复处理的政务
咨询类栏目(在线访谈、调查征集、网上信访、纪检举报类栏目除外)存在超过 3 个月未回应有效留言的现象"
(indicators.md §1.2). The 扣分 part deducts for "监测时间点前2个月内未更新留言答复" (−3, a
国管局 self-check, indicators.md §1.3): hence a warning beyond 60 days. Five of thirteen real
通报 name late answers (湖北 2018: "咨询留言 >3 个月才办结").

What it checks: the channels `interaction.channel` finds (在线访谈 and 调查征集 left out), and in
the first one that has it, the public list of messages: the channel's own page when it lists
them, else the list it links by name (信件公开, 来信选登, 留言选登, 信件查询...) or Hanweb's
`mailpublist.do`, else the channel's own page when it shows one or two letters and every dated
link on it is a message row (an ask date, and a state or a reply date: two dated notices are no
list); its next pages while they show messages of the window. Each row gives the
ask date (来信时间, the row's first date), the reply date (回复时间) and the state (已回复,
办理中, 未回复; 不予受理, 无效 and 重复 rows are no valid message). The message pages of the
rows the list leaves open (no reply date, an undated row, an unanswered one past the warning)
are read, at most `max_messages`, oldest unanswered first: their labelled dates (来信时间,
答复时间) and reply text decide. A message waits from its ask date to its reply, or to
`--as-of` while unanswered.

Params:
- `fail_days`: a valid message may wait at most this many days (default 90: "超过 3 个月").
- `warn_days`: beyond this many days it warns (default 60: the 扣分 "2个月内未更新留言答复").
- `window_days`: messages asked within this many days before `--as-of` count (default 365:
  "监测时间点前 1 年内"; asked exactly `window_days` before counts, a day earlier does not).
- `max_messages`: message pages opened per site (default 20; the site's page budget holds).
- `max_list_pages`: pages of the list read (default 5).
- `max_candidates`: channels tried for a public list (default 3).

Passes when every valid message of the window whose wait is known waited at most `warn_days`
(also when the list shows none of the window); the message says how many were judged.

Fails when a valid message of the window waited more than `fail_days`: the oldest unanswered
one is named (else the longest wait), its title masked for personal data.

Warns (`warn`) when the longest wait is more than `warn_days` and at most `fail_days`.

Inconclusive (`error`) when the home page cannot be read; when the list could not be read
(a script builds it and no browser ran, a firewall's refusal, a challenge, a timeout: the
message says which); when the channel shows no public list of messages (an inspector asks the
office for its records); or when no message's wait could be told.

Skips (`skip`) when the site has no 咨询建言 channel (`interaction.channel` fails it).

Evidence: the channel and the list pages read (fetches), a line per message judged (title,
asked, answered or not, wait, where read), longest waits first, at most 12. Metrics:
`messages` (valid, in the window), `judged`, `unanswered`, `longest_wait_days`, `pages`.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from pydantic import Field, model_validator

from gkaudit.checks.interaction_response.lists import consultation, find_list, read_pages
from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence, Status, Verdict
from gkaudit.site.channels import find_channels
from gkaudit.site.context import SiteContext
from gkaudit.site.letters import Letter, State, read_message
from gkaudit.site.pages import home_verdict, loads

#: Message lines in the evidence.
EVIDENCE_LINES = 12
_VETO = N_(
    "{late} of {count} messages of the year waited more than {limit} days for an answer: {what}"
)
_LATE = N_(
    "{late} of {count} messages of the year waited more than {limit} days for an answer (the "
    "veto is at {fail} days): {what}"
)


class Params(CheckParams):
    """How long a message may wait, and how much of the channel is read."""

    fail_days: int = Field(90, ge=1, description=N_("longest wait of a valid message, in days"))
    warn_days: int = Field(60, ge=1, description=N_("a wait beyond this many days warns"))
    window_days: int = Field(
        365, ge=1, description=N_("messages asked within this many days count")
    )
    max_messages: int = Field(20, ge=0, le=200, description=N_("message pages opened per site"))
    max_list_pages: int = Field(5, ge=1, le=50, description=N_("pages of the list read"))
    max_candidates: int = Field(3, ge=1, le=10, description=N_("channels tried for a public list"))

    @model_validator(mode="after")
    def _warn_before_fail(self) -> Params:
        if self.warn_days > self.fail_days:
            raise ValueError(_("warn_days may not be more than fail_days"))
        return self


def _line(letter: Letter, as_of: dt.date) -> Evidence:
    wait = letter.wait(as_of)
    if letter.replied is not None:
        how = _("answered {replied}, after {days} days").format(replied=letter.replied, days=wait)
    elif letter.state is State.PENDING:
        how = _("unanswered after {days} days").format(days=wait)
    elif letter.answered:
        how = _("answered (no reply date shown)")
    else:
        how = _("whether it was answered is not shown")
    return NoteEvidence(
        text=_("“{title}” asked {asked}: {how} (read on {url})").format(
            title=letter.title, asked=letter.asked or "?", how=how, url=letter.read_on
        )
    )


def _needs_page(letter: Letter, as_of: dt.date, warn_days: int) -> bool:
    """The list leaves it open: no ask date, no reply date, or unanswered past the warning."""
    if letter.state is State.INVALID:
        return False
    if letter.asked is None or (letter.replied is None and letter.state is not State.PENDING):
        return True
    return letter.replied is None and (as_of - letter.asked).days > warn_days


async def _read_messages(
    site: SiteContext, letters: list[Letter], params: Params
) -> tuple[list[Letter], int]:
    """`letters` with the pages of those the list leaves open read (oldest unanswered first,
    then in list order, at most `max_messages`), and how many pages were opened."""
    as_of = site.as_of
    open_ones = [
        i for i, letter in enumerate(letters) if _needs_page(letter, as_of, params.warn_days)
    ]
    open_ones.sort(
        key=lambda i: (letters[i].state is not State.PENDING, letters[i].asked or as_of, i)
    )
    chosen = open_ones[: params.max_messages]
    pages = await asyncio.gather(*(site.open(letters[i].url) for i in chosen))
    read = list(letters)
    for i, page in zip(chosen, pages, strict=True):
        if loads(page):
            read[i] = read_message(site.document(page), letters[i], as_of)
    return read, len(chosen)


def _counts(letter: Letter, since: dt.date, as_of: dt.date, *, undated: bool) -> bool:
    """A valid message asked within the window (an undated one too, if `undated`)."""
    if letter.state is State.INVALID:
        return False
    if letter.asked is None:
        return undated
    return since <= letter.asked <= as_of


def _skipped() -> Verdict:
    return Verdict(
        status=Status.SKIP,
        message=_("no online 咨询建言 channel: nothing to answer (see interaction.channel)"),
    )


@check("interaction_response", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    as_of = site.as_of
    home = await site.home()
    if not loads(home):
        return home_verdict(home, _("the answers to messages"))
    found = await find_channels(site)
    assert found is not None  # the home page loads
    channels = consultation(found[0])  # (channels, pages searched)
    if not channels:
        return _skipped()
    search = await find_list(site, channels, params.max_candidates)
    if search.listing is None or search.channel is None:
        if search.unreadable:
            first = search.unreadable[0]
            return Verdict.inconclusive(
                _("the public list of messages at {url} could not be read: {why}").format(
                    url=first.url, why=first.problem()
                ),
                [listing.outcome.evidence() for listing in search.unreadable],
                pages=len(search.opened),
            )
        return Verdict.inconclusive(
            _(
                "the channel “{text}” ({url}) shows no public list of messages (信件公开, "
                "留言选登): whether messages are answered in time cannot be read from outside"
            ).format(text=channels[0].link.text, url=channels[0].link.url),
            [NoteEvidence(text=_("opened: {urls}").format(urls=", ".join(search.opened)))],
            pages=len(search.opened),
        )
    since = as_of - dt.timedelta(days=params.window_days)
    letters, pages = await read_pages(site, search.listing, since, params.max_list_pages)
    # an undated row may be of the window: its page tells
    maybe = [letter for letter in letters if _counts(letter, since, as_of, undated=True)]
    read, opened = await _read_messages(site, maybe, params)
    valid = [letter for letter in read if _counts(letter, since, as_of, undated=False)]
    evidence: list[Evidence] = [
        HtmlEvidence(
            url=search.channel.on, text=search.channel.link.text, href=search.channel.link.url
        ),
        *(listing.outcome.evidence() for listing in pages),
    ]
    return _verdict(search.listing.url, valid, evidence, len(pages) + opened, params, as_of)


def _verdict(
    list_url: str,
    valid: list[Letter],
    evidence: list[Evidence],
    pages: int,
    params: Params,
    as_of: dt.date,
) -> Verdict:
    waits = {id(letter): letter.wait(as_of) for letter in valid}
    judged = [letter for letter in valid if waits[id(letter)] is not None or letter.answered]
    unanswered = [
        letter for letter in valid if letter.state is State.PENDING and not letter.replied
    ]
    ranked = sorted(judged, key=lambda letter: -(waits[id(letter)] or 0))
    evidence = evidence + [_line(letter, as_of) for letter in ranked[:EVIDENCE_LINES]]
    longest = max((w for w in waits.values() if w is not None), default=None)
    metrics = {
        "messages": len(valid),
        "judged": len(judged),
        "unanswered": len(unanswered),
        "longest_wait_days": longest,
        "pages": pages,
    }
    if valid and not judged:
        return Verdict.inconclusive(
            _(
                "the list at {url} shows {count} messages of the year but not whether or when "
                "they were answered, nor do their pages"
            ).format(url=list_url, count=len(valid)),
            evidence,
            **metrics,
        )
    for limit, verdict, finding in (
        (params.fail_days, Verdict.failed, _VETO),
        (params.warn_days, Verdict.warned, _LATE),
    ):
        late = [letter for letter in judged if (waits[id(letter)] or 0) > limit]
        if not late:
            continue
        pending = sorted(
            (letter for letter in late if letter.replied is None),
            key=lambda letter: letter.asked or as_of,
        )
        worst = pending[0] if pending else ranked[0]
        wait = waits[id(worst)]
        if worst.replied is None:
            what = _("“{title}”, asked {asked}, is unanswered after {days} days").format(
                title=worst.title, asked=worst.asked, days=wait
            )
        else:
            what = _(
                "“{title}”, asked {asked}, was answered only {replied}, after {days} days"
            ).format(title=worst.title, asked=worst.asked, replied=worst.replied, days=wait)
        return verdict(
            _(finding).format(
                late=len(late), count=len(judged), limit=limit, fail=params.fail_days, what=what
            ),
            evidence,
            **metrics,
        )
    if not valid:
        return Verdict.passed(
            _(
                "the public list at {url} shows no message asked within the {days} days "
                "before {as_of}"
            ).format(url=list_url, days=params.window_days, as_of=as_of),
            evidence,
            **metrics,
        )
    return Verdict.passed(
        _(
            "none of the {count} messages of the year judged (of {total} listed) waited more "
            "than {limit} days for an answer (longest known wait: {longest} days)"
        ).format(
            count=len(judged),
            total=len(valid),
            limit=params.warn_days,
            longest="-" if longest is None else longest,
        ),
        evidence,
        **metrics,
    )
