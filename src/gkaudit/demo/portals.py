"""The demo fleet's data: `build` turns the portal specs into the pages of the HTTP server, the
records of the DNS server and the sites of ``sites.yaml``.

Who the portals are is in `identities`, the faults the checks plant on them in
`gkaudit/checks/*/demo.py`, and `expected` assembles the two with the verdict each portal is
built to get (the portal table printed by ``python -m gkaudit.demo`` says why); one portal's
pages are made by `portal.Portal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from gkaudit.demo.dns import DnsFault
from gkaudit.demo.expected import EXPECTED, PORTALS
from gkaudit.demo.http import VirtualHost
from gkaudit.demo.outside import outside_hosts, outside_records
from gkaudit.demo.portal import Portal, services_pages
from gkaudit.demo.search import site_search
from gkaudit.demo.spec import CDN_EDGE, CDN_ZONE, V4, V6, Address, PortalSpec
from gkaudit.model import Hints, Site, SiteKind, Status

__all__ = ["FleetData", "build", "dns_records"]


# --- the fleet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleetData:
    """Everything the servers need, and what the fleet tells its users."""

    sites: list[Site]
    hosts: dict[str, VirtualHost]
    records: dict[str, dict[str, list[str]]]
    faults: dict[str | tuple[str, str], DnsFault]
    expected: dict[tuple[str, str], Status] = field(default_factory=lambda: dict(EXPECTED))


def dns_records(specs: Sequence[PortalSpec], as_of: dt.date) -> dict[str, dict[str, list[str]]]:
    """The zones of the fleet: one per registered domain plus the CDN's, and the names outside
    the fleet that its portals link (`outside`), all on loopback."""
    serial = f"{as_of:%Y%m%d}01"
    zones = sorted({spec.zone for spec in specs} | {CDN_ZONE})
    ns_v4_only = {spec.zone for spec in specs if not spec.nameservers_ipv6}
    records: dict[str, dict[str, list[str]]] = {}
    for zone in zones:
        records[zone] = {
            "SOA": [f"ns1.{zone} hostmaster.{zone} {serial} 3600 900 1209600 300"],
            "NS": [f"ns1.{zone}", f"ns2.{zone}"],
        }
        for ns in ("ns1", "ns2"):
            records[f"{ns}.{zone}"] = (
                {"A": [V4]} if zone in ns_v4_only else {"A": [V4], "AAAA": [V6]}
            )
    records[CDN_EDGE] = {"A": [V4], "AAAA": [V6]}
    for spec in specs:
        match spec.address:
            case Address.DUAL:
                records[spec.host] = {"A": [V4], "AAAA": [V6]}
            case Address.V4_ONLY:
                records[spec.host] = {"A": [V4]}
            case Address.CDN:
                # as CDNs do: a per-customer name, then a shared edge
                customer = f"{spec.host}.w.{CDN_ZONE}"
                records[spec.host] = {"CNAME": [customer]}
                records[customer] = {"CNAME": [CDN_EDGE]}
            case Address.NONE:
                pass
        if spec.ipv4_only_services:
            records[spec.services_host] = {"A": [V4]}
    return records | outside_records(as_of)


def build(
    as_of: dt.date,
    *,
    http_port: int,
    refused_port: int,
    specs: Sequence[PortalSpec] = PORTALS,
) -> FleetData:
    """The fleet's pages, zones and sites for servers on `http_port` (and `refused_port`)."""
    city = next(spec for spec in specs if spec.kind is SiteKind.CITY)
    city_url = f"http://{city.host}:{http_port}/"
    hosts: dict[str, VirtualHost] = outside_hosts()
    sites: list[Site] = []
    for spec in specs:
        if spec.served:
            portal = Portal(spec, port=http_port, as_of=as_of, city_url=city_url)
            pages = portal.pages()
            hosts[spec.host] = VirtualHost(
                pages, site_search(portal), ipv4=spec.ipv4, ipv6=spec.ipv6
            )
            hint_urls = {name: portal.base + portal.col(key) for name, key in spec.hints}
            if spec.ipv4_only_services:
                home = portal.base + portal.home_path
                hosts[spec.services_host] = VirtualHost(services_pages(spec, home))
        else:
            hint_urls = {}
        port = refused_port if spec.refused else http_port
        sites.append(
            Site(
                id=spec.id,
                name=spec.name,
                url=f"http://{spec.host}:{port}/",
                kind=spec.kind,
                hints=Hints(**hint_urls),
                tags=spec.tags,
            )
        )
    faults: dict[str | tuple[str, str], DnsFault] = {
        (name if rdtype is None else (name, rdtype)): fault
        for spec in specs
        for name, rdtype, fault in spec.dns_faults
    }
    return FleetData(
        sites=sites,
        hosts=hosts,
        records=dns_records(specs, as_of),
        faults=faults,
        expected={
            key: status for key, status in EXPECTED.items() if key[0] in {s.id for s in specs}
        },
    )
