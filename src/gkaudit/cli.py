"""The command line: options in, `gkaudit.audit` does the work (exit codes: see there).

The language (`--lang`) and the colours (`--color`) are settled once at start-up, before any text
is rendered, the help included (`commands.startup`); the commands declare them for `--help` and so
that they may follow the command name. Each option is declared once, in `commands.options`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from gkaudit import __version__
from gkaudit.audit import Audit
from gkaudit.commands import demo as demo_command
from gkaudit.commands import diff as diff_command
from gkaudit.commands import history as history_command
from gkaudit.commands import merge as merge_command
from gkaudit.commands import options as o
from gkaudit.commands import plans as plans_command
from gkaudit.commands import scan as scan_command
from gkaudit.commands import startup
from gkaudit.commands.options import opt
from gkaudit.commands.terminal import Terminal
from gkaudit.executors.select import ExecutorKind
from gkaudit.exits import EXIT_OK, FailOn
from gkaudit.i18n import N_
from gkaudit.net.browser import BrowserMode
from gkaudit.reporters.console import Color, consoles

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
#: The consoles every command writes to, settled by `startup.main` before click parses.
term = Terminal(*consoles(Color.AUTO))


def _version(value: bool) -> None:
    if value:
        term.out.print(f"gkaudit {__version__}")
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
    docs_url: o.DocsUrl = None,
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
    settings = term.usage(scan_command.settings, ctx.params)
    raise typer.Exit(term.usage(lambda: Audit(settings, term.out, term.err).execute()))


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
    term.usage(plans_command.validate, sites_file, plan or (), plugins or (), term.out, term.err)


@app.command()
def rules(
    plan: o.Plan = None,
    plugins: o.Plugins = None,
    config: o.Config = None,
    lang: o.Lang = None,
    color: o.Colors = Color.AUTO,
) -> None:
    """List the rules of the plan."""
    term.usage(plans_command.rules, plan or (), plugins or (), term.out)


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
    term.usage(plans_command.explain, rule_id, plan or (), plugins or (), term.out)


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
    docs_url: o.DocsUrl = None,
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
    today = term.usage(o.as_date, as_of)
    raise typer.Exit(term.usage(demo_command.run, today, ctx.params, out=term.out, err=term.err))


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
    raise typer.Exit(term.usage(diff_command.run, old, new, waivers, term.out))


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
    raise typer.Exit(
        term.usage(
            history_command.show, db, site, rule, as_json=as_json, out=term.out, err=term.err
        )
    )


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
    raise typer.Exit(term.usage(merge_command.run, reports, output, sites_file, db, term.err))


@app.command()
def version() -> None:
    """Print the version."""
    term.out.print(f"gkaudit {__version__}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: settle language and colours, run the command; an unexpected exception is
    an internal error (exit 3)."""
    startup.main(app, argv, term)
