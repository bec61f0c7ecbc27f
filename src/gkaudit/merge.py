"""`gkaudit merge`: the shard reports of one scan (`--shard I/N`) made into the report of the run.

Shards of one scan share the plan and the as-of date; reports that do not are refused, as are
two shards listing the same site (overlapping shards would count it twice). The merged report
lists the sites in the order of `order` (the sites file) when given, else shard by shard; it
started when the first shard started, finished when the last finished, and is incomplete when
any shard is.
"""

from __future__ import annotations

from collections.abc import Sequence

from gkaudit.i18n import _
from gkaudit.model import Report, SiteReport, Summary


class MergeError(Exception):
    """The reports are not shards of one scan."""


def merge(reports: Sequence[tuple[str, Report]], order: Sequence[str] = ()) -> Report:
    """Merge `(name, report)` pairs (the name, a file path, is what errors cite)."""
    if not reports:
        raise MergeError(_("nothing to merge: give the shard reports"))
    first_name, first = reports[0]
    seen: dict[str, str] = {}
    sites: list[SiteReport] = []
    for name, report in reports:
        if report.plans != first.plans:
            raise MergeError(
                _("{name}: a report of another plan ({plan}) than {first} ({first_plan})").format(
                    name=name,
                    plan=_plans(report),
                    first=first_name,
                    first_plan=_plans(first),
                )
            )
        if report.as_of != first.as_of:
            raise MergeError(
                _("{name}: as of {as_of}, but {first} is as of {first_as_of}").format(
                    name=name, as_of=report.as_of, first=first_name, first_as_of=first.as_of
                )
            )
        for site in report.sites:
            if site.id in seen:
                raise MergeError(
                    _("site {site} is in both {first} and {name}: shards may not overlap").format(
                        site=site.id, first=seen[site.id], name=name
                    )
                )
            seen[site.id] = name
            sites.append(site)
    if order:
        rank = {site_id: i for i, site_id in enumerate(order)}
        sites.sort(key=lambda s: rank.get(s.id, len(rank)))
    merged = tuple(sites)
    return first.model_copy(
        update={
            "started_at": min(r.started_at for _, r in reports),
            "finished_at": max(r.finished_at for _, r in reports),
            "sites": merged,
            "summary": Summary.of(merged),
            "incomplete": any(r.incomplete for _, r in reports),
        }
    )


def _plans(report: Report) -> str:
    return "; ".join(f"{p.document}, {p.source}" for p in report.plans)
