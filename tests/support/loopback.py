"""What every loopback fleet of the tests shares: the demo's real DNS server answering for its
hosts, and the URLs, `Site`s, fetchers and `SiteContext`s a test asks of it.

The fleets differ in their HTTP servers (`Fleet` serves virtual hosts built in code through the
demo's server, with faults per address family; tests/checks/content_fleet.py serves the fixture
portals that way; tests/support/realweb.py answers as firewalls and CMSs do); they give tests the
same door to them by deriving from `LoopbackSites`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, ClassVar

from gkaudit.demo.dns import DnsFault, DnsServer, FaultKey
from gkaudit.demo.http import HttpServer, VirtualHost
from gkaudit.domains import registered_domain
from gkaudit.model import Hints, Site, SiteKind
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings
from gkaudit.site.context import MAX_PAGES, SiteContext
from gkaudit.site.probes import Probes
from tests.support.fetching import NO_BACK_OFF

V4, V6 = "127.0.0.1", "::1"
#: A name's records in `zone()`: both families, or IPv4 only.
DUAL = {"A": [V4], "AAAA": [V6]}
IPV4_ONLY = {"A": [V4]}

Records = dict[str, dict[str, list[str]]]


def zone_records(
    hosts: Iterable[str], extra: Mapping[str, Mapping[str, list[str]]] | None = None
) -> dict[str, dict[str, list[str]]]:
    """Every host with A 127.0.0.1 and AAAA ::1; every registered domain a zone whose name
    server `ns1.<zone>` has both too; then `extra` (name -> type -> answers), replacing."""
    names = list(hosts)
    records: dict[str, dict[str, list[str]]] = {}
    for zone in sorted({registered_domain(host) or host for host in names}):
        records[zone] = {"NS": [f"ns1.{zone}"]}
        records[f"ns1.{zone}"] = {"A": [V4], "AAAA": [V6]}
    for host in names:
        records.setdefault(host, {}).update({"A": [V4], "AAAA": [V6]})
    records.update({name: dict(types) for name, types in (extra or {}).items()})
    return records


def zone(domain: str, **names: Mapping[str, list[str]]) -> Records:
    """A zone spelt out, where the records are what a test is about: two dual-stack name
    servers, plus `names` (keys relative to the domain, `_` for the apex, `www` for
    www.<domain>, `_` inside a label for `-`)."""
    records: Records = {
        domain: {"NS": [f"ns1.{domain}", f"ns2.{domain}"]},
        f"ns1.{domain}": dict(DUAL),
        f"ns2.{domain}": dict(DUAL),
    }
    for label, types in names.items():
        owner = domain if label == "_" else f"{label.replace('_', '-')}.{domain}"
        records.setdefault(owner, {}).update({k: list(v) for k, v in types.items()})
    return records


def merge(*parts: Records) -> Records:
    merged: Records = {}
    for part in parts:
        for owner, types in part.items():
            merged.setdefault(owner, {}).update(types)
    return merged


class LoopbackSites:
    """DNS for a fleet's hosts, and its sites as URLs, `Site`s and `SiteContext`s."""

    #: The fetch settings of `fetcher()` and `scan()`, before a test's own.
    FETCH: ClassVar[Mapping[str, Any]] = {"timeout": 2, "retries": 0, "interval": 0}
    dns: DnsServer | None = None

    @property
    def port(self) -> int:
        raise NotImplementedError

    def start_dns(
        self,
        hosts: Iterable[str],
        extra: Mapping[str, Mapping[str, list[str]]] | None = None,
        faults: Mapping[FaultKey, DnsFault] | None = None,
    ) -> None:
        self.dns = DnsServer(zone_records(hosts, extra), faults=faults).start()

    def stop_dns(self) -> None:
        if self.dns is not None:
            self.dns.stop()

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def site(
        self, host: str, kind: SiteKind = SiteKind.DISTRICT, path: str = "/", **hints: str
    ) -> Site:
        """A site on `host`; hint values are paths on that host (or absolute URLs)."""
        urls = {k: v if v.startswith("http") else self.url(host, v) for k, v in hints.items()}
        return Site(
            id=host.split(".")[0],
            name=host,
            url=self.url(host, path),
            kind=kind,
            hints=Hints(**urls),
        )

    def fetcher(self, *, dns_timeout: float = 1.0, **settings: Any) -> Fetcher:
        """A fetcher whose resolver asks the fleet's DNS server, and every zone's name servers
        on its port."""
        assert self.dns is not None, "use the fleet in a with block"
        return Fetcher(
            Resolver(
                [self.dns.address],
                timeout=dns_timeout,
                lifetime=dns_timeout * 2,
                authoritative_port=self.dns.port,
            ),
            FetchSettings(**{**self.FETCH, **settings}),
        )

    @asynccontextmanager
    async def contexts(
        self,
        sites: Sequence[Site],
        *,
        as_of: dt.date,
        max_pages: int = MAX_PAGES,
        dns_timeout: float = 1.0,
        **settings: Any,
    ) -> AsyncIterator[list[SiteContext]]:
        """A SiteContext per site, all on one fetcher (`settings` over `FETCH`) and one run's
        probes, as the engine makes them."""
        fetcher = self.fetcher(dns_timeout=dns_timeout, **settings)
        probes = Probes(fetcher)
        made = [
            SiteContext(site, fetcher, as_of, max_pages=max_pages, probes=probes) for site in sites
        ]
        try:
            yield made
        finally:
            for context in made:
                context.close()
            probes.close()
            await fetcher.aclose()

    @asynccontextmanager
    async def scan(
        self,
        host: str,
        *,
        as_of: dt.date,
        kind: SiteKind = SiteKind.DISTRICT,
        path: str = "/",
        max_pages: int = MAX_PAGES,
        dns_timeout: float = 1.0,
        fetch: Mapping[str, Any] | None = None,
        **hints: str,
    ) -> AsyncIterator[SiteContext]:
        """A SiteContext for `host` with a real fetcher (`fetch` over `FETCH`) and resolver
        pointed at the fleet."""
        site = self.site(host, kind, path, **hints)
        async with self.contexts(
            [site], as_of=as_of, max_pages=max_pages, dns_timeout=dns_timeout, **(fetch or {})
        ) as (context,):
            yield context


class Fleet(LoopbackSites):
    """The demo's DNS server answering `records` (with `faults`) and its HTTP server serving
    `hosts` on 127.0.0.1 and [::1] (given the port, for pages that link by absolute URL);
    `http` takes the HTTP server's options (`slow_seconds`)."""

    FETCH: ClassVar[Mapping[str, Any]] = {**LoopbackSites.FETCH, **NO_BACK_OFF}

    def __init__(
        self,
        records: Mapping[str, Mapping[str, list[str]]],
        hosts: Callable[[int], Mapping[str, VirtualHost]],
        *,
        faults: Mapping[FaultKey, DnsFault] | None = None,
        **http: Any,
    ) -> None:
        self.records = records
        self.hosts = hosts
        self.faults = faults
        self.http = HttpServer(**http)

    @property
    def port(self) -> int:
        return self.http.port

    def __enter__(self) -> Fleet:
        self.http.start()
        self.http.hosts = dict(self.hosts(self.port))
        self.start_dns((), self.records, self.faults)  # the records as given, nothing added
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_dns()
        self.http.stop()
