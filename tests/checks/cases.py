"""The golden cases of the built-in checks: `src/gkaudit/checks/<name>/cases.yaml`, read and run.

A case is data: a small site (its hosts and their pages, what each host does over IPv6, DNS
records and faults), a day (`as_of`), the check's params, and the verdict expected (status and
a fragment of the message). `run_case` serves the site on the demo's real DNS and HTTP servers
on loopback and runs the check on it, through a real `SiteContext`:

    cases:
      - id: stale_on_the_91st_day        # shown in pytest's output as <check>/<id>
        as_of: 2026-11-30                # default: the file's `as_of`
        kind: district                   # city | district | department (default district)
        region: "210202"                 # the site's administrative code (default none)
        params: {max_age_days: 90}
        hints: {business_relief_url: /zqsk/}   # paths on the site's host, or URLs
        hosts:                           # the first host is the site (or `site: HOST`)
          www.case.gov.cn:
            /: {body: "<html>...</html>"}
            /zqsk/: {status: 404}
            /old: {status: 301, location: /new}
        ipv6: {www.case.gov.cn: reset}   # serve | reset | placeholder | slow
        dns:                             # replaces the default records of a name
          www.case.gov.cn: {A: [127.0.0.1]}   # (null: the name does not exist)
        dns_faults: [{name: www.case.gov.cn, type: AAAA, fault: servfail}]
        expect: {status: warn, message: "91 days old"}   # metrics: {stale: 1} (optional)

By default every host has A 127.0.0.1 and AAAA ::1, and each registered domain is a zone whose
name server `ns1.<zone>` has both too. `{port}` in a page body, a location, a hint or the
expected message is the HTTP port.

A case with `styles` stands for one case per date style (`styles: all`, or a list of
`STYLES`), its id suffixed with the style (`fresh_iso`, `fresh_short`): every
`{date:2026-11-17}` in its pages is written in that style, as portals print item dates
(`{date:2026-11-17|来信时间}` names the label of the labelled style, 发布时间 by default).
The expected message keeps ISO dates: verdicts print them so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator
from ruamel.yaml import YAML

from gkaudit.declaration import Check
from gkaudit.demo.dns import DnsFault, DnsServer
from gkaudit.demo.http import Behaviour, HttpServer, Response, VirtualHost
from gkaudit.model import Hints, Site, SiteKind, Status, Verdict
from gkaudit.net.dns import Resolver
from gkaudit.net.http import Fetcher, FetchSettings
from gkaudit.site.context import SiteContext
from tests.support.fetching import NO_BACK_OFF
from tests.support.loopback import zone_records

CHECKS = Path(__file__).resolve().parents[2] / "src" / "gkaudit" / "checks"

#: How portals print an item's date (the year-less `short` is read in the year that puts it on
#: or before `--as-of`, as a reader of the page would read it).
STYLES: dict[str, Callable[[int, int, int, str], str]] = {
    "iso": lambda y, m, d, _: f"{y}-{m:02}-{d:02}",
    "slash": lambda y, m, d, _: f"{y}/{m:02}/{d:02}",
    "cjk": lambda y, m, d, _: f"{y}年{m:02}月{d:02}日",
    "short": lambda y, m, d, _: f"[{m:02}-{d:02}]",
    "dotted": lambda y, m, d, _: f"{y}.{m:02}.{d:02}",
    "labelled": lambda y, m, d, label: f"{label}：{y}-{m:02}-{d:02}",
}
_DATE_SLOT = re.compile(r"\{date:([0-9]{4})-([0-9]{2})-([0-9]{2})(?:\|([^}]+))?\}")


def _in_style(value: Any, style: str) -> Any:
    """`value` (a case's hosts, or any part of them) with its `{date:…}` slots in `style`."""
    if isinstance(value, str):
        write = STYLES[style]
        return _DATE_SLOT.sub(
            lambda m: write(int(m[1]), int(m[2]), int(m[3]), m[4] or "发布时间"), value
        )
    if isinstance(value, dict):
        return {key: _in_style(item, style) for key, item in value.items()}
    return value


def _styled(case: Any) -> list[Any]:
    """A raw case with `styles`: one raw case per style; any other: itself."""
    if not isinstance(case, dict) or "styles" not in case:
        return [case]
    styles = case["styles"]
    chosen = list(STYLES) if styles == "all" else list(styles)
    unknown = [style for style in chosen if style not in STYLES]
    if unknown:
        raise ValueError(f"case {case.get('id')!r}: unknown date styles {unknown}")
    out = []
    for style in chosen:
        one = {key: value for key, value in case.items() if key != "styles"}
        one["id"] = f"{case.get('id')}_{style}"
        one["style"] = style
        one["hosts"] = _in_style(case.get("hosts"), style)
        out.append(one)
    return out


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PageSpec(_Strict):
    """One response: a body (or none), its status, content type, encoding and Location."""

    body: str = ""
    status: int = 200
    content_type: str | None = None  # default text/html, with `encoding` as its charset
    encoding: str = "utf-8"  # of the bytes sent
    location: str | None = None
    #: links appended to the body as a list: href (`{n}` numbered from 1) -> how many
    links: Mapping[str, int] = Field(default_factory=dict)
    #: a path with `{n}` stands for this many pages, numbered from 1 (`{n}` in the body too)
    count: int = Field(1, ge=1)

    def response(self, port: int, n: int = 1) -> Response:
        body = self.body.replace("{port}", str(port)).replace("{n}", str(n))
        if self.links:
            items = "".join(
                f'<li><a href="{href.replace("{n}", str(n))}">栏目{href_index}-{n}</a></li>'
                for href_index, (href, count) in enumerate(self.links.items())
                for n in range(1, count + 1)
            ).replace("{port}", str(port))
            list_html = f'<ul class="list">{items}</ul>'
            body = body.replace("</body>", list_html + "</body>") if body else list_html
        if self.location is not None:
            location = self.location.replace("{port}", str(port))
            return Response(status=self.status, body=body.encode(), location=location)
        content_type = self.content_type or f"text/html; charset={self.encoding}"
        return Response(
            status=self.status, body=body.encode(self.encoding), content_type=content_type
        )


class DnsFaultSpec(_Strict):
    name: str
    type: str | None = None
    fault: DnsFault


class Expect(_Strict):
    status: Status
    message: str = Field(min_length=1)  # a fragment of the verdict's message
    #: metrics the verdict must carry with these values (a scored item counts by one)
    metrics: Mapping[str, int | float | str | bool] = Field(default_factory=dict)


class Case(_Strict):
    """One golden case of one check."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    as_of: dt.date
    kind: SiteKind = SiteKind.DISTRICT
    region: str | None = None  # the site's administrative code in sites.yaml
    params: Mapping[str, Any] = Field(default_factory=dict)
    hints: Mapping[str, str] = Field(default_factory=dict)
    hosts: Mapping[str, Mapping[str, PageSpec]]
    site: str | None = None
    path: str = "/"
    ipv6: Mapping[str, Literal["serve", "reset", "placeholder", "slow"]] = Field(
        default_factory=dict
    )
    dns: Mapping[str, Mapping[str, list[str]] | None] = Field(default_factory=dict)
    dns_faults: list[DnsFaultSpec] = Field(default_factory=list)
    http_timeout: float = 2.0
    expect: Expect
    #: the date style its pages are written in (a case of a `styles` matrix), else None
    style: str | None = None

    @model_validator(mode="after")
    def _site_is_a_host(self) -> Case:
        if not self.hosts:
            raise ValueError("a case needs at least one host")
        if self.site is not None and self.site not in self.hosts:
            raise ValueError(f"site {self.site!r} is not one of the hosts")
        return self

    @property
    def host(self) -> str:
        return self.site or next(iter(self.hosts))


class CaseFile(_Strict):
    check: str
    shared: Any = None  # pages and sites the cases share, as YAML anchors (&home, *home)
    as_of: dt.date | None = None  # the default of every case
    cases: list[Case]

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("cases"), list):
            data = {**data, "cases": [one for case in data["cases"] for one in _styled(case)]}
        if isinstance(data, dict) and data.get("as_of") is not None:
            for case in data.get("cases") or ():
                if isinstance(case, dict):
                    case.setdefault("as_of", data["as_of"])
        return data


def case_files() -> Iterator[Path]:
    yield from sorted(CHECKS.glob("*/cases.yaml"))


def load(path: Path) -> CaseFile:
    with path.open(encoding="utf-8") as handle:
        return CaseFile.model_validate(YAML(typ="safe", pure=True).load(handle))


def all_cases() -> list[tuple[str, Case]]:
    """(check name, case) for every case of every check, in file order."""
    files = [load(path) for path in case_files()]
    return [(f.check, case) for f in files for case in f.cases]


def records(case: Case) -> dict[str, dict[str, list[str]]]:
    found = zone_records(case.hosts)
    for name, types in case.dns.items():
        if types is None:
            found.pop(name, None)  # the name does not exist: NXDOMAIN
        else:
            found[name] = {k: list(v) for k, v in types.items()}
    return found


@asynccontextmanager
async def served(case: Case) -> AsyncIterator[SiteContext]:
    """The case's site on real loopback DNS and HTTP servers, as a `SiteContext`."""
    faults = {(f.name, f.type) if f.type else f.name: f.fault for f in case.dns_faults}
    with (
        DnsServer(records(case), faults=faults) as dns,
        HttpServer(slow_seconds=case.http_timeout * 2) as http,
    ):
        http.hosts = {
            host: VirtualHost(
                {
                    path.replace("{n}", str(n)): page.response(http.port, n)
                    for path, page in pages.items()
                    for n in range(1, page.count + 1)
                },
                ipv6=Behaviour(case.ipv6.get(host, "serve")),
            )
            for host, pages in case.hosts.items()
        }

        def url(value: str) -> str:
            if value.startswith("http"):
                return value.replace("{port}", str(http.port))
            return f"http://{case.host}:{http.port}{value}"

        site = Site(
            id=case.host.split(".")[0],
            name=case.host,
            url=url(case.path),
            kind=case.kind,
            region=case.region,
            hints=Hints(**{k: url(v) for k, v in case.hints.items()}),
        )
        resolver = Resolver(
            [dns.address],
            timeout=case.http_timeout / 4,
            lifetime=case.http_timeout / 2,  # a silent DNS server is told from a slow site
            authoritative_port=dns.port,  # every zone's name servers answer on this port
        )
        fetcher = Fetcher(
            resolver, FetchSettings(timeout=case.http_timeout, retries=0, interval=0, **NO_BACK_OFF)
        )
        context = SiteContext(site, fetcher, case.as_of)
        try:
            yield context
        finally:
            context.close()
            await fetcher.aclose()


async def run_case(check: Check, case: Case) -> tuple[Verdict, int]:
    """The check's verdict on the case's site, and the port the site was served on."""
    params = check.params.model_validate(case.params)
    async with served(case) as site:
        port = urlsplit(site.site.url).port or 80
        return await check.run(site, params), port
