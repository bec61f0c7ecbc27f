"""DNS as the audit sees it: answers with their CNAME chains, and failures told apart.

A thin layer over dnspython's async resolver. Every answer (or failure) is memoized for the run,
and concurrent identical questions share one query. The resolver never reads the machine's
configuration when name servers are given (`--nameserver`), so tests and the demo never touch the
system resolver.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import dns.asyncquery
import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rcode
import dns.rdatatype
import dns.resolver

from gkaudit.i18n import _, pgettext
from gkaudit.model import DnsEvidence, Family


class Outcome(StrEnum):
    ANSWER = "answer"
    NXDOMAIN = "nxdomain"  # the name does not exist
    NODATA = "nodata"  # the name exists, without records of this type
    TIMEOUT = "timeout"
    SERVFAIL = "servfail"  # the servers failed or refused to answer
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """The answer to one question: records after following CNAMEs, or why there are none."""

    name: str
    type: str
    outcome: Outcome
    chain: tuple[str, ...] = ()  # CNAME targets followed, in order
    records: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.ANSWER and bool(self.records)

    @property
    def definite(self) -> bool:
        """True when the DNS said something (records, NXDOMAIN, NODATA), not when it failed."""
        return self.outcome in (Outcome.ANSWER, Outcome.NXDOMAIN, Outcome.NODATA)

    def describe(self) -> str:
        """One phrase for a report: `DNS: NXDOMAIN for www.x.gov.cn`."""
        via = _(" via {chain}").format(chain=" -> ".join(self.chain)) if self.chain else ""
        if self.ok:
            return f"{self.name} {self.type}{via}: {', '.join(self.records)}"
        if self.outcome in (Outcome.NODATA, Outcome.ANSWER):
            words = _("no {type} record").format(type=self.type)
        else:
            words = {
                # the codes an engineer knows, with what they mean for an inspector
                Outcome.NXDOMAIN: pgettext("DNS outcome", "NXDOMAIN"),
                Outcome.TIMEOUT: _("timeout"),
                Outcome.SERVFAIL: pgettext("DNS outcome", "SERVFAIL"),
                Outcome.ERROR: _("error"),
            }[self.outcome]
        detail = _(" ({detail})").format(detail=self.detail) if self.detail else ""
        return _("DNS: {outcome} for {name}{via}{detail}").format(
            outcome=words, name=self.name, via=via, detail=detail
        )

    def evidence(self) -> DnsEvidence:
        return DnsEvidence(
            name=self.name,
            type=self.type,
            outcome=self.outcome.value,
            chain=self.chain,
            answers=self.records,
        )


def family_type(family: Family) -> str:
    return "AAAA" if family is Family.IPV6 else "A"


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = host.strip("[]")
    if ":" not in text and not text.replace(".", "").isdigit():
        return None  # a host name: asked of every request, two exceptions raised to say so
    return _ip(text)


@lru_cache(maxsize=1024)
def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    # (a fetch of an IP URL asks twice: to guard it, and for its answer)
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_nameserver(spec: str) -> tuple[str, int]:
    """`IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address -> (address, port)."""
    spec = spec.strip()
    if spec.startswith("["):
        address, _sep, rest = spec[1:].partition("]")
        port = int(rest.lstrip(":")) if rest.lstrip(":") else 53
    elif spec.count(":") == 1:
        address, _sep, port_text = spec.partition(":")
        port = int(port_text)
    else:
        address, port = spec, 53
    ipaddress.ip_address(address)  # raises ValueError for a host name
    if not 0 < port < 65536:
        raise ValueError(f"port out of range: {port}")
    return address, port


class Resolver:
    """Memoized async DNS for one run."""

    def __init__(
        self,
        nameservers: Sequence[str] = (),
        *,
        timeout: float = 2.0,
        lifetime: float = 5.0,
        authoritative_port: int = 53,
    ) -> None:
        servers = [parse_nameserver(s) for s in nameservers]
        if servers:
            self._resolver = dns.asyncresolver.Resolver(configure=False)
            self._resolver.nameservers = [
                dns.nameserver.Do53Nameserver(address, port) for address, port in servers
            ]
        else:
            self._resolver = dns.asyncresolver.Resolver()
        self._resolver.timeout = timeout
        self._resolver.lifetime = lifetime
        self.timeout = timeout
        #: Port that direct queries to a zone's authoritative servers use: 53 on the internet;
        #: the demo fleet and the tests serve every zone on one loopback port of their own.
        self.authoritative_port = authoritative_port
        self._memo: dict[tuple[str, str], asyncio.Task[DnsAnswer]] = {}

    async def resolve(self, name: str, rdtype: str) -> DnsAnswer:
        """Records of `rdtype` for `name`, following CNAMEs; memoized for the run."""
        key = (name.lower().rstrip("."), rdtype)
        task = self._memo.get(key)
        if task is None:
            task = asyncio.ensure_future(self._query(*key))
            self._memo[key] = task
        return await asyncio.shield(task)

    async def addresses(self, host: str, family: Family) -> DnsAnswer:
        """The addresses of `host` in one family (an IP literal answers for itself)."""
        rdtype = family_type(family)
        literal = ip_literal(host)
        if literal is not None:
            matches = (literal.version == 6) == (family is Family.IPV6)
            return DnsAnswer(
                host,
                rdtype,
                Outcome.ANSWER if matches else Outcome.NODATA,
                records=(str(literal),) if matches else (),
            )
        return await self.resolve(host, rdtype)

    async def query_at(self, address: str, name: str, rdtype: str) -> DnsAnswer:
        """Ask one server directly (over UDP, then TCP if truncated), bypassing the memo."""
        query = dns.message.make_query(name, rdtype)
        try:
            response, _tcp = await dns.asyncquery.udp_with_fallback(
                query, address, timeout=self.timeout, port=self.authoritative_port
            )
        except dns.exception.Timeout:
            return DnsAnswer(
                name, rdtype, Outcome.TIMEOUT, detail=_("server {address}").format(address=address)
            )
        except OSError as exc:
            return DnsAnswer(
                name,
                rdtype,
                Outcome.ERROR,
                detail=_("server {address}: {reason}").format(
                    address=address, reason=exc.strerror or exc
                ),
            )
        rcode = response.rcode()
        if rcode == dns.rcode.NXDOMAIN:
            return DnsAnswer(
                name, rdtype, Outcome.NXDOMAIN, detail=_("server {address}").format(address=address)
            )
        if rcode != dns.rcode.NOERROR:
            return DnsAnswer(
                name,
                rdtype,
                Outcome.SERVFAIL,
                detail=_("server {address}: {reason}").format(
                    address=address, reason=dns.rcode.to_text(rcode)
                ),
            )
        return _from_response(name, rdtype, response)

    async def _query(self, name: str, rdtype: str) -> DnsAnswer:
        try:
            answer = await self._resolver.resolve(name, rdtype, search=False)
        except dns.resolver.NXDOMAIN as exc:
            return DnsAnswer(name, rdtype, Outcome.NXDOMAIN, chain=_nx_chain(exc, name))
        except dns.resolver.NoAnswer as exc:
            response = exc.kwargs.get("response")
            chain = _chain(response, name) if response is not None else ()
            return DnsAnswer(name, rdtype, Outcome.NODATA, chain=chain)
        except dns.resolver.LifetimeTimeout:
            return DnsAnswer(
                name,
                rdtype,
                Outcome.TIMEOUT,
                detail=_("no answer in {seconds:g} s").format(seconds=self._resolver.lifetime),
            )
        except dns.resolver.NoNameservers as exc:
            return DnsAnswer(name, rdtype, Outcome.SERVFAIL, detail=_servfail_detail(exc))
        except dns.exception.DNSException as exc:
            return DnsAnswer(name, rdtype, Outcome.ERROR, detail=str(exc))
        return _from_response(name, rdtype, answer.response)


def _from_response(name: str, rdtype: str, response: dns.message.Message) -> DnsAnswer:
    chain = _chain(response, name)
    records = tuple(
        sorted(
            rdata.to_text().rstrip(".")
            for rrset in response.answer
            if rrset.rdtype == dns.rdatatype.from_text(rdtype)
            for rdata in rrset
        )
    )
    outcome = Outcome.ANSWER if records else Outcome.NODATA
    return DnsAnswer(name, rdtype, outcome, chain=chain, records=records)


def _chain(response: dns.message.Message, name: str) -> tuple[str, ...]:
    """The CNAME targets followed from `name`, in order (loop-safe)."""
    targets: dict[dns.name.Name, dns.name.Name] = {}
    for rrset in response.answer:
        if rrset.rdtype == dns.rdatatype.CNAME:
            for rdata in rrset:
                targets[rrset.name] = rdata.target
    chain: list[str] = []
    current = dns.name.from_text(name)
    seen = {current}
    while current in targets:
        current = targets[current]
        if current in seen:
            chain.append(current.to_text().rstrip(".") + " (loop)")
            break
        seen.add(current)
        chain.append(current.to_text().rstrip("."))
    return tuple(chain)


def _nx_chain(exc: dns.resolver.NXDOMAIN, name: str) -> tuple[str, ...]:
    responses = exc.kwargs.get("responses") or {}
    for response in responses.values():
        chain = _chain(response, name)
        if chain:
            return chain
    return ()


def _servfail_detail(exc: dns.resolver.NoNameservers) -> str:
    errors = exc.kwargs.get("errors") or []
    details = []
    for error in errors:
        # dnspython records (server, tcp, port, exception or answer, response); the server as
        # "Do53:127.0.0.1@53", its transport and port, which the port says again
        host = str(error[0]).removeprefix("Do53:").split("@")[0]
        server = f"[{host}]:{error[2]}" if ":" in host else f"{host}:{error[2]}"
        details.append(_("{server} answered {problem}").format(server=server, problem=error[3]))
    return _("; ").join(details)
