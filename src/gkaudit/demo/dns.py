"""A small authoritative DNS server: the demo fleet's, and the tests' whenever they need real DNS.

It answers over UDP and TCP on 127.0.0.1 and ::1 (one port number for the four sockets) from
records given as plain data, the way an authoritative server does:

- A, AAAA, NS, SOA, CNAME (and any other type dnspython can parse) with the AA flag;
- a CNAME chain is followed while its targets are in the server's data, and the answer holds the
  chain and the final records, so a stub resolver needs one round trip;
- NXDOMAIN for an unknown name inside one of its zones and NODATA for a known name without the
  type asked, both with the zone's SOA in the authority section (negative caching needs it);
- REFUSED for a name outside all its zones (``www.gov.cn``): it never recurses.

Zones are implied by the data: a name with an SOA or NS record is a zone apex (an SOA is made up
when only NS is given). Faults can be injected per name, or per name and type, to test what a
resolver does with a server on a bad day: `DnsFault.DROP` (no answer: a timeout),
`DnsFault.SERVFAIL`, `DnsFault.TRUNCATE` (an empty UDP answer with TC set: retry over TCP).

    with DnsServer({"example.gov.cn": {"NS": ["ns1.example.gov.cn"]},
                    "ns1.example.gov.cn": {"A": ["127.0.0.1"], "AAAA": ["::1"]},
                    "www.example.gov.cn": {"A": ["127.0.0.1"]}}) as server:
        resolver.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", server.port)]
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import cast

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from gkaudit.demo._net import Listeners, TcpServer, UdpServer, bind_same_port

__all__ = ["DnsFault", "DnsServer", "Query", "Records"]

#: name -> record type -> values in zone-file syntax. Names in values are absolute even without
#: the final dot. A single string is accepted for a single value.
Records = Mapping[str, Mapping[str, Sequence[str]]]

_MAX_CHAIN = 16  # CNAME hops followed before giving up on a (mis)configured loop
_TCP_IDLE_SECONDS = 30.0


class DnsFault(StrEnum):
    """A way for the server to misbehave on a name."""

    DROP = "drop"  # no answer at all: the client times out
    SERVFAIL = "servfail"
    TRUNCATE = "truncate"  # over UDP an empty answer with TC set; TCP answers normally


@dataclass(frozen=True)
class Query:
    """One question the server received, for tests that count lookups."""

    name: str  # lower case, no final dot
    type: str
    transport: str  # "udp" | "tcp"
    family: str  # "ipv4" | "ipv6"


FaultKey = str | tuple[str, str]


def _name(text: str) -> dns.name.Name:
    return dns.name.from_text(text)


def _fault_key(name: str, rdtype: str | None) -> tuple[dns.name.Name, int | None]:
    return _name(name), None if rdtype is None else int(dns.rdatatype.from_text(rdtype))


class DnsServer:
    """Authoritative server for the zones implied by `records`; see the module docstring."""

    def __init__(
        self,
        records: Records,
        *,
        faults: Mapping[FaultKey, DnsFault] | None = None,
        ttl: int = 300,
    ) -> None:
        self.ttl = ttl
        self._data: dict[dns.name.Name, dict[int, dns.rrset.RRset]] = {}
        for owner, types in records.items():
            node = self._data.setdefault(_name(owner), {})
            for rdtype_text, values in types.items():
                rdtype = dns.rdatatype.from_text(rdtype_text)
                texts = [values] if isinstance(values, str) else list(values)
                node[int(rdtype)] = self._rrset(_name(owner), rdtype, texts)
        apexes = [
            name
            for name, node in self._data.items()
            if dns.rdatatype.SOA in node or dns.rdatatype.NS in node
        ]
        # deepest first, so a name falls in its most specific zone
        self._zones = sorted(apexes, key=lambda n: len(n.labels), reverse=True)
        for apex in self._zones:
            if dns.rdatatype.SOA not in self._data[apex]:
                self._data[apex][dns.rdatatype.SOA] = self._made_up_soa(apex)
        self._existing: set[dns.name.Name] = set()
        for name in self._data:
            zone = self._zone_of(name)
            if zone is None:
                raise ValueError(
                    f"{name} is outside every zone: give its zone apex an NS or SOA record"
                )
            # the names between a record and its apex exist too (empty non-terminals: NODATA)
            while name != zone:
                self._existing.add(name)
                name = name.parent()
            self._existing.add(zone)
        self._faults: dict[tuple[dns.name.Name, int | None], DnsFault] = {}
        for key, fault in (faults or {}).items():
            fault_name, fault_type = (key, None) if isinstance(key, str) else key
            self._faults[_fault_key(fault_name, fault_type)] = fault
        self._queries: list[Query] = []
        self._lock = threading.Lock()
        self._listeners: Listeners | None = None
        self._port = 0

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> DnsServer:
        """Listen on 127.0.0.1 and ::1, UDP and TCP, on one free port; returns self."""
        if self._listeners is not None:
            return self
        servers = bind_same_port(
            [
                lambda port: UdpServer(socket.AF_INET, port, _UdpHandler, self),
                lambda port: TcpServer(socket.AF_INET, port, _TcpHandler, self),
                lambda port: UdpServer(socket.AF_INET6, port, _UdpHandler, self),
                lambda port: TcpServer(socket.AF_INET6, port, _TcpHandler, self),
            ]
        )
        self._port = int(servers[0].socket.getsockname()[1])
        self._listeners = Listeners(servers, "demo-dns")
        self._listeners.start()
        return self

    def stop(self) -> None:
        if self._listeners is not None:
            self._listeners.stop()
            self._listeners = None

    def __enter__(self) -> DnsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("the DNS server is not started")
        return self._port

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``, the form `gkaudit scan --nameserver` takes."""
        return f"127.0.0.1:{self.port}"

    # --- faults and the query log ---------------------------------------------------------

    def set_fault(self, name: str, fault: DnsFault, rdtype: str | None = None) -> None:
        """Misbehave on `name` (for every type, or only `rdtype`) from now on."""
        with self._lock:
            self._faults[_fault_key(name, rdtype)] = fault

    def clear_fault(self, name: str, rdtype: str | None = None) -> None:
        with self._lock:
            self._faults.pop(_fault_key(name, rdtype), None)

    @property
    def queries(self) -> list[Query]:
        """Every question received so far, in order."""
        with self._lock:
            return list(self._queries)

    def clear_queries(self) -> None:
        with self._lock:
            self._queries.clear()

    # --- answering ------------------------------------------------------------------------

    def answer(self, query: dns.message.Message) -> dns.message.Message:
        """The response to `query`, ignoring faults (usable without sockets)."""
        response = dns.message.make_response(query)
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
            return response
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        qname, qtype = question.name, int(question.rdtype)
        zone = self._zone_of(qname)
        if zone is None or question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        response.flags |= dns.flags.AA
        name = qname
        seen = {name}
        while True:
            node = self._data.get(name, {})
            if qtype == dns.rdatatype.ANY and node:
                response.answer.extend(node.values())
                break
            if qtype in node:
                response.answer.append(node[qtype])
                if qtype == dns.rdatatype.NS:
                    self._add_glue(response, node[qtype])
                break
            cname = node.get(dns.rdatatype.CNAME)
            if cname is not None:
                response.answer.append(cname)
                target = cname[0].target
                if target in seen or len(seen) > _MAX_CHAIN or self._zone_of(target) is None:
                    break  # the resolver takes it from here (or gives up on the loop)
                seen.add(target)
                name = target
                continue
            if name not in self._existing:
                response.set_rcode(dns.rcode.NXDOMAIN)
            zone_of_name = self._zone_of(name)
            assert zone_of_name is not None
            response.authority.append(self._data[zone_of_name][dns.rdatatype.SOA])
            break
        return response

    def _reply(self, wire: bytes, transport: str, family: str) -> bytes | None:
        """Bytes to send back for one received message, or None to stay silent."""
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None  # not DNS, or garbled: a real server drops it too
        if query.flags & dns.flags.QR:
            return None
        fault: DnsFault | None = None
        if query.question:
            question = query.question[0]
            with self._lock:
                self._queries.append(
                    Query(
                        question.name.to_text(omit_final_dot=True).lower(),
                        dns.rdatatype.to_text(question.rdtype),
                        transport,
                        family,
                    )
                )
                fault = self._faults.get((question.name, int(question.rdtype)))
                if fault is None:
                    fault = self._faults.get((question.name, None))
        if fault is DnsFault.DROP:
            return None
        if fault is DnsFault.SERVFAIL:
            response = dns.message.make_response(query)
            response.set_rcode(dns.rcode.SERVFAIL)
        elif fault is DnsFault.TRUNCATE and transport == "udp":
            response = dns.message.make_response(query)
            response.flags |= dns.flags.TC
        else:
            response = self.answer(query)
        if transport == "tcp":
            return response.to_wire()
        limit = max(512, query.payload) if query.edns >= 0 else 512
        try:
            return response.to_wire(max_size=limit)
        except dns.exception.TooBig:
            truncated = dns.message.make_response(query)
            truncated.flags |= dns.flags.TC | (response.flags & dns.flags.AA)
            return truncated.to_wire()

    # --- helpers --------------------------------------------------------------------------

    def _zone_of(self, name: dns.name.Name) -> dns.name.Name | None:
        for apex in self._zones:
            if name.is_subdomain(apex):
                return apex
        return None

    def _rrset(
        self, owner: dns.name.Name, rdtype: dns.rdatatype.RdataType, texts: Sequence[str]
    ) -> dns.rrset.RRset:
        rrset = dns.rrset.RRset(owner, dns.rdataclass.IN, rdtype)
        for text in texts:
            rdata = dns.rdata.from_text(
                dns.rdataclass.IN, rdtype, text, origin=dns.name.root, relativize=False
            )
            rrset.add(rdata, self.ttl)
        return rrset

    def _made_up_soa(self, apex: dns.name.Name) -> dns.rrset.RRset:
        ns = self._data[apex].get(dns.rdatatype.NS)
        primary = ns[0].target if ns else dns.name.Name(("ns1", *apex.labels))
        text = f"{primary} hostmaster.{apex} 1 3600 600 86400 {self.ttl}"
        return self._rrset(apex, dns.rdatatype.SOA, [text])

    def _add_glue(self, response: dns.message.Message, ns: dns.rrset.RRset) -> None:
        for rdata in ns:
            node = self._data.get(rdata.target, {})
            for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                if rdtype in node:
                    response.additional.append(node[rdtype])


def _family(server: socketserver.BaseServer) -> str:
    return "ipv6" if getattr(server, "address_family", None) == socket.AF_INET6 else "ipv4"


class _UdpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        owner: DnsServer = cast(UdpServer, self.server).owner
        reply = owner._reply(data, "udp", _family(self.server))
        if reply is not None:
            sock.sendto(reply, self.client_address)


class _TcpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(_TCP_IDLE_SECONDS)
        owner: DnsServer = cast(TcpServer, self.server).owner
        family = _family(self.server)
        try:
            while True:  # a client may send several queries on one connection
                header = _read_exactly(conn, 2)
                if header is None:
                    return
                message = _read_exactly(conn, struct.unpack("!H", header)[0])
                if message is None:
                    return
                reply = owner._reply(message, "tcp", family)
                if reply is not None:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return  # the client went away, or stop() cut the connection


def _read_exactly(conn: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = conn.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)
