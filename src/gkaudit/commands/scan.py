"""`gkaudit scan`'s options made into the audit's `Settings`.

The CLI hands over click's parsed parameters (`ctx.params`, keyed by the parameter names of
`gkaudit.cli.scan`); the names are pinned by the CLI tests, which run every option.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gkaudit.audit import Settings
from gkaudit.commands.options import as_date, nameservers
from gkaudit.engine import ScanSettings
from gkaudit.executors.groups import Shard
from gkaudit.executors.select import Distribution, ExecutorUnavailable
from gkaudit.exits import UsageError
from gkaudit.i18n import _
from gkaudit.net.guard import allowed_by_environment
from gkaudit.net.http import DEFAULT_USER_AGENT, FetchSettings
from gkaudit.outputs import Outputs


def outputs(params: Mapping[str, Any]) -> Outputs:
    """The report files asked for (`scan` and `demo` take the same options)."""
    return Outputs(
        json=params.get("json_path"),
        junit=params.get("junit_path"),
        sarif=params.get("sarif_path"),
        markdown=params.get("markdown_path"),
        xlsx=params.get("xlsx_path"),
        csv=params.get("csv_path"),
        html=params.get("html_path"),
        docs_url=params.get("docs_url"),
    )


def settings(params: Mapping[str, Any]) -> Settings:
    """The `Settings` of one `gkaudit scan`; `UsageError` for a value click cannot check."""
    p = params
    fetch = FetchSettings(
        timeout=p["timeout"],
        retries=p["retries"],
        concurrency=p["concurrency"],
        per_host=p["per_host"],
        user_agent=p["user_agent"] or DEFAULT_USER_AGENT,
        allow_private=p["allow_private"] or allowed_by_environment(),
    )
    scan = ScanSettings(
        as_of=as_date(p["as_of"]),
        nameservers=nameservers(p["nameserver"] or ()),
        authoritative_port=p["ns_port"],
        sites_in_flight=p["sites_in_flight"],
        site_budget=p["site_budget"],
        max_pages=p["max_pages"],
        respect_robots=not p["ignore_robots"],
        fetch=fetch,
        browser=p["browser"],
    )
    return Settings(
        distribution=distribution(p),
        sites_file=p["sites_file"],
        plans=tuple(p["plan"] or ()),
        plugins=tuple(p["plugins"] or ()),
        sites=tuple(p["site"] or ()),
        rules=tuple(p["rule"] or ()),
        outputs=outputs(p),
        baseline=p["baseline"],
        waivers=p["waivers"],
        obstacles=tuple(p["obstacles"] or ()),
        db=p["db"],
        record=not p["no_db"],
        fail_on=p["fail_on"],
        scan=scan,
        quiet=p["quiet"],
        progress=not p["no_progress"],
        notify=tuple(p["notify"] or ()),
        notify_format=p["notify_format"],
    )


def distribution(params: Mapping[str, Any]) -> Distribution:
    """`--executor`, `--scheduler`, `--workers` and `--shard`, checked together."""
    shard = None
    if params["shard"] is not None:
        try:
            shard = Shard.parse(params["shard"])
        except ValueError as exc:
            raise UsageError(_("--shard: {reason}").format(reason=exc)) from None
    try:
        return Distribution(params["executor"], params["scheduler"], params["workers"], shard)
    except ExecutorUnavailable as exc:
        raise UsageError(str(exc)) from None
