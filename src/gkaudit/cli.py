"""The command line: parse options, call config, engine and reporters, and pick the exit code.

Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage or configuration
error; 3 internal error; 130 interrupted (the report of what finished is still written).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from gkaudit import __version__, falsealarms
from gkaudit.baseline import BaselineError, Comparison, compare, load_report, render_comparison
from gkaudit.config import (
    ConfigError,
    load_obstacles,
    load_plan,
    load_sites,
    select_rules,
    select_sites,
)
from gkaudit.engine import Engine, ScanSettings
from gkaudit.history import (
    HistoryError,
    HistoryStore,
    default_db_path,
    render_history,
    render_history_json,
)
from gkaudit.model import Plan, Report, Site, SiteReport, Status
from gkaudit.net.browser import BrowserMode, unavailable
from gkaudit.net.dns import parse_nameserver
from gkaudit.net.http import DEFAULT_USER_AGENT, FetchSettings
from gkaudit.net.obstacles import Markers, combined
from gkaudit.plugins import PluginError, Registry
from gkaudit.reporters import json as json_reporter
from gkaudit.reporters import junit, markdown, sarif, terminal
from gkaudit.waivers import (
    Waiver,
    WaiverError,
    apply_waivers,
    load_false_alarms,
    load_waivers,
)

EXIT_OK, EXIT_FINDINGS, EXIT_CONFIG, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

app = typer.Typer(
    help="Audit government portals against an openness plan (政务公开工作要点).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


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


def _usage_error(message: str) -> NoReturn:
    err.print("[bold red]error:[/] ", end="")
    err.print(message, soft_wrap=True, markup=False)
    raise typer.Exit(EXIT_CONFIG)


def _load(
    sites_path: Path,
    plan_path: Path | None,
    plugins: Sequence[Path],
    site_ids: Sequence[str] = (),
    rule_ids: Sequence[str] = (),
) -> tuple[tuple[Site, ...], Plan, Registry]:
    registry, plan = _plan(plan_path, plugins)
    try:
        sites = select_sites(load_sites(sites_path), site_ids)
        return sites, select_rules(plan, rule_ids), registry
    except ConfigError as exc:
        _usage_error(str(exc))


def _plan(plan: Path | None, plugins: Sequence[Path] | None) -> tuple[Registry, Plan]:
    """The checks and the plan, or exit 2 naming what is wrong with them."""
    try:
        registry = Registry.load(plugins or [])
        return registry, load_plan(plan, registry)
    except (ConfigError, PluginError) as exc:
        _usage_error(str(exc))


def _obstacles(paths: Sequence[Path]) -> Markers | None:
    """The user's obstacle markers before the packaged ones, or exit 2 naming what is wrong."""
    if not paths:
        return None
    try:
        return combined([load_obstacles(p) for p in paths])
    except ConfigError as exc:
        _usage_error(str(exc))


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _usage_error(f"--as-of: not a date (YYYY-MM-DD): {value!r}")


def _check_nameservers(values: Sequence[str]) -> tuple[str, ...]:
    for value in values:
        try:
            parse_nameserver(value)
        except ValueError:
            _usage_error(f"--nameserver: expected IP or IP:PORT, got {value!r}")
    return tuple(values)


SitesArg = Annotated[Path, typer.Argument(help="The portals to audit.", show_default=True)]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        help="Plan file, or a packaged plan's name: dalian-2022 (the default), gwjc-2019.",
    ),
]
PluginsOpt = Annotated[
    list[Path] | None, typer.Option("--plugins", help="Directory of extra check modules.")
]


@app.command()
def scan(
    sites_file: SitesArg = Path("sites.yaml"),
    plan: PlanOpt = None,
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="Only this rule (repeatable).")
    ] = None,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="Only this site (repeatable).")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here.")
    ] = None,
    junit_path: Annotated[
        Path | None, typer.Option("--junit", help="Write JUnit XML here.")
    ] = None,
    sarif_path: Annotated[
        Path | None, typer.Option("--sarif", help="Write SARIF 2.1.0 here.")
    ] = None,
    markdown_path: Annotated[
        Path | None, typer.Option("--markdown", help="Write a Markdown summary here.")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="A previous JSON report to compare with.")
    ] = None,
    waivers_path: Annotated[
        Path | None, typer.Option("--waivers", help="Accepted failures (waivers.yaml).")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="History database (SQLite).")] = None,
    no_db: Annotated[bool, typer.Option("--no-db", help="Do not record this scan.")] = False,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 at or above this.")
    ] = FailOn.FAIL,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Today, for date rules (YYYY-MM-DD).")
    ] = None,
    nameserver: Annotated[
        list[str] | None, typer.Option("--nameserver", help="DNS server IP[:PORT] (repeatable).")
    ] = None,
    ns_port: Annotated[
        int,
        typer.Option(
            "--ns-port", min=1, max=65535, help="Port of the portals' authoritative DNS servers."
        ),
    ] = 53,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight, in all.")] = 50,
    per_host: Annotated[
        int, typer.Option("--per-host", min=1, help="Requests in flight per host.")
    ] = 2,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds per request.")] = 15.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries of transient failures.")] = 2,
    sites_in_flight: Annotated[
        int,
        typer.Option(
            "--sites-in-flight",
            min=0,
            help="Sites scanned at once (0: 2 x concurrency / per-host); memory grows with it.",
        ),
    ] = 0,
    site_budget: Annotated[
        float, typer.Option("--site-budget", min=1, help="Seconds one site may take in all.")
    ] = 600.0,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="Pages per site.")] = 400,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Crawl pages robots.txt disallows.")
    ] = False,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="User-Agent header (default names gkaudit).")
    ] = None,
    browser: Annotated[
        BrowserMode,
        typer.Option(
            "--browser",
            help="Headless Chromium for challenge-gated and script-built pages: auto (when "
            "installed), never, always (required).",
        ),
    ] = BrowserMode.AUTO,
    obstacles: Annotated[
        list[Path] | None,
        typer.Option(
            "--obstacles",
            help="More firewall/block/maintenance page markers (YAML, as obstacles.yaml).",
        ),
    ] = None,
    plugins: PluginsOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No terminal report.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Audit the portals of SITES_FILE against the plan and report."""
    sites, plan_model, registry = _load(sites_file, plan, plugins or [], site or [], rule or [])
    if fail_on is FailOn.REGRESSION and baseline is None:
        _usage_error("--fail-on regression needs --baseline REPORT.json")
    waivers = _waivers(waivers_path)
    if waivers_path is not None:  # read without error by _waivers just now
        falsealarms.active.set(tuple(load_false_alarms(waivers_path)))
    old = _baseline(baseline) if baseline is not None else None
    if old is not None and old.plan.document != plan_model.document:
        _usage_error(
            f"--baseline {baseline}: a report of another plan ({old.plan.document}), "
            f"not {plan_model.document}"
        )
    if browser is BrowserMode.ALWAYS and (missing := unavailable()) is not None:
        _usage_error(f"--browser always: {missing}")
    settings = ScanSettings(
        as_of=_as_of(as_of),
        browser=browser,
        nameservers=_check_nameservers(nameserver or []),
        authoritative_port=ns_port,
        sites_in_flight=sites_in_flight,
        site_budget=site_budget,
        max_pages=max_pages,
        respect_robots=not ignore_robots,
        fetch=FetchSettings(
            timeout=timeout,
            retries=retries,
            concurrency=concurrency,
            per_host=per_host,
            user_agent=user_agent or DEFAULT_USER_AGENT,
            obstacles=_obstacles(obstacles or []),
        ),
    )
    report, interrupted = run_scan(
        Engine(plan_model, registry, settings), sites, progress=not (no_progress or quiet)
    )
    comparison = _compare(old, report, waivers) if old is not None else None
    if not quiet:
        terminal.render(report, out)
        if comparison is not None:
            out.print()
            out.print(render_comparison(comparison), markup=False, highlight=False, soft_wrap=True)
    for path, render in (
        (json_path, json_reporter.render),
        (junit_path, junit.render),
        (sarif_path, lambda r: sarif.render(r, sarif.SitesFile.read(sites_file))),
        (markdown_path, markdown.render),
    ):
        if path is not None:
            _write(path, render(report))
    if interrupted:
        err.print("interrupted: the reports cover the sites that finished; history not recorded")
        raise typer.Exit(EXIT_INTERRUPTED)
    if not no_db:
        _record(db or default_db_path(), report)
    raise typer.Exit(exit_code(report, fail_on, waivers, comparison))


def exit_code(
    report: Report,
    fail_on: FailOn,
    waivers: Sequence[Waiver] = (),
    comparison: Comparison | None = None,
) -> int:
    """1 when a finding reaches `--fail-on` (waived findings aside), else 0."""
    if fail_on is FailOn.REGRESSION:
        return EXIT_FINDINGS if comparison is not None and comparison.failed else EXIT_OK
    waived = {
        key
        for key, match in apply_waivers(report, waivers, report.as_of).items()
        if not match.expired
    }
    failing = FAILING[fail_on]
    return (
        EXIT_FINDINGS
        if any(
            r.status in failing and (site.id, r.rule) not in waived for site, r in report.results()
        )
        else EXIT_OK
    )


def _waivers(path: Path | None) -> list[Waiver]:
    if path is None:
        return []
    try:
        return load_waivers(path)
    except WaiverError as exc:
        _usage_error(str(exc))


def _baseline(path: Path) -> Report:
    try:
        return load_report(path)
    except BaselineError as exc:
        _usage_error(str(exc))


def _compare(old: Report, new: Report, waivers: Sequence[Waiver]) -> Comparison:
    try:
        return compare(old, new, waivers)
    except BaselineError as exc:
        _usage_error(str(exc))


def _record(path: Path, report: Report) -> None:
    try:
        with HistoryStore(path) as store:
            store.record(report)
    except HistoryError as exc:
        err.print(f"warning: history not recorded: {exc}", soft_wrap=True, markup=False)


def run_scan(engine: Engine, sites: Sequence[Site], *, progress: bool) -> tuple[Report, bool]:
    """Run the engine with a progress bar; Ctrl-C or SIGTERM ends it with a partial report."""
    show = progress and err.is_terminal
    bar = Progress(
        TextColumn("[bold]scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=not show,
    )

    async def main() -> tuple[Report, bool]:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        job = bar.add_task("", total=len(sites))

        def done(site: SiteReport) -> None:
            bar.update(job, advance=1, description=site.id)

        try:
            return await engine.run(sites, on_site=done), False
        except asyncio.CancelledError:
            return engine.report(incomplete=True), True
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    with bar, _quiet_collector():
        return asyncio.run(main())


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """A scan makes millions of short-lived objects; the collector's default gen-0 threshold
    (700) had it walk them constantly. Freezing what exists at start (modules, plan, sites) and
    collecting less often cut the polite-audit benchmark's CPU by 13% (bench/README.md)."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        _usage_error(f"cannot write {path}: {exc.strerror or exc}")


@app.command()
def validate(
    sites_file: SitesArg = Path("sites.yaml"), plan: PlanOpt = None, plugins: PluginsOpt = None
) -> None:
    """Check SITES_FILE and the plan without sending a request."""
    sites, plan_model, _ = _load(sites_file, plan, plugins or [])
    out.print(
        f"{sites_file}: {len(sites)} sites; {plan_model.source}: {len(plan_model.rules)} rules; OK"
    )


@app.command()
def rules(plan: PlanOpt = None, plugins: PluginsOpt = None) -> None:
    """List the rules of the plan."""
    _, plan_model = _plan(plan, plugins)
    out.print(
        Text.assemble(
            (plan_model.title, "bold"), f" ({plan_model.document}) · {plan_model.source}"
        ),
        soft_wrap=True,
    )
    for r in plan_model.rules:
        kinds = ", ".join(map(str, r.applies_to))
        out.print(
            Text.assemble(
                "  ",
                (r.id, "bold"),
                f" {r.clause} {r.title}  ",
                (f"check {r.check}; {r.severity.value}; applies to {kinds}", "dim"),
            ),
            soft_wrap=True,
        )


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. ipv6.aaaa, or a check name.")],
    plan: PlanOpt = None,
    plugins: PluginsOpt = None,
) -> None:
    """Print what a rule checks, why, and what passes and fails."""
    registry, plan_model = _plan(plan, plugins)
    rule = next((r for r in plan_model.rules if r.id == rule_id), None)
    check = registry.get(rule.check if rule else rule_id)
    if check is None:
        known = ", ".join(r.id for r in plan_model.rules)
        _usage_error(f"unknown rule {rule_id!r} (rules of this plan: {known})")
    if rule is not None:
        kinds = ", ".join(map(str, rule.applies_to))
        out.print(Text.assemble((rule.id, "bold"), f" {rule.clause} {rule.title}"), soft_wrap=True)
        out.print(
            f"check: {check.name} · severity: {rule.severity.value} · applies to: {kinds}",
            markup=False,
        )
    params = check.params.model_validate(rule.params if rule else {})
    out.print()
    out.print(Markdown(check.manual))
    fields = params.model_dump()
    if fields:
        out.print()
        out.print(Text("Params (in effect for this rule):", style="bold"))
        for name, value in fields.items():
            description = check.params.model_fields[name].description or ""
            out.print(Text.assemble(f"  {name} = {value!r}  ", (description, "dim")))


@app.command()
def demo(
    serve: Annotated[
        bool, typer.Option("--serve", help="Keep the demo fleet up for your own scans.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Today, for date rules (YYYY-MM-DD).")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here.")
    ] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Start the demo fleet on loopback, scan it with the default plan, print the report."""
    from gkaudit.demo import DemoFleet, serve_forever

    today = _as_of(as_of)
    if serve:
        serve_forever(today)
        return
    registry, plan_model = _plan(None, None)
    with DemoFleet(today, slow_seconds=DEMO_TIMEOUT * 4) as fleet:
        settings = ScanSettings(
            as_of=today,
            nameservers=(fleet.nameserver,),
            authoritative_port=fleet.dns.port,
            fetch=FetchSettings(timeout=DEMO_TIMEOUT, retries=1, interval=0.0, allow_private=True),
        )
        out.print(
            f"demo fleet: {len(fleet.sites)} portals on 127.0.0.1 and [::1] port "
            f"{fleet.http_port}, DNS at {fleet.nameserver}; timeout {DEMO_TIMEOUT:g} s",
            style="dim",
            markup=False,
            soft_wrap=True,
        )
        report, interrupted = run_scan(
            Engine(plan_model, registry, settings), fleet.sites, progress=not no_progress
        )
    terminal.render(report, out)
    if json_path is not None:
        _write(json_path, json_reporter.render(report))
    raise typer.Exit(EXIT_INTERRUPTED if interrupted else EXIT_OK)


#: The demo's slow portal outlasts this; a short timeout keeps the demo quick.
DEMO_TIMEOUT = 2.0


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The baseline report (JSON).")],
    new: Annotated[Path, typer.Argument(help="The newer report (JSON).")],
    waivers_path: Annotated[
        Path | None, typer.Option("--waivers", help="Accepted failures (waivers.yaml).")
    ] = None,
) -> None:
    """Regressions, fixes, still failing and newly inconclusive between two reports."""
    comparison = _compare(_baseline(old), _baseline(new), _waivers(waivers_path))
    out.print(render_comparison(comparison), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FINDINGS if comparison.failed else EXIT_OK)


@app.command()
def history(
    db: Annotated[Path | None, typer.Option("--db", help="History database (SQLite).")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only this site.")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for machines.")] = False,
) -> None:
    """Per site and rule: the current status, since when, and the last change."""
    path = db or default_db_path()
    if not path.exists():
        err.print(f"no history at {path}: run `gkaudit scan` first", soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_OK)
    try:
        with HistoryStore(path) as store:
            entries = store.timeline(site=site, rule=rule)
    except HistoryError as exc:
        _usage_error(str(exc))
    text = render_history_json(entries) if as_json else render_history(entries)
    out.print(text, markup=False, highlight=False, soft_wrap=True)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"gkaudit {__version__}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the app; an unexpected exception is an internal error (exit 3)."""
    runner: Callable[..., object] = app
    try:
        runner(
            args=list(argv) if argv is not None else None, prog_name="gkaudit", standalone_mode=True
        )
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("GKAUDIT_DEBUG"):
            raise
        err.print(
            f"gkaudit: internal error: {type(exc).__name__}: {exc}\n"
            "(set GKAUDIT_DEBUG=1 for the traceback, and please report it)",
            soft_wrap=True,
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
