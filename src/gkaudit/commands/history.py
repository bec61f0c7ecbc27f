"""`gkaudit history`: where each (site, rule) stands in the history database, as text or JSON."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from gkaudit.exits import EXIT_OK, UsageError
from gkaudit.history import HistoryError, HistoryStore, default_db_path
from gkaudit.i18n import _
from gkaudit.reporters import history as history_reporter
from gkaudit.suggest import unknown


def show(
    db: Path | None,
    site: str | None,
    rule: str | None,
    *,
    as_json: bool,
    out: Console,
    err: Console,
) -> int:
    """Print the standing of `site`/`rule` (all without them); `UsageError` for an id the history
    has never seen (with the nearest known ones) or a database gkaudit cannot read."""
    path = db or default_db_path()
    if not path.exists():
        err.print(
            _("no history at {path}: run `gkaudit scan` first").format(path=path),
            soft_wrap=True,
            markup=False,
        )
        return EXIT_OK
    try:
        with HistoryStore(path) as store:
            entries = store.timeline(site=site, rule=rule)
            if not entries and (site or rule):
                sites, rules = store.known()
                if site is not None and site not in sites:
                    raise UsageError(unknown(_("site"), site, sites))
                if rule is not None and rule not in rules:
                    raise UsageError(unknown(_("rule"), rule, rules))
    except HistoryError as exc:
        raise UsageError(str(exc)) from None
    text = history_reporter.render_json(entries) if as_json else history_reporter.render(entries)
    out.print(text, markup=False, highlight=False, soft_wrap=True, end="")
    return EXIT_OK
