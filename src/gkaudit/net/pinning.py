"""Connections to the addresses *our* resolver returned, like `curl --resolve`: aiohttp asks
`PinnedResolver` (one family, private addresses dropped unless allowed), and `PeerConnector`
records which address a request really went to and whether its connection was a pooled one.
"""

from __future__ import annotations

import contextvars
import socket
import weakref
from collections.abc import Iterable
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.client_reqrep import ClientRequest
from aiohttp.connector import Connection
from aiohttp.tracing import Trace

from gkaudit.i18n import _
from gkaudit.model import Family
from gkaudit.net.dns import DnsAnswer, Resolver
from gkaudit.net.guard import AddressGuard
from gkaudit.net.outcome import FailureKind, FetchFailure


class DnsLookupFailed(Exception):
    """Raised inside the connector when our resolver has no address for the family."""

    def __init__(self, answer: DnsAnswer) -> None:
        super().__init__(answer.describe())
        self.answer = answer


SOCKET_FAMILY = {Family.IPV4: socket.AF_INET, Family.IPV6: socket.AF_INET6}


class PrivateAddress(Exception):
    """Raised inside the connector when every address of a host is one the guard refuses."""

    def __init__(self, addresses: Iterable[str]) -> None:
        super().__init__(", ".join(addresses))
        self.addresses = tuple(addresses)

    def failure(self, url: str, family: Family) -> FetchFailure:
        message = _("points to a private address ({address}), not fetched")
        return FetchFailure(
            url, family, FailureKind.PRIVATE, message.format(address=", ".join(self.addresses))
        )


class PinnedResolver(AbstractResolver):
    """aiohttp's resolver, answered by ours for one family: a hostname connects to the
    addresses our resolver gives, in order, while the URL, Host and TLS SNI keep the name.
    The addresses the guard refuses are dropped (net/guard.py)."""

    def __init__(self, resolver: Resolver, family: Family, guard: AddressGuard) -> None:
        self._resolver = resolver
        self._family = family
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answer = await self._resolver.addresses(host, self._family)
        if not answer.ok:
            raise DnsLookupFailed(answer)
        addresses = tuple(a for a in answer.records if not self._guard.refuses(a))
        if not addresses:
            raise PrivateAddress(answer.records)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=SOCKET_FAMILY[self._family],
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


#: The address the current task's last request went to, and whether its connection came from
#: the pool (set by `PeerConnector.connect`, which runs in the requesting task): a response may
#: have closed or pooled its connection already when we look.
peer: contextvars.ContextVar[tuple[str | None, bool]] = contextvars.ContextVar(
    "peer", default=(None, False)
)


class PeerConnector(aiohttp.TCPConnector):
    """aiohttp's connector, noting in `peer` where each connection went (and if it was pooled)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._known: weakref.WeakSet[object] = weakref.WeakSet()

    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 (aiohttp's interface)
    ) -> Connection:
        connection = await super().connect(req, traces, timeout)
        transport, protocol = connection.transport, connection.protocol
        name = transport.get_extra_info("peername") if transport is not None else None
        reused = protocol in self._known
        if protocol is not None:
            self._known.add(protocol)
        peer.set((str(name[0]) if name else None, reused))
        return connection
