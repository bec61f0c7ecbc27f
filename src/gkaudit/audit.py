"""The audit: one run from its settings to its exit code, in flake8's `Application` shape.

    audit = Audit(settings, out, err)   # load the plan, the sites, waivers, baseline; check paths
    report = audit.run()                # the engine, with progress; Ctrl-C gives a partial report
    comparison = audit.compare(report)  # with the baseline, if there is one
    audit.write(report, comparison)     # terminal report, report files, history
    code = audit.exit_code(report, comparison)

`Audit.execute()` is those steps, for `gkaudit scan` and `gkaudit demo`. Everything that can be
wrong with the input is found by the constructor, before the first request (`UsageError`, exit
2). Whatever runs the sites' audits (this process, a Dask cluster: `settings.distribution`), this
process alone writes the reports and the history; the exit code follows from the report alone
(`exit_code`), wherever it was scanned.

Exit codes: see `gkaudit.exits`; interrupted (130), the reports of the sites that finished are
written, the history is not. Where the report files go, and their checks: `gkaudit.outputs`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rich.console import Console

from gkaudit.baseline import BaselineError, Comparison, compare, load_report
from gkaudit.config import ConfigError, load_obstacles, load_sites, select_sites
from gkaudit.engine import Engine, ScanSettings
from gkaudit.executors import ExecutorError
from gkaudit.executors.driver import Driver
from gkaudit.executors.groups import landings
from gkaudit.executors.select import Distribution, runner
from gkaudit.exits import EXIT_INTERRUPTED, FailOn, UsageError, exit_code
from gkaudit.falsealarms import FalseAlarm
from gkaudit.history import HistoryError, HistoryStore, default_db_path
from gkaudit.i18n import _, ngettext
from gkaudit.model import PlanSet, Report, Site
from gkaudit.net.browser import BrowserMode, unavailable
from gkaudit.net.obstacles import combined
from gkaudit.notify import NotifyFormat, Target, send
from gkaudit.outputs import Outputs, check_writable, write_text
from gkaudit.plans import load_plans, select_rules
from gkaudit.plugins import PluginError, Registry
from gkaudit.reporters import comparison as comparison_reporter
from gkaudit.reporters import terminal
from gkaudit.reporters.past import Past
from gkaudit.reporters.progress import Tracker, progress
from gkaudit.waivers import Waiver, WaiverError, load_false_alarms, load_waivers, mark_waivers


def _today() -> ScanSettings:
    return ScanSettings(as_of=dt.date.today())


@dataclass(frozen=True)
class Settings:
    """Everything one audit needs, whichever of flags, environment or config file set it."""

    #: None when the caller brings its sites (`demo`, a worker).
    sites_file: Path | None = Path("sites.yaml")
    #: The plans of the scan (files or packaged names); none: the default plan.
    plans: tuple[Path, ...] = ()
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
    #: Where the groups of sites run (`--executor`...), and which share of them (`--shard`).
    distribution: Distribution = field(default_factory=Distribution)


class Audit:
    """One audit run; the constructor loads and checks every input (raises `UsageError`)."""

    def __init__(self, settings: Settings, out: Console, err: Console) -> None:
        self.settings = settings
        self.err = err
        # With a report on stdout, stdout carries that document only; the human text moves over.
        self.out = err if settings.outputs.to_stdout else out
        self.interrupted = False
        self.false_alarms: tuple[FalseAlarm, ...] = ()
        self.registry, self.plan = load_checks(settings.plans, settings.plugins)
        self.sites = self._load_sites()
        self.waivers = self._load_waivers()
        self.scan_settings = self._scan_settings()
        self.baseline = self._load_baseline()
        self.targets = self._load_targets()
        settings.outputs.check()
        self._check_db()

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
            self.false_alarms = tuple(load_false_alarms(self.settings.waivers))
        except WaiverError as exc:
            raise UsageError(str(exc)) from None
        return waivers

    def _scan_settings(self) -> ScanSettings:
        scan = replace(self.settings.scan, false_alarms=self.false_alarms)
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
        documents = {plan.document for plan in self.plan.plans}
        if not any(plan.document in documents for plan in old.plans):
            raise UsageError(
                _("--baseline {path}: a report of another plan ({old}), not {new}").format(
                    path=path,
                    old=old.document,
                    new=" + ".join(plan.document for plan in self.plan.plans),
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

    def _check_db(self) -> None:
        db = self.settings.db
        if self.settings.record and db is not None:
            check_writable("--db", db)
            if db.exists():
                try:
                    HistoryStore(db).close()
                except HistoryError as exc:
                    raise UsageError(str(exc)) from None

    # --- running --------------------------------------------------------------------------

    def runner(self, sites: Sequence[Site]) -> tuple[Engine | Driver, list[Site]]:
        """What runs this scan (the engine here, or the driver of `settings.distribution`) and
        the sites it audits: all of `sites`, or a shard's. The baseline tells where portals
        landed last time, for the politeness groups."""
        return runner(
            self.settings.distribution,
            self.plan,
            self.registry,
            self.scan_settings,
            sites,
            plugins=self.settings.plugins,
            landed=landings(self.baseline) if self.baseline is not None else None,
            notice=self.warn,
        )

    def run(self, sites: Sequence[Site] | None = None) -> Report:
        """Scan `sites` (default: the loaded ones) with a progress bar; Ctrl-C or SIGTERM ends
        the scan with the report of the sites that finished (`interrupted` is then True). The
        findings the waivers file names carry their waiver, and those it strikes their false-alarm
        mark (`Result.marks`)."""
        engine, todo = self.runner(self.sites if sites is None else sites)
        show = self.settings.progress and not self.settings.quiet

        async def main(bar: Tracker) -> Report:
            task = asyncio.current_task()
            loop = asyncio.get_running_loop()
            assert task is not None
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, task.cancel)
            try:
                if isinstance(engine, Engine):
                    return await engine.run(todo, on_site=bar.finished, on_start=bar.started)
                # a driver's sites start on the executor's side, out of this process's sight
                return await engine.run(todo, on_site=bar.finished)
            except asyncio.CancelledError:
                self.interrupted = True
                return engine.report(incomplete=True)
            finally:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

        with progress(self.err, len(todo), enabled=show) as bar:
            try:
                return mark_waivers(asyncio.run(main(bar)), self.waivers)
            except ExecutorError as exc:
                raise UsageError(str(exc)) from None

    def compare(self, report: Report) -> Comparison | None:
        """`report` against the baseline; a shard's against the baseline's sites of the shard
        (the others are not removed, they are another shard's)."""
        baseline = self.baseline
        if baseline is None:
            return None
        if self.settings.distribution.shard is not None:
            mine = {site.id for site in report.sites}
            baseline = baseline.model_copy(
                update={"sites": tuple(s for s in baseline.sites if s.id in mine)}
            )
        try:
            comparison = compare(baseline, report, self.waivers)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        if baseline.incomplete and comparison.new_sites:
            self.warn(
                ngettext(
                    "baseline {path} is an interrupted scan: {n} site of this scan is not in it "
                    "and is not gated: {sites}",
                    "baseline {path} is an interrupted scan: {n} sites of this scan are not in it "
                    "and are not gated: {sites}",
                    len(comparison.new_sites),
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


def load_checks(plans: Sequence[Path | None], plugins: Sequence[Path]) -> tuple[Registry, PlanSet]:
    """The checks and the plans (none: the default plan); `UsageError` naming what is wrong."""
    try:
        registry = Registry.load(plugins)
        return registry, load_plans(plans, registry)
    except (ConfigError, PluginError) as exc:
        raise UsageError(str(exc)) from None
