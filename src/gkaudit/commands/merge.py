"""`gkaudit merge`: the shards' JSON reports of one scan written as the report of the run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from gkaudit.baseline import BaselineError, load_report
from gkaudit.config import ConfigError, load_sites
from gkaudit.exits import EXIT_OK, UsageError
from gkaudit.history import HistoryError, HistoryStore
from gkaudit.i18n import _
from gkaudit.merge import MergeError, merge
from gkaudit.outputs import check_writable, is_stdout, write_text
from gkaudit.reporters import json as json_reporter


def run(
    reports: Sequence[Path],
    output: Path,
    sites_file: Path | None,
    db: Path | None,
    err: Console,
) -> int:
    """Merge `reports` into `output`, its sites in `sites_file` order when given, and record the
    merged run in the history `db` when given (the shards of a distributed scan record nothing
    themselves); a site of `sites_file` that no shard reported is named, and the merged report
    is then incomplete (and not recorded, like an interrupted scan)."""
    if not is_stdout(output):
        check_writable("--output", output)
    if db is not None:
        check_writable("--db", db)
    try:
        order = [site.id for site in load_sites(sites_file)] if sites_file else []
        shards = [(str(path), load_report(path)) for path in reports]
        merged = merge(shards, order)
    except (BaselineError, ConfigError, MergeError) as exc:
        raise UsageError(str(exc)) from None
    reported = {site.id for site in merged.sites}
    if missing := [site_id for site_id in order if site_id not in reported]:
        warning = _("{n} sites of {file} are in no shard's report (a shard missing?): {sites}")
        err.print(
            _("warning: {message}").format(
                message=warning.format(n=len(missing), file=sites_file, sites=", ".join(missing))
            ),
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
        merged = merged.model_copy(update={"incomplete": True})
    write_text(output, json_reporter.render_parts(merged))
    if db is not None and not merged.incomplete:
        try:
            with HistoryStore(db) as store:
                store.record(merged)
        except HistoryError as exc:
            raise UsageError(_("history not recorded: {reason}").format(reason=exc)) from None
    return EXIT_OK
