"""Never where it does not belong: the addresses gkaudit does not connect to unless told.

A scanner runs inside an office network; a compromised portal (or its DNS) could point it at
the office's own hosts or a cloud's metadata service through a link, a redirect, a meta refresh
or a DNS answer. So by default every address a fetch would connect to must be a global unicast
one: not loopback, RFC 1918, CGNAT (100.64/10), link-local (the 169.254.169.254 metadata
service), ULA (fc00::/7), multicast, documentation or reserved ranges, nor an IPv6 form that
embeds such an IPv4 address (mapped, 6to4, NAT64). `--allow-private` (GKAUDIT_ALLOW_PRIVATE=1)
lifts it, for a fleet on loopback (the demo, the tests) or an intranet audit; an `AddressGuard`
with `allowed` networks lifts it for those networks alone (an intranet's portals, and still no
metadata service).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def allowed_by_environment() -> bool:
    """GKAUDIT_ALLOW_PRIVATE=1 (or true/yes) lifts the guard."""
    return os.environ.get("GKAUDIT_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes")


def is_private(address: str | IPAddress) -> bool:
    """True for every address the guard refuses (anything but global unicast)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and is_private(embedded):
            return True
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Which addresses a fetch (and every request of the browser) may connect to."""

    #: connect anywhere (`--allow-private`)
    allow_all: bool = False
    #: private networks connected to all the same
    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def of(cls, allow_all: bool, networks: Iterable[str] = ()) -> AddressGuard:
        return cls(allow_all, tuple(ipaddress.ip_network(n, strict=False) for n in networks))

    def refuses(self, address: str) -> bool:
        if self.allow_all:
            return False
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return is_private(ip) and not any(ip in network for network in self.allowed)
