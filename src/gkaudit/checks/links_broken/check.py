"""Links of the home page and of a sample of second-level pages open (链接可用性).

Why: Used by `links.broken`. The national indicators (国办秘函〔2019〕19号) score 可用性 in
功能设计, and the 通报 name broken links by count ("营口市工业和信息化局网站首页10个链接无法访问",
indicators.md §2.1); every monitor has a 死链 report. The thresholds: any broken link of the home
page fails, as the 通报 count them one by one and the 2015 普查 table deducts per home-page link
(standards.md §1.4: −1 per home-page link, −0.1 per link elsewhere, recalled, in no stored
copy); elsewhere a rate, since a sample of second-level pages stands for the whole site, and
`max_rate` 1% is the practice a third-party guide reports ("错链率低于1%", standards.md §1.4, low
authority), not a number of the indicators: a param. Strict one way only: a link counts as
broken on proof that a visitor cannot open it either; what may be a firewall's or this
network's doing is undecided, and undecided links that could change the verdict make it
`error`, never `fail`.

What it checks: every distinct link of the home page (as reached over IPv4), internal and
external, images (`<img src>`) and attachments included; then the links of a sample of its
second-level pages (internal pages the home page links, files left out, chosen by the SHA-256
of their host, path and query: the same pages on every run, on HTTP or HTTPS and on any port,
the first ones `ipv6.links` opens), those not already
on the home page. Each link is probed once per run, shared with `ipv6.links` and with every
other portal linking it (`gkaudit.site.probes`): HEAD, then GET where HEAD is refused (405, 501,
a reset), and the error page read when the answer is an HTTP error, so a firewall's block page
is recognised.

A link is broken when it answers HTTP 4xx or 5xx (not 401, 403, 412 or 429, and not a block,
challenge or rate-limit page: those turned gkaudit away), its host does not exist (NXDOMAIN; a
host without an A record is tried over IPv6), nothing listens (connection refused), or its
redirects loop. It is undecided when the cause may be ours or a firewall's: a timeout, a reset,
a TLS failure, an HTTP 503 with Retry-After, the DNS not answering, a refusal of gkaudit, or a
link to a private address (10.x, 127.0.0.1: never connected to, "not fetched", unless
`--allow-private`).

Politeness: outside hosts get the same per-host limit as portal hosts (one fetcher for the run)
and at most `max_per_host` links probed each per site. On a Dask cluster a host outside a batch
(www.gov.cn, or the city's portal linked by a district's) is probed by the one worker holding its
lane (`executors.outside`), so it too sees one per-host limit, and at most `max_per_host` per
portal in all.

Params:
- `max_rate` (0.01): the sampled pages' broken-link rate that fails;
- `max_home_links` (400): links of the home page probed at most (a sample past it);
- `sample_pages` (10): second-level pages sampled;
- `max_sample_links` (500): links of the sampled pages probed at most (a sample past it);
- `max_per_host` (20): links probed at most on each host outside the portal, per site.

Passes when no probed link is broken.

Fails when the home page has a broken link, or the broken share of the sampled pages' links is
at least `max_rate` even if every undecided link opened.

Warns (`warn`) when the sampled pages have broken links below `max_rate` and the home page none.

Inconclusive (`error`) when the home page does not load, or when undecided links could change
the verdict (each undecided link of the home page could be broken).

Evidence: the broken links grouped by the page that carries them, each with its text and cause;
then the undecided links grouped by cause, with one probe that shows it; how many sampled pages
were read, and the links left out by `max_per_host`. The message gives the counts of both parts
and the sampled rate. Metrics: `home_links`, `home_broken`, `home_undecided`, `sample_pages`,
`sample_links`, `sample_broken`, `sample_undecided`, `sample_rate` (over decided links; none
without them), `left_out`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import Field

from gkaudit.checks.links_broken.collect import HostCap, Target, links_of, pages_to_sample
from gkaudit.checks.links_broken.judge import Judged, State, judge
from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, Metric, NoteEvidence, Verdict
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import describe, home_verdict, loads
from gkaudit.site.urls import canonical, sample

#: Broken links shown per page, and undecided causes shown; the rest are counted.
SHOWN_PER_PAGE = 20
SHOWN_CAUSES = 5
#: A hair of tolerance, so 1 of 100 reaches 1% despite binary floating point.
EPSILON = 1e-9


class Params(CheckParams):
    """The rate that fails, and how many pages and links are probed."""

    max_rate: float = Field(
        0.01, ge=0.0, le=1.0, description=N_("broken-link rate of the sampled pages that fails")
    )
    max_home_links: int = Field(400, ge=1, description=N_("home-page links probed at most"))
    sample_pages: int = Field(10, ge=0, description=N_("second-level pages sampled"))
    max_sample_links: int = Field(500, ge=1, description=N_("sampled pages' links probed at most"))
    max_per_host: int = Field(
        20, ge=1, description=N_("links probed at most per outside host, per site")
    )


@dataclass(frozen=True, slots=True)
class Part:
    """The home page's links, or the sampled pages' links, judged."""

    judged: tuple[Judged, ...]
    pages: int = 1

    def count(self, state: State) -> int:
        return sum(j.state is state for j in self.judged)

    @property
    def total(self) -> int:
        return len(self.judged)

    def rate(self) -> float | None:
        decided = self.total - self.count(State.UNDECIDED)
        return self.count(State.BROKEN) / decided if decided else None

    def least_rate(self) -> float:
        """The rate if every undecided link opened."""
        return self.count(State.BROKEN) / self.total if self.total else 0.0

    def most_rate(self) -> float:
        """The rate if every undecided link were broken."""
        broken = self.count(State.BROKEN) + self.count(State.UNDECIDED)
        return broken / self.total if self.total else 0.0


@check("links_broken", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    home = await site.home()
    if not loads(home):
        return home_verdict(home, _("its links"))
    doc = site.document(home)
    skip = {canonical(u) for u in (site.site.url, home.url, home.final_url, *home.redirects)}
    on_home = {url: text for url, text in links_of(doc).items() if url not in skip}
    cap = HostCap(site, params.max_per_host)
    home_targets = cap.take(
        Target(u, on_home[u], home.final_url) for u in sample(on_home, len(on_home))
    )
    to_open = pages_to_sample(site, doc, skip, params.sample_pages)

    home_judged, pages = await asyncio.gather(
        _judge_all(site, home_targets[: params.max_home_links]),
        asyncio.gather(*(site.page(url) for url in to_open)),
    )
    read = [(url, p) for url, p in zip(to_open, pages, strict=True) if loads(p)]
    found: dict[str, Target] = {}
    for url, page in read:
        for link, text in links_of(site.document(page)).items():
            if link not in on_home and link not in skip:
                found.setdefault(link, Target(link, text, url))
    sample_targets = cap.take(found[u] for u in sample(found, len(found)))
    sample_judged = await _judge_all(site, sample_targets[: params.max_sample_links])

    homes = Part(tuple(home_judged))
    sampled = Part(tuple(sample_judged), pages=len(read))
    evidence = _evidence((homes, sampled))
    unread = [(url, p) for url, p in zip(to_open, pages, strict=True) if not loads(p)]
    if unread:
        evidence.append(
            NoteEvidence(
                text=_(
                    "{count} of {total} second-level pages sampled could not be read: {why}"
                ).format(count=len(unread), total=len(to_open), why=describe(unread[0][1]))
            )
        )
    if cap.left_out:
        evidence.append(
            NoteEvidence(
                text=_("{count} links not probed: more than {limit} on one outside host").format(
                    count=cap.left_out, limit=params.max_per_host
                )
            )
        )
    return _verdict(homes, sampled, params, evidence, _metrics(homes, sampled, cap))


async def _judge_all(site: SiteContext, targets: Sequence[Target]) -> list[Judged]:
    return list(await asyncio.gather(*(judge(site, t.url, t.text, t.page) for t in targets)))


def _verdict(
    homes: Part, sampled: Part, params: Params, evidence: list[Evidence], metrics: dict[str, Metric]
) -> Verdict:
    limit = params.max_rate
    parts = {"home": _home_words(homes), "sample": _sample_words(sampled)}
    shown_limit = f"{limit:.2%}"
    if homes.count(State.BROKEN):
        message = _("the home page has broken links: {home}; {sample}").format(**parts)
        return Verdict.failed(message, evidence, **metrics)
    if sampled.total and sampled.least_rate() >= limit - EPSILON:
        message = _("the sampled broken-link rate is at least {limit}: {home}; {sample}")
        return Verdict.failed(message.format(limit=shown_limit, **parts), evidence, **metrics)
    undecided = homes.count(State.UNDECIDED) + sampled.count(State.UNDECIDED)
    could_fail = homes.count(State.UNDECIDED) or (
        sampled.total and sampled.most_rate() >= limit - EPSILON
    )
    could_warn = sampled.count(State.UNDECIDED) and not sampled.count(State.BROKEN)
    if could_fail or could_warn:
        every = (*homes.judged, *sampled.judged)
        causes = sorted({j.cause for j in every if j.state is State.UNDECIDED})
        message = _("undecided: {count} links could not be probed ({causes}); {home}; {sample}")
        return Verdict.inconclusive(
            message.format(count=undecided, causes=_("; ").join(causes[:2]), **parts),
            evidence,
            **metrics,
        )
    if sampled.count(State.BROKEN):
        message = _("a few broken links, below {limit}: {home}; {sample}")
        return Verdict.warned(message.format(limit=shown_limit, **parts), evidence, **metrics)
    return Verdict.passed(
        _("no broken link: {home}; {sample}").format(**parts), evidence, **metrics
    )


def _home_words(part: Part) -> str:
    words = _("home page: {broken} of {links} links broken").format(
        broken=part.count(State.BROKEN), links=part.total
    )
    return words + _undecided_words(part)


def _sample_words(part: Part) -> str:
    if not part.pages:
        return _("no second-level page sampled")
    rate = part.rate()
    words = _("{pages} sampled second-level pages: {broken} of {links} links broken ({rate})")
    shown = _("n/a") if rate is None else f"{rate:.2%}"
    return words.format(
        pages=part.pages, broken=part.count(State.BROKEN), links=part.total, rate=shown
    ) + _undecided_words(part)


def _undecided_words(part: Part) -> str:
    count = part.count(State.UNDECIDED)
    return _(", {count} undecided").format(count=count) if count else ""


def _metrics(homes: Part, sampled: Part, cap: HostCap) -> dict[str, Metric]:
    rate = sampled.rate()
    return {
        "home_links": homes.total,
        "home_broken": homes.count(State.BROKEN),
        "home_undecided": homes.count(State.UNDECIDED),
        "sample_pages": sampled.pages,
        "sample_links": sampled.total,
        "sample_broken": sampled.count(State.BROKEN),
        "sample_undecided": sampled.count(State.UNDECIDED),
        "sample_rate": None if rate is None else round(rate, 4),
        "left_out": cap.left_out,
    }


def _evidence(parts: Sequence[Part]) -> list[Evidence]:
    """The broken links by page (the home page first), then the undecided ones by cause."""
    evidence: list[Evidence] = []
    by_page: dict[str, list[Judged]] = defaultdict(list)
    undecided: dict[str, list[Judged]] = defaultdict(list)
    for part in parts:
        for judged in part.judged:
            if judged.state is State.BROKEN:
                by_page[judged.page].append(judged)
            elif judged.state is State.UNDECIDED:
                undecided[judged.cause].append(judged)
    for page, broken in by_page.items():
        evidence.append(
            NoteEvidence(
                text=_("{page}: {count} broken links").format(page=page, count=len(broken))
            )
        )
        evidence.extend(
            HtmlEvidence(
                url=page,
                text=_("“{text}”: {cause}").format(text=judged.text, cause=judged.cause),
                href=judged.url,
            )
            for judged in broken[:SHOWN_PER_PAGE]
        )
        if len(broken) > SHOWN_PER_PAGE:
            evidence.append(
                NoteEvidence(
                    text=_("and {count} more on {page}").format(
                        count=len(broken) - SHOWN_PER_PAGE, page=page
                    )
                )
            )
    ranked = sorted(undecided.items(), key=lambda item: (-len(item[1]), item[0]))
    for cause, members in ranked[:SHOWN_CAUSES]:
        evidence.append(
            NoteEvidence(
                text=_("{count} links undecided: {cause} (e.g. {url})").format(
                    count=len(members), cause=cause, url=members[0].url
                )
            )
        )
        if members[0].evidence is not None:
            evidence.append(members[0].evidence)
    return evidence
