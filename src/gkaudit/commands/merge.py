"""`gkaudit merge`: the shards' JSON reports of one scan written as the report of the run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from gkaudit.baseline import BaselineError, load_report
from gkaudit.config import ConfigError, load_sites
from gkaudit.exits import EXIT_OK, UsageError
from gkaudit.i18n import _
from gkaudit.merge import MergeError, merge
from gkaudit.outputs import check_writable, is_stdout, write_text
from gkaudit.reporters import json as json_reporter


def run(reports: Sequence[Path], output: Path, sites_file: Path | None, err: Console) -> int:
    """Merge `reports` into `output`, its sites in `sites_file` order when given; a site of
    `sites_file` that no shard reported is named, and the merged report is then incomplete."""
    if not is_stdout(output):
        check_writable("--output", output)
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
    write_text(output, json_reporter.render(merged))
    return EXIT_OK
