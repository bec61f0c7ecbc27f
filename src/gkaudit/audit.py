"""The audit: one run from its settings to its exit code, in flake8's `Application` shape.

    audit = Audit(settings, out, err)   # load the plan, the sites, waivers, baseline; check paths
    report = audit.run()                # the engine, with progress; Ctrl-C gives a partial report
    comparison = audit.compare(report)  # with the baseline, if there is one
    audit.write(report, comparison)     # terminal report, report files, history
    code = audit.exit_code(report, comparison)

`Audit.execute()` is those steps, for `gkaudit scan` and `gkaudit demo`. Everything that can be
wrong with the input is found by the constructor, before the first request (`UsageError`, exit
2). A worker scanning a share of the sites elsewhere calls `await audit.scan(sites)` and writes
nothing; the exit code follows from the report alone (`exit_code`), wherever it was scanned.

Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage or
configuration error; 3 internal error, including a check that crashed (its result is `error`
naming the crash, and every report is still written); 130 interrupted (the reports of the sites
that finished are written, the history is not).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from rich.console import Console

from gkaudit import falsealarms
from gkaudit.baseline import BaselineError, Comparison, compare, load_report
from gkaudit.config import (
    ConfigError,
    load_obstacles,
    load_plan,
    load_sites,
    select_rules,
    select_sites,
)
from gkaudit.engine import INTERNAL_ERROR, Engine, ScanSettings
from gkaudit.history import HistoryError, HistoryStore, default_db_path
from gkaudit.i18n import _
from gkaudit.model import Plan, Report, Site, SiteReport, Status
from gkaudit.net.browser import BrowserMode, unavailable
from gkaudit.net.obstacles import combined
from gkaudit.notify import NotifyFormat, Target, send
from gkaudit.plugins import PluginError, Registry
from gkaudit.reporters import comparison as comparison_reporter
from gkaudit.reporters import csv as csv_reporter
from gkaudit.reporters import html as html_reporter
from gkaudit.reporters import json as json_reporter
from gkaudit.reporters import junit, markdown, sarif, terminal, xlsx
from gkaudit.reporters.past import Past
from gkaudit.reporters.progress import progress
from gkaudit.waivers import (
    Waiver,
    WaiverError,
    apply_waivers,
    load_false_alarms,
    load_waivers,
)

EXIT_OK, EXIT_FINDINGS, EXIT_CONFIG, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: An output path that means standard output.
STDOUT = "-"


class FailOn(StrEnum):
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"
    REGRESSION = "regression"
    NEVER = "never"


#: The statuses that make `scan` exit 1 for each `--fail-on` level.
FAILING: dict[FailOn, frozenset[Status]] = {
    FailOn.FAIL: frozenset({Status.FAIL}),
    FailOn.WARN: frozenset({Status.FAIL, Status.WARN}),
    FailOn.ERROR: frozenset({Status.FAIL, Status.WARN, Status.ERROR}),
    FailOn.REGRESSION: frozenset(),
    FailOn.NEVER: frozenset(),
}


class UsageError(Exception):
    """Input the audit cannot use (exit 2); the message names the file, line and field."""


Renderer = Callable[[Report], str | bytes]


@dataclass(frozen=True)
class Outputs:
    """Where each report format goes: a file, `-` for stdout, or None."""

    json: Path | None = None
    junit: Path | None = None
    sarif: Path | None = None
    markdown: Path | None = None
    #: The 整改清单 (XLSX, CSV) and the self-contained HTML report; they show the history.
    xlsx: Path | None = None
    csv: Path | None = None
    html: Path | None = None

    def items(
        self, sites_file: Path | None = None, past: Past | None = None
    ) -> list[tuple[str, Path, Renderer]]:
        """(option, path, renderer) of each output asked for; SARIF locates each result at its
        site's line of `sites_file`; the 整改清单 and the HTML report show `past`."""

        def sarif_render(report: Report) -> str:
            lines = sarif.SitesFile.read(sites_file) if sites_file is not None else None
            return sarif.render(report, lines)

        named: tuple[tuple[str, Path | None, Renderer], ...] = (
            ("--json", self.json, json_reporter.render),
            ("--junit", self.junit, junit.render),
            ("--sarif", self.sarif, sarif_render),
            ("--markdown", self.markdown, markdown.render),
            ("--xlsx", self.xlsx, lambda report: xlsx.render(report, past)),
            ("--csv", self.csv, lambda report: csv_reporter.render(report, past)),
            ("--html", self.html, lambda report: html_reporter.render(report, past)),
        )
        return [(option, path, render) for option, path, render in named if path is not None]

    @property
    def shows_past(self) -> bool:
        return any(path is not None for path in (self.xlsx, self.csv, self.html))

    @property
    def to_stdout(self) -> bool:
        return any(str(path) == STDOUT for _option, path, _render in self.items())


def _today() -> ScanSettings:
    return ScanSettings(as_of=dt.date.today())


@dataclass(frozen=True)
class Settings:
    """Everything one audit needs, whichever of flags, environment or config file set it."""

    #: None when the caller brings its sites (`demo`, a worker).
    sites_file: Path | None = Path("sites.yaml")
    plan: Path | None = None
    plugins: tuple[Path, ...] = ()
    sites: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    outputs: Outputs = field(default_factory=Outputs)
    baseline: Path | None = None
    #: The waivers file; its `false_alarms:` (核减) are marked in the checks' findings too.
    waivers: Path | None = None
    #: Obstacle marker files read before the packaged ones.
    obstacles: tuple[Path, ...] = ()
    #: The history database; None: the default one in the user's data directory.
    db: Path | None = None
    record: bool = True
    fail_on: FailOn = FailOn.FAIL
    scan: ScanSettings = field(default_factory=_today)
    quiet: bool = False
    progress: bool = True
    #: Webhooks told the outcome after the reports are written (`URL[#SECRET]`).
    notify: tuple[str, ...] = ()
    #: Their format; None: told from each URL's host.
    notify_format: NotifyFormat | None = None


class Audit:
    """One audit run; the constructor loads and checks every input (raises `UsageError`)."""

    def __init__(self, settings: Settings, out: Console, err: Console) -> None:
        self.settings = settings
        self.err = err
        # With a report on stdout, stdout carries that document only; the human text moves over.
        self.out = err if settings.outputs.to_stdout else out
        self.interrupted = False
        self.registry, self.plan = load_checks(settings.plan, settings.plugins)
        self.sites = self._load_sites()
        self.waivers = self._load_waivers()
        self.scan_settings = self._scan_settings()
        self.baseline = self._load_baseline()
        self.targets = self._load_targets()
        self._check_outputs()

    # --- loading --------------------------------------------------------------------------

    def _load_sites(self) -> tuple[Site, ...]:
        s = self.settings
        try:
            self.plan = select_rules(self.plan, s.rules)
            if s.sites_file is None:
                return ()
            return select_sites(load_sites(s.sites_file), s.sites)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None

    def _load_waivers(self) -> list[Waiver]:
        if self.settings.waivers is None:
            return []
        try:
            waivers = load_waivers(self.settings.waivers)
            falsealarms.active.set(tuple(load_false_alarms(self.settings.waivers)))
        except WaiverError as exc:
            raise UsageError(str(exc)) from None
        return waivers

    def _scan_settings(self) -> ScanSettings:
        scan = self.settings.scan
        if scan.browser is BrowserMode.ALWAYS and (missing := unavailable()) is not None:
            raise UsageError(_("--browser always: {reason}").format(reason=missing))
        if not self.settings.obstacles:
            return scan
        try:
            markers = combined([load_obstacles(path) for path in self.settings.obstacles])
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        return replace(scan, fetch=replace(scan.fetch, obstacles=markers))

    def _load_baseline(self) -> Report | None:
        path, fail_on = self.settings.baseline, self.settings.fail_on
        if fail_on is FailOn.REGRESSION and path is None:
            raise UsageError(_("--fail-on regression needs --baseline REPORT.json"))
        if path is None:
            return None
        if not path.exists():
            # The first scheduled run has no previous report yet; it becomes the baseline.
            self.warn(
                _(
                    "baseline {path} does not exist yet: this is taken as the first run, and "
                    "nothing is compared or gated as a regression"
                ).format(path=path)
            )
            return None
        try:
            old = load_report(path)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        if old.plan.document != self.plan.document:
            raise UsageError(
                _("--baseline {path}: a report of another plan ({old}), not {new}").format(
                    path=path, old=old.plan.document, new=self.plan.document
                )
            )
        return old

    def _load_targets(self) -> tuple[Target, ...]:
        try:
            return tuple(
                Target.parse(spec, self.settings.notify_format) for spec in self.settings.notify
            )
        except ValueError as exc:
            raise UsageError(_("--notify: {reason}").format(reason=exc)) from None

    def _check_outputs(self) -> None:
        """Every path the run will write, checked now: a scan must not fail at its end."""
        outputs = self.settings.outputs.items()
        if sum(str(path) == STDOUT for _option, path, _render in outputs) > 1:
            raise UsageError(_("only one report can go to stdout ('-')"))
        if str(self.settings.outputs.xlsx) == STDOUT and sys.stdout.isatty():
            raise UsageError(
                _(
                    "--xlsx -: a workbook is binary and stdout is a terminal; name a file or "
                    "redirect stdout (--xlsx - > report.xlsx)"
                )
            )
        seen: dict[Path, str] = {}
        for option, path, _render in outputs:
            if str(path) == STDOUT:
                continue
            if path.resolve() in seen:
                raise UsageError(
                    _("{option} {path}: also the file of {other}").format(
                        option=option, path=path, other=seen[path.resolve()]
                    )
                )
            seen[path.resolve()] = option
            check_writable(option, path)
        if self.settings.record and self.settings.db is not None:
            check_writable("--db", self.settings.db)
            if self.settings.db.exists():
                try:
                    HistoryStore(self.settings.db).close()
                except HistoryError as exc:
                    raise UsageError(str(exc)) from None

    # --- running --------------------------------------------------------------------------

    def engine(self) -> Engine:
        return Engine(self.plan, self.registry, self.scan_settings)

    async def scan(
        self, sites: Sequence[Site], on_site: Callable[[SiteReport], None] | None = None
    ) -> Report:
        """The report of `sites`, nothing written: the entry point of a worker."""
        return await self.engine().run(sites, on_site=on_site)

    def run(self, sites: Sequence[Site] | None = None) -> Report:
        """Scan `sites` (default: the loaded ones) with a progress bar; Ctrl-C or SIGTERM ends
        the scan with the report of the sites that finished (`interrupted` is then True)."""
        todo = self.sites if sites is None else tuple(sites)
        engine = self.engine()
        show = self.settings.progress and not self.settings.quiet

        async def main(done: Callable[[SiteReport], None]) -> Report:
            task = asyncio.current_task()
            loop = asyncio.get_running_loop()
            assert task is not None
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, task.cancel)
            try:
                return await engine.run(todo, on_site=done)
            except asyncio.CancelledError:
                self.interrupted = True
                return engine.report(incomplete=True)
            finally:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

        with progress(self.err, len(todo), enabled=show) as done:
            return asyncio.run(main(done))

    def compare(self, report: Report) -> Comparison | None:
        if self.baseline is None:
            return None
        try:
            comparison = compare(self.baseline, report, self.waivers)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        if self.baseline.incomplete and comparison.new_sites:
            self.warn(
                _(
                    "baseline {path} is an interrupted scan: {n} sites of this scan are not in it "
                    "and are not gated: {sites}"
                ).format(
                    path=self.settings.baseline,
                    n=len(comparison.new_sites),
                    sites=", ".join(comparison.new_sites),
                )
            )
        return comparison

    # --- writing --------------------------------------------------------------------------

    def write(self, report: Report, comparison: Comparison | None) -> None:
        """The terminal report, the report files, and (unless interrupted) the history."""
        if not self.settings.quiet:
            terminal.render(report, self.out)
            if comparison is not None:
                self.out.print()
                self.out.print(
                    comparison_reporter.render(comparison),
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                    end="",
                )
        past = self._history(report)
        for _option, path, render in self.settings.outputs.items(self.settings.sites_file, past):
            write_text(path, render(report))
        if self.interrupted:
            self.warn(
                _("interrupted: the reports cover the sites that finished; history not recorded")
            )
        for failure in send(self.targets, report, comparison):
            self.warn(failure)

    def _history(self, report: Report) -> Past | None:
        """Record `report` (unless interrupted) and read what the history says about it for the
        reports that show it; None without a history database."""
        shows = self.settings.outputs.shows_past
        if not self.settings.record or (self.interrupted and not shows):
            return None
        try:
            with HistoryStore(self.settings.db or default_db_path()) as store:
                if not self.interrupted:
                    store.record(report)
                return Past.of(store, report) if shows else None
        except HistoryError as exc:
            self.warn(_("history not recorded: {reason}").format(reason=exc))
            return None

    def exit_code(self, report: Report, comparison: Comparison | None) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return exit_code(report, self.settings.fail_on, self.waivers, comparison)

    def execute(self, sites: Sequence[Site] | None = None) -> int:
        """Scan, compare, write, and the exit code: the whole `gkaudit scan`."""
        report = self.run(sites)
        comparison = self.compare(report)
        self.write(report, comparison)
        return self.exit_code(report, comparison)

    def warn(self, message: str) -> None:
        self.err.print(
            _("warning: {message}").format(message=message),
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def load_checks(plan: Path | None, plugins: Sequence[Path]) -> tuple[Registry, Plan]:
    """The checks and the plan; `UsageError` naming what is wrong with them."""
    try:
        registry = Registry.load(plugins)
        return registry, load_plan(plan, registry)
    except (ConfigError, PluginError) as exc:
        raise UsageError(str(exc)) from None


def exit_code(
    report: Report,
    fail_on: FailOn,
    waivers: Sequence[Waiver] = (),
    comparison: Comparison | None = None,
) -> int:
    """3 if a check crashed; else 1 when a finding reaches `--fail-on` (waived ones aside)."""
    if any(r.metrics.get(INTERNAL_ERROR) is True for _site, r in report.results()):
        return EXIT_INTERNAL
    if fail_on is FailOn.REGRESSION:
        return EXIT_FINDINGS if comparison is not None and comparison.failed else EXIT_OK
    waived = {
        key
        for key, match in apply_waivers(report, waivers, report.as_of).items()
        if not match.expired
    }
    failing = FAILING[fail_on]
    counted = (r.status in failing and (s.id, r.rule) not in waived for s, r in report.results())
    return EXIT_FINDINGS if any(counted) else EXIT_OK


def check_writable(option: str, path: Path) -> None:
    """`UsageError` unless `path` can be written: a file (not a folder) in an existing folder.
    Missing folders are not created: a typo in a path would otherwise scatter reports."""
    folder = path.parent
    if path.is_dir():
        raise UsageError(
            _("{option} {path}: is a folder; name a file").format(option=option, path=path)
        )
    if not folder.is_dir():
        raise UsageError(
            _("{option} {path}: the folder {folder} does not exist (create it first)").format(
                option=option, path=path, folder=folder
            )
        )
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise UsageError(_("{option} {path}: not writable").format(option=option, path=path))


def write_text(path: Path, text: str | bytes) -> None:
    """`text` (bytes as they are, text in UTF-8) into `path`, or onto stdout for `-`."""
    if str(path) == STDOUT:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    try:
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            _("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
