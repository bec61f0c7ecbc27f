"""Politeness groups: the sites that must be audited by one worker, and shards of them.

No host may be crawled by two workers at once, so the unit of distributed work is not the site
but the group of sites that can reach the same hosts. A site reaches, at least:

- its own host, and every host of its registered domain: `ipv6.links` probes every internal
  link, and internal means within the registered domain (`www.dl.gov.cn`, `kjj.dl.gov.cn` and
  `zwfw.dl.gov.cn` all lie in `dl.gov.cn`); Dalian's department columns live on `www.dl.gov.cn`
  itself, the municipal portal's host;
- the hosts of its hints (a disclosure platform shared by a province's 集约化 portals);
- the host its home page lands on, when known (a district portal that redirects into the city's).

So a site's keys are the registered domains of all these hosts, and the groups are the connected
components of sites sharing a key (union-find). Every probe target of `ipv6.links` lies in its
group's domains, which is why cross-host probes stay inside the group (one worker, one fetcher,
one per-host limit); outside hosts have an owning worker: see `executors/__init__.py`.

Groups are ordered and named deterministically (by their smallest key), so `--shard I/N` picks
the same groups on every machine: the CRC-32 of the group's name modulo N.

A distributed executor does not give each group a task of its own: most groups are one portal,
and an engine per portal audits one site at a time where one engine audits fifty. `batches`
packs whole groups into a few tasks per worker thread: enough tasks for the load to balance and
for a lost worker to cost a small part of the run, few enough that each engine is kept busy.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gkaudit.domains import host_of, registered_domain
from gkaudit.i18n import _
from gkaudit.model import HttpEvidence, Report, Site


@dataclass(frozen=True)
class Group:
    """Sites one worker audits together, in `sites.yaml` order."""

    name: str  # the smallest registered domain of the group: stable across runs and machines
    sites: tuple[Site, ...]
    domains: tuple[str, ...]


def site_keys(site: Site, landing: str | None = None) -> list[str]:
    """The registered domains a site's audit reaches before it follows any link."""
    urls = [site.url, *(u for u in site.hints.model_dump().values() if isinstance(u, str))]
    if landing:
        urls.append(landing)
    keys = [registered_domain(host) for host in map(host_of, urls) if host]
    return list(dict.fromkeys(keys))


def politeness_groups(
    sites: Sequence[Site],
    landings: Mapping[str, str] | None = None,
    *,
    grouped: bool = True,
) -> list[Group]:
    """The sites partitioned into groups sharing no host; `landings`: site id -> the URL its
    home page was last seen landing on. `grouped=False` makes one group per site (what a naive
    distribution does: the tests' control, never offered to users)."""
    landings = landings or {}
    if not grouped:
        return [
            Group(site.id, (site,), tuple(site_keys(site, landings.get(site.id)))) for site in sites
        ]
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = parent.setdefault(key, key)
        while root != parent[root]:
            root = parent[root]
        while parent[key] != root:  # path compression
            parent[key], key = root, parent[key]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the smallest key is the root: a stable name

    keyed: list[tuple[Site, list[str]]] = []
    for site in sites:
        keys = site_keys(site, landings.get(site.id)) or [f"site:{site.id}"]
        for key in keys:
            union(keys[0], key)
        keyed.append((site, keys))
    members: dict[str, list[Site]] = {}
    for site, keys in keyed:
        members.setdefault(find(keys[0]), []).append(site)
    domains: dict[str, set[str]] = {}
    for key in parent:
        domains.setdefault(find(key), set()).add(key)
    return [
        Group(root, tuple(group_sites), tuple(sorted(domains[root])))
        for root, group_sites in members.items()
    ]


def batches(groups: Sequence[Group], count: int) -> list[tuple[Group, ...]]:
    """The groups packed into at most `count` batches of about equal sites, each group whole
    (the largest first, each into the batch holding fewest sites so far); deterministic."""
    count = max(1, min(count, len(groups)))
    bins: list[list[Group]] = [[] for _ in range(count)]
    lightest = [(0, i) for i in range(count)]  # (sites, batch): a heap
    for group in sorted(groups, key=lambda g: (-len(g.sites), g.name)):
        size, index = heapq.heappop(lightest)
        bins[index].append(group)
        heapq.heappush(lightest, (size + len(group.sites), index))
    return [tuple(b) for b in bins if b]


@dataclass(frozen=True)
class Shard:
    """`--shard I/N`: the I-th of N disjoint parts of the groups (0 <= I < N)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """ "3/16" -> Shard(3, 16); ValueError saying what is wrong otherwise."""
        index, sep, count = text.partition("/")
        if sep and index.strip().isdigit() and count.strip().isdigit():
            shard = cls(int(index), int(count))
            if 0 <= shard.index < shard.count:
                return shard
        raise ValueError(
            _("expected I/N with 0 <= I < N, e.g. 0/4; got {text!r}").format(text=text)
        )

    def owns(self, group: Group) -> bool:
        # CRC-32, not hash(): Python salts string hashes per process
        return zlib.crc32(group.name.encode()) % self.count == self.index

    def select(self, groups: Iterable[Group]) -> list[Group]:
        return [g for g in groups if self.owns(g)]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def landings(report: Report) -> dict[str, str]:
    """Site id -> the URL its home page landed on, as a previous report's `site.reachable`
    evidence recorded it (a shared platform reached by redirect is known only so)."""
    found: dict[str, str] = {}
    for site, result in report.results():
        if result.rule != "site.reachable":
            continue
        for evidence in result.evidence:
            if isinstance(evidence, HttpEvidence) and evidence.final_url:
                found[site.id] = evidence.final_url
    return found
