"""The command line: options in, `gkaudit.audit` does the work (exit codes: see there).

The language (`--lang`) and the colours (`--color`) are settled once at start-up, before any text
is rendered, the help included (`commands.startup`); the commands declare them for `--help` and so
that they may follow the command name. Each option is declared once, in `commands.options`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer

from gkaudit import __version__
from gkaudit.audit import Audit, Settings, load_checks
from gkaudit.commands import demo as demo_command
from gkaudit.commands import diff as diff_command
from gkaudit.commands import history as history_command
from gkaudit.commands import merge as merge_command
from gkaudit.commands import options as o
from gkaudit.commands import scan as scan_command
from gkaudit.commands import startup
from gkaudit.commands.defaults import DefaultsError
from gkaudit.commands.defaults import load as configured
from gkaudit.commands.options import opt
from gkaudit.executors.select import ExecutorKind
from gkaudit.exits import EXIT_CONFIG, EXIT_INTERNAL, EXIT_OK, FailOn, UsageError
from gkaudit.i18n import N_, _
from gkaudit.net.browser import BrowserMode
from gkaudit.reporters import plan as plan_reporter
from gkaudit.reporters.console import Color, consoles
from gkaudit.suggest import unknown

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
out, err = consoles(Color.AUTO)
T = TypeVar("T")
P = ParamSpec("P")


def fail(message: str) -> NoReturn:
    err.print(_("error: {message}").format(message=message), soft_wrap=True, markup=False)
    raise typer.Exit(EXIT_CONFIG)


def usage(step: Callable[P, T], *args: P.args, **kw: P.kwargs) -> T:
    """`step(*args, **kw)`, or exit 2 with the message of its `UsageError`."""
    try:
        return step(*args, **kw)
    except UsageError as exc:
        fail(str(exc))


def _version(value: bool) -> None:
    if value:
        out.print(f"gkaudit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def gkaudit(
    version: Annotated[bool, opt("--version", "-V", is_eager=True, callback=_version)] = False,
) -> None:
    """Audit government portals against an openness plan (政务公开工作要点)."""


@app.command()
def scan(
    ctx: typer.Context,
    sites_file: Annotated[Path, typer.Argument(help=N_("The portals to audit."))] = Path(
        "sites.yaml"
    ),
    plan: o.Plan = None,
    rule: Annotated[o.Many, opt("--rule", "-r")] = None,
    site: Annotated[o.Many, opt("--site", "-s")] = None,
    json_path: o.JsonOut = None,
    junit_path: o.JunitOut = None,
    sarif_path: o.SarifOut = None,
    markdown_path: o.MarkdownOut = None,
    xlsx_path: o.XlsxOut = None,
    csv_path: o.CsvOut = None,
    html_path: o.HtmlOut = None,
    notify: o.Notify = None,
    notify_format: o.NotifyAs = None,
    baseline: Annotated[o.File, opt("--baseline", "-b")] = None,
    waivers: o.Waivers = None,
    db: o.Db = None,
    no_db: Annotated[bool, opt("--no-db")] = False,
    fail_on: o.FailOnLevel = FailOn.FAIL,
    as_of: o.AsOf = None,
    nameserver: Annotated[o.Many, opt("--nameserver")] = None,
    ns_port: Annotated[int, opt("--ns-port", min=1, max=65535)] = 53,
    concurrency: Annotated[int, opt("--concurrency", "-j", min=0)] = 0,
    per_host: Annotated[int, opt("--per-host", min=1)] = 2,
    timeout: Annotated[float, opt("--timeout", "-t", min=0.1)] = 15.0,
    retries: Annotated[int, opt("--retries", min=0)] = 2,
    sites_in_flight: Annotated[int, opt("--sites-in-flight", min=0)] = 0,
    site_budget: Annotated[float, opt("--site-budget", min=1)] = 600.0,
    max_pages: Annotated[int, opt("--max-pages", min=1)] = 400,
    ignore_robots: Annotated[bool, opt("--ignore-robots")] = False,
    allow_private: Annotated[bool, opt("--allow-private")] = False,
    user_agent: Annotated[str | None, opt("--user-agent")] = None,
    browser: o.Browser = BrowserMode.AUTO,
    obstacles: Annotated[list[Path] | None, opt("--obstacles")] = None,
    plugins: o.Plugins = None,
    executor: Annotated[ExecutorKind, opt("--executor")] = ExecutorKind.LOCAL,
    scheduler: Annotated[str | None, opt("--scheduler")] = None,
    workers: Annotated[int | None, opt("--workers", min=1)] = None,
    shard: Annotated[str | None, opt("--shard", metavar="I/N")] = None,
    quiet: Annotated[bool, opt("--quiet", "-q")] = False,
    no_progress: o.NoProgress = False,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Audit the portals of SITES_FILE against the plan and report."""
    settings = usage(scan_command.settings, ctx.params)
    raise typer.Exit(usage(lambda: Audit(settings, out, err).execute()))


@app.command()
def validate(
    sites_file: Annotated[Path, typer.Argument(help=N_("The portals to check."))] = Path(
        "sites.yaml"
    ),
    plan: o.Plan = None,
    plugins: o.Plugins = None,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Check SITES_FILE and the plan without sending a request."""
    settings = Settings(
        sites_file=sites_file, plans=tuple(plan or ()), plugins=tuple(plugins or ())
    )
    loaded = usage(Audit, settings, out, err)
    plan_reporter.validated(sites_file, len(loaded.sites), loaded.plan, out)


@app.command()
def rules(
    plan: o.Plan = None,
    plugins: o.Plugins = None,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """List the rules of the plan."""
    _registry, loaded = usage(load_checks, plan or (), plugins or ())
    plan_reporter.rules(loaded, out)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help=N_("A rule id, e.g. ipv6.aaaa, or a check name."))],
    plan: o.Plan = None,
    plugins: o.Plugins = None,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Print what a rule checks, why, and what passes and fails."""
    registry, loaded = usage(load_checks, plan or (), plugins or ())
    rule = next((r for r in loaded.rules if r.id == rule_id), None)
    check = registry.get(rule.check if rule else rule_id)
    if check is None:
        fail(unknown(_("rule"), rule_id, [r.id for r in loaded.rules] + registry.names()))
    plan_reporter.explain(check, rule, out)


@app.command()
def demo(
    ctx: typer.Context,
    serve: Annotated[
        bool, opt("--serve", help=N_("Keep the demo fleet up for your own scans."))
    ] = False,
    as_of: o.AsOf = None,
    json_path: o.JsonOut = None,
    junit_path: o.JunitOut = None,
    sarif_path: o.SarifOut = None,
    markdown_path: o.MarkdownOut = None,
    xlsx_path: o.XlsxOut = None,
    csv_path: o.CsvOut = None,
    html_path: o.HtmlOut = None,
    notify: o.Notify = None,
    notify_format: o.NotifyAs = None,
    no_progress: o.NoProgress = False,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Start the demo fleet on loopback, scan it with the default plan, print the report."""
    today = usage(o.as_date, as_of)
    if serve:
        from gkaudit.demo.fleet import serve_forever

        serve_forever(today)
        return
    raise typer.Exit(usage(demo_command.run, today, ctx.params, out=out, err=err))


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help=N_("The baseline report (JSON)."))],
    new: Annotated[Path, typer.Argument(help=N_("The newer report (JSON)."))],
    waivers: o.Waivers = None,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Regressions, fixes, still failing and newly inconclusive between two reports."""
    raise typer.Exit(usage(diff_command.run, old, new, waivers, out))


@app.command()
def history(
    db: o.Db = None,
    site: Annotated[str | None, opt("--site", "-s", help=N_("Only this site."))] = None,
    rule: Annotated[str | None, opt("--rule", "-r", help=N_("Only this rule."))] = None,
    as_json: Annotated[bool, opt("--json", help=N_("JSON for machines."))] = False,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Per site and rule: the current status, since when, and the last change."""
    raise typer.Exit(usage(history_command.show, db, site, rule, as_json=as_json, out=out, err=err))


@app.command()
def merge(
    reports: Annotated[list[Path], typer.Argument(help=N_("The shards' JSON reports."))],
    output: Annotated[Path, opt("--output", "-o", help=N_("The merged report ('-': stdout)."))],
    sites_file: Annotated[
        Path | None, opt("--sites", help=N_("List the sites in the order of this sites file."))
    ] = None,
    db: Annotated[
        Path | None, opt("--db", help=N_("Record the merged run in this history."))
    ] = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """Merge the JSON reports of one scan's shards (--shard I/N) into the report of the run."""
    raise typer.Exit(usage(merge_command.run, reports, output, sites_file, db, err))


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"gkaudit {__version__}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: settle language and colours, run the command; an unexpected exception is
    an internal error (exit 3)."""
    global out, err
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        defaults = configured(startup.flag(args, "--config"), os.environ, Path.cwd())
    except DefaultsError as exc:
        out, err = startup.settle(args)
        err.print(_("error: {message}").format(message=exc), soft_wrap=True, markup=False)
        sys.exit(EXIT_CONFIG)
    out, err = startup.settle(args, defaults=defaults)
    command = typer.main.get_command(app)
    startup.translate(command)
    default_map = defaults.default_map(getattr(command, "commands", {}))
    try:
        command.main(args=args, prog_name="gkaudit", standalone_mode=True, default_map=default_map)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("GKAUDIT_DEBUG"):
            raise
        startup.internal_error(exc, err)
        sys.exit(EXIT_INTERNAL)
