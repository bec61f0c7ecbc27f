"""Internal links at the second and third level open over IPv6.

Why: Plan clause (十九): portals must support IPv6. Besides the home page, the national monitors
(the 中央网信办 routine IPv6 monitoring) measure 网站二级内链IPv6支持率 and 网站三级内链IPv6支持率:
the share of a portal's own links that an IPv6-only visitor can open. A dual-stack home page whose
columns and services live on IPv4-only sub-domains leaves such a visitor with "天窗" (links that
lead nowhere).

What it checks: the links of two levels.
- level 2: the distinct internal links on the home page (as reached over IPv4);
- level 3: the distinct internal links on the level-2 pages (opened over IPv4) that are not
  already counted at level 2.

Internal means the host lies within the portal's registered domain, per the Public Suffix List
(`www.dl.gov.cn` and `kjj.dl.gov.cn` share `dl.gov.cn`; `dljp.gov.cn` is another portal).
Other links are counted, in the metric `external_links`, and never probed. Links back to the
home page are the business of `ipv6_reachable` and are not counted. URLs are compared with the
scheme and host in lower case and the default port dropped.

When a level has more links than its cap, a deterministic sample is probed: the links sorted by
the SHA-256 of their host, path and query, first ones kept, so the same page gives the same
sample on every run, on every machine, and on HTTP or HTTPS and any port. The level-2 pages
opened for level 3 are chosen the same way, leaving out links to documents and images (`.pdf`,
`.doc`, `.jpg`...: `gkaudit.html.is_file_url`).

A link supports IPv6 when its host has an AAAA record (CNAME chains followed: a CDN name with
AAAA counts) and a request over IPv6 (HEAD, then GET where HEAD is refused; every redirect hop
over IPv6) ends with a status below 400. Each host is decided once: its AAAA record is looked up
once, and the first link probed on it tells whether it takes IPv6 connections at all; if not
(no AAAA, refused, reset, timeout, TLS), every link to that host fails for that reason without
being probed again (no route from this scanner: every link to it is undecided). A link answering
400 or more over IPv6 is probed over IPv4 too, so the report can tell a broken link from an IPv6
problem (both count as failing), except HTTP 401, 403 and 429: the portal refused gkaudit
itself (a firewall, or a rate limit after a few hundred probes), and the link is undecided.

Params:
- `level2_min` (0.95), `level3_min` (0.90): the required support rate of each level;
- `max_level2` (200), `max_level3` (300): at most this many links are probed per level;
- `max_level2_pages` (30): at most this many level-2 pages are opened to find level-3 links.

Passes when each level's rate reaches its minimum. A level without internal links counts as met
(the message says so).

Fails when a level's rate is below its minimum even if every undecided link supported IPv6.

Inconclusive (`error`) when the home page does not load over IPv4 (no links to take), or when a
level's verdict depends on undecided links, whose probe failed in a way that may be ours
(`gkaudit.net.http.inconclusive`): no IPv6 route from this scanner, the DNS did not answer
(timeout, SERVFAIL), or the portal refused gkaudit (HTTP 401, 403, 429). If every undecided
link is so because the scanner has no IPv6 route, the message says so.

Evidence: the offenders grouped by host and cause, worst first ("12 links to zwfw.dl.gov.cn: DNS:
no AAAA record for zwfw.dl.gov.cn", the DNS answer's own words), each with one DNS answer or
fetch that shows it, and how many level-2 pages gave
the level-3 links (and why the others did not: not 2xx HTML over IPv4, or not loaded for a
cause that may be ours: robots.txt, the page budget, the portal refusing gkaudit). The
message gives each level's rate and, when a cap applied, the size of the sample. Metrics:
`level2_rate`, `level3_rate` (0..1 over the links decided; none without links),
`level2_links`, `level2_ok`, `level3_links`, `level3_ok` (probed links and those that support
IPv6), `level2_found`, `level3_found` (before sampling), `level2_undecided`,
`level3_undecided`, `level2_pages` (level-2 pages opened), `external_links`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from pydantic import Field

from gkaudit.checks.ipv6_links.probe import NO_ROUTE_CAUSE, Probe, Prober, briefly
from gkaudit.declaration import CheckParams, check
from gkaudit.html import is_file_url
from gkaudit.i18n import N_, _, ngettext
from gkaudit.model import Evidence, Family, Metric, NoteEvidence, Verdict
from gkaudit.net.http import FetchFailure, Page, inconclusive
from gkaudit.site.context import SiteContext
from gkaudit.site.urls import canonical, is_web, sample


class Params(CheckParams):
    """The support rate each level needs, and how many links and pages are probed."""

    level2_min: float = Field(
        0.95, ge=0.0, le=1.0, description=N_("required IPv6 support rate of level-2 links")
    )
    level3_min: float = Field(
        0.90, ge=0.0, le=1.0, description=N_("required IPv6 support rate of level-3 links")
    )
    max_level2: int = Field(200, ge=1, description=N_("level-2 links probed at most (a sample)"))
    max_level3: int = Field(300, ge=1, description=N_("level-3 links probed at most (a sample)"))
    max_level2_pages: int = Field(
        30, ge=1, description=N_("level-2 pages opened at most to find level-3 links")
    )


#: Offender groups shown as evidence; the rest are summed up in one note.
MAX_GROUPS = 10
#: The levels by their names in a report.
LEVEL_NAMES = {2: N_("level 2"), 3: N_("level 3")}


@dataclass(frozen=True, slots=True)
class Level:
    """The links of one level, probed."""

    number: int
    minimum: float
    found: int
    probes: tuple[Probe, ...]

    @property
    def ok(self) -> int:
        return sum(p.supported is True for p in self.probes)

    @property
    def undecided(self) -> int:
        return sum(p.supported is None for p in self.probes)

    @property
    def rate(self) -> float | None:
        decided = len(self.probes) - self.undecided
        return self.ok / decided if decided else None

    def met(self) -> bool | None:
        """True or False once decided whatever the undecided links do, else None."""
        total = len(self.probes)
        if not total:
            return True
        # a hair of tolerance, so 19 of 20 meets 0.95 despite binary floating point
        if self.ok / total >= self.minimum - 1e-9:
            return True
        if (self.ok + self.undecided) / total < self.minimum - 1e-9:
            return False
        return None

    def describe(self) -> str:
        name = _(LEVEL_NAMES[self.number])
        if not self.probes:
            return _("{level}: no internal links (met)").format(level=name)
        sample = (
            _(", a sample of {n} of {found}").format(n=len(self.probes), found=self.found)
            if self.sampled
            else ""
        )
        counts = _("{ok}/{n} links{sample}").format(ok=self.ok, n=len(self.probes), sample=sample)
        rate = self.rate
        shown = _("n/a") if rate is None else f"{rate:.1%}"
        undecided = _(", {n} undecided").format(n=self.undecided) if self.undecided else ""
        met = self.met()
        values = {
            "level": name,
            "rate": shown,
            "counts": counts,
            "undecided": undecided,
            "minimum": f"{self.minimum:.0%}",
        }
        if met is None:
            return _("{level}: {rate} ({counts}{undecided}), undecided against {minimum}").format(
                **values
            )
        if met:
            return _("{level}: {rate} ({counts}{undecided}) >= {minimum}").format(**values)
        return _("{level}: {rate} ({counts}{undecided}) < {minimum}").format(**values)

    @property
    def sampled(self) -> bool:
        return self.found > len(self.probes)

    def metrics(self) -> dict[str, Metric]:
        rate = self.rate
        prefix = f"level{self.number}"
        return {
            f"{prefix}_rate": None if rate is None else round(rate, 4),
            f"{prefix}_links": len(self.probes),
            f"{prefix}_ok": self.ok,
            f"{prefix}_found": self.found,
            f"{prefix}_undecided": self.undecided,
        }


@check("ipv6_links", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    home = await site.home(Family.IPV4)
    if isinstance(home, FetchFailure):
        return Verdict.inconclusive(
            _("no links to measure: the home page fails over IPv4 ({why})").format(
                why=home.message
            ),
            [home.evidence()],
        )
    if not home.loads:
        what = (
            home.obstacle.describe()
            if home.obstacle is not None
            else f"HTTP {home.status}"
            if not home.ok
            else _("not HTML ({content_type})").format(content_type=home.content_type)
        )
        return Verdict.inconclusive(
            _("no links to measure: the home page is {what}").format(what=what),
            [home.evidence()],
        )

    counted = {canonical(u) for u in (site.site.url, home.final_url, *home.redirects)}
    place = _placer(site)
    level2_urls, external = _split(place, (link.url for link in site.document(home).links), counted)
    counted |= level2_urls
    ordered2 = sample(level2_urls, len(level2_urls))
    to_open = [u for u in ordered2 if not is_file_url(u)][: params.max_level2_pages]

    prober = Prober(site)
    try:
        probes2, pages = await asyncio.gather(
            prober.probe_all(ordered2[: params.max_level2]),
            asyncio.gather(*(site.page(url) for url in to_open)),
        )
        opened = [p for p in pages if isinstance(p, Page) and p.loads]
        # not loaded for a cause that may be ours (robots.txt, budget, refused us): told apart
        skipped = [p for p in pages if inconclusive(p)]
        level3_urls: set[str] = set()
        for page in opened:
            internal, outside = _split(
                place, (link.url for link in site.document(page).links), counted
            )
            level3_urls |= internal
            external |= outside
        probes3 = await prober.probe_all(sample(level3_urls, params.max_level3))
    finally:
        prober.close()

    levels = (
        Level(2, params.level2_min, len(level2_urls), tuple(probes2)),
        Level(3, params.level3_min, len(level3_urls), tuple(probes3)),
    )
    metrics: dict[str, Metric] = {}
    for level in levels:
        metrics |= level.metrics()
    metrics["level2_pages"] = len(opened)
    metrics["external_links"] = len(external)

    evidence = _offenders(levels)
    if to_open:
        failed = len(to_open) - len(opened) - len(skipped)
        why = (_(", {n} not 2xx HTML over IPv4").format(n=failed) if failed else "") + (
            _(", {n} not loaded from here: {why}").format(n=len(skipped), why=briefly(skipped[0]))
            if skipped
            else ""
        )
        evidence.append(
            NoteEvidence(
                text=_(
                    "level-3 links taken from {pages} level-2 pages ({opened} of {links} "
                    "level-2 links opened{why})"
                ).format(pages=len(opened), opened=len(to_open), links=len(level2_urls), why=why)
            )
        )
    message = _("; ").join(level.describe() for level in levels)
    outcomes = [level.met() for level in levels]
    if False in outcomes:
        advice = _("{levels}; ask the portal's operator to open IPv6 access to the failing links")
        return Verdict.failed(advice.format(levels=message), evidence, **metrics)
    if None in outcomes:
        undecided = [p for level in levels for p in level.probes if p.supported is None]
        if undecided and all(p.cause == _(NO_ROUTE_CAUSE) for p in undecided):
            why = _("this scanner has no IPv6 route, no link could be probed ({message})")
            message = why.format(message=message)
        return Verdict.inconclusive(message, evidence, **metrics)
    return Verdict.passed(message, evidence, **metrics)


def _placer(site: SiteContext) -> Callable[[str], tuple[str, bool] | None]:
    """A link's canonical form and whether it is internal (None: not a web link), worked out
    once per URL: the site's chrome repeats on every page opened (three URL parses a link)."""

    @cache
    def place(url: str) -> tuple[str, bool] | None:
        if not is_web(url):
            return None
        key = canonical(url)
        return key, site.is_internal(key)

    return place


def _split(
    place: Callable[[str], tuple[str, bool] | None], urls: Iterable[str], counted: set[str]
) -> tuple[set[str], set[str]]:
    """Internal links not yet counted, and external links."""
    internal: set[str] = set()
    external: set[str] = set()
    for url in urls:
        placed = place(url)
        if placed is None:
            continue
        key, is_internal = placed
        if not is_internal:
            external.add(key)
        elif key not in counted:
            internal.add(key)
    return internal, external


def _offenders(levels: Sequence[Level]) -> list[Evidence]:
    """Links that fail or went undecided, grouped by host and cause, most links first."""
    groups: dict[tuple[str, str], list[tuple[int, Probe]]] = defaultdict(list)
    for level in levels:
        for probe in level.probes:
            if probe.supported is not True:
                groups[(probe.host, probe.cause)].append((level.number, probe))
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    evidence: list[Evidence] = []
    for (host, cause), members in ranked[:MAX_GROUPS]:
        per_level = _(", ").join(
            _("{count} at {level}").format(count=count, level=_(LEVEL_NAMES[n]))
            for n in (2, 3)
            if (count := sum(number == n for number, _probe in members))
        )
        text = ngettext(
            "{n} link to {host}: {cause} ({levels})",
            "{n} links to {host}: {cause} ({levels})",
            len(members),
        ).format(n=len(members), host=host, cause=cause, levels=per_level)
        evidence.append(NoteEvidence(text=text))
        shown = members[0][1].evidence
        if shown is not None:
            evidence.append(shown)
    rest = ranked[MAX_GROUPS:]
    if rest:
        links = sum(len(members) for _key, members in rest)
        evidence.append(
            NoteEvidence(
                text=_("and {links} more failing links in {groups} other groups").format(
                    links=links, groups=len(rest)
                )
            )
        )
    return evidence
