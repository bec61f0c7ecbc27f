"""What every loopback fleet of the tests shares: the demo's real DNS server answering for its
hosts, and the URLs, `Site`s, fetchers and `SiteContext`s a test asks of it.

The fleets differ in their HTTP servers (tests/checks/content_fleet.py serves the fixture portals
through the demo's server; tests/support/realweb.py answers as firewalls and CMSs do); they give
tests the same door to them by deriving from `LoopbackSites`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from gkaudit.demo.dns import DnsServer
from gkaudit.domains import registered_domain
from gkaudit.model import Hints, Site, SiteKind
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings
from gkaudit.site.context import SiteContext

V4, V6 = "127.0.0.1", "::1"


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


class LoopbackSites:
    """DNS for a fleet's hosts, and its sites as URLs, `Site`s and `SiteContext`s."""

    #: The fetch settings of `fetcher()` and `scan()`, before a test's own.
    FETCH: ClassVar[Mapping[str, Any]] = {"timeout": 2, "retries": 0, "interval": 0}
    dns: DnsServer | None = None

    @property
    def port(self) -> int:
        raise NotImplementedError

    def start_dns(
        self, hosts: Iterable[str], extra: Mapping[str, Mapping[str, list[str]]] | None = None
    ) -> None:
        self.dns = DnsServer(zone_records(hosts, extra)).start()

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

    def fetcher(self, **settings: Any) -> Fetcher:
        """A fetcher whose resolver asks the fleet's DNS server."""
        assert self.dns is not None, "use the fleet in a with block"
        return Fetcher(
            Resolver([self.dns.address], timeout=1.0, lifetime=2.0),
            FetchSettings(**{**self.FETCH, **settings}),
        )

    @asynccontextmanager
    async def scan(
        self, host: str, *, as_of: dt.date, kind: SiteKind = SiteKind.DISTRICT, **hints: str
    ) -> AsyncIterator[SiteContext]:
        """A SiteContext for `host` with a real fetcher and resolver pointed at the fleet."""
        fetcher = self.fetcher()
        context = SiteContext(self.site(host, kind, **hints), fetcher, as_of)
        try:
            yield context
        finally:
            context.close()
            await fetcher.aclose()
