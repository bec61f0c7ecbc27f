"""The engine: every applicable rule on every site, concurrently, and always a complete report.

Sites run concurrently; the fetcher's global and per-host limits decide how many requests are in
flight. Each site has a time budget. An exception inside a check becomes an `error` result naming
it, so every (site, rule) pair gets exactly one result whatever happens, and an interrupted scan
still reports every site it finished.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace

from gkaudit import __version__, falsealarms
from gkaudit.declaration import Check, CheckParams
from gkaudit.domains import registered_domain
from gkaudit.falsealarms import FalseAlarm
from gkaudit.i18n import _
from gkaudit.model import (
    Plan,
    PlanInfo,
    PlanSet,
    Report,
    Result,
    Rule,
    Severity,
    Site,
    SiteKind,
    SiteReport,
    Status,
    ToolInfo,
    Verdict,
)
from gkaudit.net.browser import Browser, BrowserMode, why_not
from gkaudit.net.dns import Resolver
from gkaudit.net.http import AUTO_CONCURRENCY, Fetcher, FetchSettings
from gkaudit.net.robots import Robots
from gkaudit.plugins import Registry
from gkaudit.scoring import rollups
from gkaudit.shelf import Shelf
from gkaudit.site.context import MAX_PAGES, SiteContext
from gkaudit.site.memo import PageMemos
from gkaudit.site.probes import Delegate, Probes, Serve


@dataclass(frozen=True)
class ScanSettings:
    as_of: dt.date
    fetch: FetchSettings = field(default_factory=FetchSettings)
    nameservers: tuple[str, ...] = ()
    dns_timeout: float = 2.0
    #: Where the portals' authoritative name servers listen (53, but for the demo fleet).
    authoritative_port: int = 53
    #: Wall-clock seconds one site may take for all its rules; what is unfinished then is `error`.
    site_budget: float = 600.0
    #: Pages one site may cost; further pages are not fetched (the rules needing them: `error`).
    max_pages: int = MAX_PAGES
    respect_robots: bool = True
    #: Sites scanned at once; 0: at most `SITES_IN_FLIGHT` (with the automatic global limit;
    #: a fleet of up to a fifth more goes in one wave) or twice what a set global limit keeps
    #: busy (concurrency / per_host), the fleet split in equal waves of that size.
    sites_in_flight: int = 0
    #: The headless browser for challenge-gated and script-built pages (started on first use).
    browser: BrowserMode = BrowserMode.AUTO
    #: Rule id -> why it is not run here (a worker without an IPv6 route): `error`, never tried.
    withheld: Mapping[str, str] = field(default_factory=dict)
    #: The findings an inspector struck (核减, from the waivers file): in the settings, so that
    #: every engine of the run applies them, a Dask worker's too.
    false_alarms: tuple[FalseAlarm, ...] = ()


#: The sites in flight at most by default: a site in progress holds its pages (about 6 MB for a
#: portal's 48 list pages), so this bounds the run's memory (bench/README.md, scale); a fleet
#: of up to a fifth more goes in one wave (`Engine._sites_in_flight`).
SITES_IN_FLIGHT = 50


@dataclass(frozen=True)
class _Bound:
    """A rule with its check and validated params, ready to run."""

    rule: Rule
    check: Check
    params: CheckParams


class Engine:
    """Runs the rules of one or more plans over many sites and builds the report: a rule in two
    plans runs once, and every page is fetched once for all rules (the site's `SiteContext`)."""

    def __init__(
        self,
        plan: Plan | PlanSet,
        registry: Registry,
        settings: ScanSettings,
        *,
        delegate: Delegate | None = None,
        serve: Serve | None = None,
    ) -> None:
        self.plan = PlanSet.of(plan)
        self.settings = settings
        self._delegate = delegate  # link probes done elsewhere (site/probes.py)
        self._serve = serve  # and this run's probes lent to askers elsewhere
        self._rules = [_bind(rule, registry) for rule in self.plan.rules]
        self._plans = plan_infos(self.plan)
        # packed: a finished site's report as objects weighs 15 times its packed form
        self._finished = Shelf()
        self._started_at = dt.datetime.now(dt.UTC)
        self._sites: Sequence[Site] = ()
        self._browser: Browser | None = None
        self._unrendered: str | None = None

    async def run(
        self,
        sites: Sequence[Site],
        on_site: Callable[[SiteReport], None] | None = None,
        on_start: Callable[[Site], None] | None = None,
    ) -> Report:
        """Scan `sites`; `on_start` is called as each site starts (it has its place among the
        sites in flight) and `on_site` as it finishes (progress, streaming)."""
        self._sites = sites
        self._started_at = dt.datetime.now(dt.UTC)
        # in this run's own context: the marks end with it (the checks' tasks inherit them)
        falsealarms.active.set(self.settings.false_alarms)
        fetcher = make_fetcher(self.settings, self._fetch_settings())
        robots = Robots(fetcher, self.settings.fetch.user_agent)
        probes = Probes(fetcher, delegate=self._delegate)
        memos = PageMemos(sites)
        self._unrendered = why_not(self.settings.browser)
        self._browser = Browser(fetcher) if self._unrendered is None else None
        with _quiet_collector():
            try:
                # A site holds its pages until its last rule is done, so memory grows with the
                # sites in flight, not with the fleet; more than the request limits can keep busy
                # gains nothing.
                in_flight = asyncio.Semaphore(self._sites_in_flight())
                lent: AbstractAsyncContextManager[None] = (
                    nullcontext() if self._serve is None else self._serve(probes)
                )

                async def scan(index: int, site: Site) -> None:
                    async with in_flight:
                        if on_start is not None:
                            on_start(site)
                        report = await self._scan_site(site, fetcher, robots, probes, memos)
                    self._finished.put(index, report)
                    if on_site is not None:
                        on_site(report)

                async with lent:
                    await asyncio.gather(*(scan(i, s) for i, s in enumerate(sites)))
            finally:
                probes.close()
                if self._browser is not None:
                    await self._browser.aclose()
                await fetcher.aclose()
        return self.report()

    def _sites_in_flight(self) -> int:
        if self.settings.sites_in_flight:
            return self.settings.sites_in_flight
        fetch = self.settings.fetch
        if not fetch.concurrency and len(self._sites) <= SITES_IN_FLIGHT * 6 // 5:
            # Each site takes about its per-host time (politeness binds, not the global limit,
            # which follows the sites in flight), so one wave takes half the time of two, for
            # at most a fifth more sites held than the bound (60 portals: 19.2 s against 30.0 s
            # in two waves of 30, 283 MB at the peak against 180; bench/README.md).
            return len(self._sites) or SITES_IN_FLIGHT
        bound = (
            max(4, 2 * fetch.concurrency // fetch.per_host)
            if fetch.concurrency
            else SITES_IN_FLIGHT
        )
        # Sites in flight share the global limit evenly and so finish together; the sites past
        # the bound would then run as a late tail with the global limit idle (60 portals under
        # a bound of 50: bench/README.md, polite audit). Waves of equal size (60: two of 30)
        # keep it busy to the end: a wave over half the bound still fills the global limit.
        waves = max(1, -(-len(self._sites) // bound))
        return -(-len(self._sites) // waves) if self._sites else bound

    def _fetch_settings(self) -> FetchSettings:
        """The fetch settings, an automatic global limit made concrete: every site in flight at
        its per-host limit, so that politeness, not the global limit, paces the run (a fixed 50
        held a 60-portal polite audit at 1.8x its ideal); never under `AUTO_CONCURRENCY`, as
        one portal's link probes reach many hosts at once."""
        fetch = self.settings.fetch
        if fetch.concurrency:
            return fetch
        wanted = self._sites_in_flight() * fetch.per_host
        return replace(fetch, concurrency=max(AUTO_CONCURRENCY, wanted))

    def report(self, *, incomplete: bool = False) -> Report:
        """The report of every finished site, in `sites.yaml` order."""
        return build_report(
            self._plans,
            self.settings.as_of,
            self._finished,
            started_at=self._started_at,
            incomplete=incomplete or len(self._finished) < len(self._sites),
        )

    async def _scan_site(
        self, site: Site, fetcher: Fetcher, robots: Robots, probes: Probes, memos: PageMemos
    ) -> SiteReport:
        deadline = asyncio.get_running_loop().time() + self.settings.site_budget
        memo = memos.open(site)
        context = SiteContext(
            site,
            fetcher,
            self.settings.as_of,
            robots=robots if self.settings.respect_robots else None,
            max_pages=self.settings.max_pages,
            browser=self._browser,
            unrendered=self._unrendered,
            probes=probes,
            deadline=deadline,
            render_all=self.settings.browser is BrowserMode.ALWAYS,
            memo=memo,
        )
        try:
            results = await asyncio.gather(
                *(self._run_rule(bound, context, deadline) for bound in self._rules)
            )
        finally:
            context.close()
            # The probes of a domain's links and its pages are kept until its last site is
            # done, then forgotten, so that a finished site leaves its results behind and
            # nothing else (the probes were 300 KB a portal).
            if memos.close(site, memo):
                probes.forget(registered_domain(site.host))
        return site_report(self._plans, site, tuple(results))

    async def _run_rule(self, bound: _Bound, context: SiteContext, deadline: float) -> Result:
        rule = bound.rule
        withheld = self.settings.withheld.get(rule.id)
        struck: list[FalseAlarm] = []
        if not context.site.is_in(rule.applies_to):
            verdict = _not_applicable(rule, context.site)
        elif withheld is not None:
            verdict = Verdict.inconclusive(withheld)
        else:
            budget = asyncio.timeout_at(deadline)
            try:
                with falsealarms.recording() as struck:
                    async with budget:
                        verdict = await bound.check.run(context, bound.params)
            except TimeoutError as exc:
                if not budget.expired():  # the check's own timeout escaped: a bug in the check
                    verdict = _internal_error(bound, exc)
                else:
                    verdict = Verdict.inconclusive(
                        _("the site's time budget of {seconds:g} s ran out").format(
                            seconds=self.settings.site_budget
                        )
                    )
            except Exception as exc:
                verdict = _internal_error(bound, exc)
        result = stamp(rule, verdict)
        if struck:
            return result.model_copy(update={"marks": tuple(m.mark() for m in struck)})
        return result


def make_fetcher(settings: ScanSettings, fetch: FetchSettings) -> Fetcher:
    """A fetcher with `fetch`'s limits, its resolver asking the name servers of `settings`."""
    resolver = Resolver(
        settings.nameservers,
        timeout=settings.dns_timeout,
        lifetime=settings.dns_timeout * 2.5,
        authoritative_port=settings.authoritative_port,
    )
    return Fetcher(resolver, fetch)


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """A scan makes millions of short-lived objects; the collector's default gen-0 threshold
    (700) had it walk them constantly. Freezing what exists at start (modules, plan, sites) and
    collecting less often cut the polite-audit benchmark's CPU by 13% (bench/README.md)."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: The metric that marks a result as a check's crash, so that the exit code (3) follows from
#: the report alone, wherever it was scanned.
INTERNAL_ERROR = "internal_error"


def plan_infos(plan: Plan | PlanSet) -> tuple[PlanInfo, ...]:
    """The plans as a report lists them."""
    return tuple(PlanInfo.of(member) for member in PlanSet.of(plan).plans)


def site_report(plans: Sequence[PlanInfo], site: Site, results: tuple[Result, ...]) -> SiteReport:
    """The finished site, scored when it ends: the report only gathers the sites (scoring a
    thousand of them at the end made a second copy of every site at once: bench/README.md)."""
    return SiteReport(
        id=site.id,
        name=site.name,
        url=site.url,
        kind=site.kind,
        results=results,
        rollup=rollups(plans, results),
    )


def build_report(
    plans: tuple[PlanInfo, ...],
    as_of: dt.date,
    finished: Shelf,
    *,
    started_at: dt.datetime,
    incomplete: bool = False,
) -> Report:
    """The report of the shelved sites (in their order), finished now. Its sites stay on the
    shelf, each read as it is reached (`StoredSites`): a thousand portals' sites were 65 MB as
    objects, 4 MB packed (bench/README.md, memory)."""
    return Report(
        tool=ToolInfo(version=__version__),
        plans=plans,
        as_of=as_of,
        started_at=started_at,
        finished_at=dt.datetime.now(dt.UTC),
        sites=finished.sites(),
        summary=finished.summary(),
        incomplete=incomplete,
    )


def inconclusive_site(plan: Plan | PlanSet, site: Site, message: str) -> SiteReport:
    """The site with every applicable rule `error` for one reason (its audit could not run)."""
    results = tuple(
        stamp(
            rule,
            Verdict.inconclusive(message)
            if site.is_in(rule.applies_to)
            else _not_applicable(rule, site),
        )
        for rule in PlanSet.of(plan).rules
    )
    return site_report(plan_infos(plan), site, results)


def _not_applicable(rule: Rule, site: Site) -> Verdict:
    tags = [str(entry) for entry in rule.applies_to if not isinstance(entry, SiteKind)]
    if tags:
        message = _("does not apply to {kind} portals not tagged {tags}").format(
            kind=site.kind.label, tags=_(" or ").join(tags)
        )
    else:
        message = _("does not apply to {kind} portals").format(kind=site.kind.label)
    return Verdict(status=Status.SKIP, message=message)


def _internal_error(bound: _Bound, exc: Exception) -> Verdict:
    return Verdict.inconclusive(
        _("internal error in check {name!r}: {error}: {detail}").format(
            name=bound.check.name, error=type(exc).__name__, detail=exc
        ),
        internal_error=True,  # INTERNAL_ERROR
    )


def stamp(rule: Rule, verdict: Verdict) -> Result:
    """The result as the report shows it: a failed `warning` rule warns."""
    status = verdict.status
    if status is Status.FAIL and rule.severity is Severity.WARNING:
        status = Status.WARN
    return Result(
        rule=rule.id,
        title=rule.title,
        clause=rule.clause,
        severity=rule.severity,
        status=status,
        message=verdict.message,
        evidence=verdict.evidence,
        metrics=verdict.metrics,
    )


def _bind(rule: Rule, registry: Registry) -> _Bound:
    check = registry.get(rule.check)
    if check is None:  # config.load_plan has already refused this; kept for library callers
        raise ValueError(f"rule {rule.id}: unknown check {rule.check!r}")
    return _Bound(rule, check, check.params.model_validate(rule.params))
