"""The command line: options in, `gkaudit.audit` does the work (exit codes: see there).

The language (`--lang`) and the colours (`--color`) are settled once at start-up, before any text
is rendered, the help included (`main`); the commands declare them for `--help` and so that they
may follow the command name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.markdown import Markdown
from rich.text import Text

from gkaudit import __version__, i18n
from gkaudit.audit import (
    EXIT_CONFIG,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    Audit,
    FailOn,
    Outputs,
    Settings,
    UsageError,
    load_checks,
)
from gkaudit.baseline import BaselineError, compare, load_report
from gkaudit.engine import ScanSettings
from gkaudit.history import HistoryError, HistoryStore, default_db_path
from gkaudit.i18n import N_, _, ngettext
from gkaudit.model import Severity
from gkaudit.net.browser import BrowserMode
from gkaudit.net.dns import parse_nameserver
from gkaudit.net.guard import allowed_by_environment
from gkaudit.net.http import DEFAULT_USER_AGENT, FetchSettings
from gkaudit.notify import NotifyFormat
from gkaudit.reporters import comparison as comparison_reporter
from gkaudit.reporters import history as history_reporter
from gkaudit.reporters.console import Color, consoles
from gkaudit.suggest import unknown
from gkaudit.waivers import WaiverError, load_waivers

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
out, err = consoles(Color.AUTO)
T = TypeVar("T")

#: Every option's help, in one place, marked for the catalogue and translated at start-up.
HELP = {
    "--allow-private": N_(
        "Connect to loopback, private, link-local and cloud-metadata addresses too "
        "(GKAUDIT_ALLOW_PRIVATE=1)."
    ),
    "--as-of": N_("Today, for date rules (YYYY-MM-DD)."),
    "--browser": N_(
        "Headless Chromium for challenge-gated and script-built pages: auto (when installed), "
        "never, always (required)."
    ),
    "--baseline": N_("A previous JSON report to compare with."),
    "--color": N_("Colours: auto (a terminal; NO_COLOR, FORCE_COLOR), always or never."),
    "--concurrency": N_("Requests in flight, in all."),
    "--db": N_("History database (SQLite)."),
    "--fail-on": N_("Exit 1 at or above this."),
    "--ignore-robots": N_("Crawl pages robots.txt disallows."),
    "--json": N_("Write the JSON report here ('-': stdout)."),
    "--junit": N_("Write JUnit XML here ('-': stdout)."),
    "--lang": N_("Language of the output: zh or en (default: the locale)."),
    "--markdown": N_("Write a Markdown summary here ('-': stdout)."),
    "--xlsx": N_("Write the rectification list (XLSX) here ('-': stdout, not a terminal)."),
    "--csv": N_("Write the rectification list (CSV, UTF-8 for Excel) here ('-': stdout)."),
    "--html": N_("Write the self-contained HTML report here ('-': stdout)."),
    "--notify": N_(
        "Post the summary and regressions to this webhook, URL[#SECRET] (WeCom, DingTalk, "
        "Feishu or JSON; repeatable)."
    ),
    "--notify-format": N_("Format of the --notify webhooks (default: told from the host)."),
    "--max-pages": N_("Pages per site."),
    "--nameserver": N_("DNS server IP[:PORT] (repeatable)."),
    "--no-db": N_("Do not record this scan."),
    "--no-progress": N_("No progress bar."),
    "--obstacles": N_("More firewall/block/maintenance page markers (YAML, as obstacles.yaml)."),
    "--ns-port": N_("Port of the portals' authoritative DNS servers."),
    "--per-host": N_("Requests in flight per host."),
    "--plan": N_("Plan file, or a packaged plan's name: dalian-2022 (the default), gwjc-2019."),
    "--plugins": N_("Directory of extra check modules."),
    "--quiet": N_("No terminal report."),
    "--retries": N_("Retries of transient failures."),
    "--rule": N_("Only this rule (repeatable)."),
    "--sarif": N_("Write SARIF 2.1.0 here ('-': stdout)."),
    "--site": N_("Only this site (repeatable)."),
    "--site-budget": N_("Seconds one site may take in all."),
    "--sites-in-flight": N_(
        "Sites scanned at once (0: at most 2 x concurrency / per-host, the fleet in equal waves)."
    ),
    "--timeout": N_("Seconds per request."),
    "--user-agent": N_("User-Agent header (default names gkaudit)."),
    "--version": N_("Print the version and exit."),
    "--waivers": N_("Accepted failures (waivers.yaml)."),
}


def opt(*names: str, **kw: Any) -> Any:
    return typer.Option(*names, help=kw.pop("help", None) or HELP[names[0]], **kw)


Plan = Annotated[Path | None, opt("--plan", "-p")]
Plugins = Annotated[list[Path] | None, opt("--plugins")]
AsOf = Annotated[str | None, opt("--as-of")]
NoProgress = Annotated[bool, opt("--no-progress")]
Waivers = Annotated[Path | None, opt("--waivers")]
Db = Annotated[Path | None, opt("--db")]
Lang = Annotated[str | None, opt("--lang")]
Colors = Annotated[Color, opt("--color")]
File = Path | None
#: Severity words apart from the status words: `error` is a severity here, not "inconclusive".
SEVERITY = {Severity.ERROR: N_("severity error"), Severity.WARNING: N_("severity warning")}
Many = list[str] | None


def fail(message: str) -> NoReturn:
    err.print(_("error: {message}").format(message=message), soft_wrap=True, markup=False)
    raise typer.Exit(EXIT_CONFIG)


def as_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    # Strictly YYYY-MM-DD: date.fromisoformat also takes 20261201 and 2026-W48-2.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    fail(_("--as-of: not a date (YYYY-MM-DD): {value!r}").format(value=value))


def nameservers(values: Sequence[str]) -> tuple[str, ...]:
    for value in values:
        try:
            parse_nameserver(value)
        except ValueError:
            fail(_("--nameserver: expected IP or IP:PORT, got {value!r}").format(value=value))
    return tuple(values)


def usage(step: Callable[[], T]) -> T:
    """`step()`, or exit 2 with the message of its `UsageError`."""
    try:
        return step()
    except UsageError as exc:
        fail(str(exc))


def _kinds(kinds: Sequence[object]) -> str:
    """Site kinds in words; a tag (`applies_to` may name one) as it is written."""
    return ", ".join(_(str(kind)) for kind in kinds)


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
    sites_file: Annotated[Path, typer.Argument(help=N_("The portals to audit."))] = Path(
        "sites.yaml"
    ),
    plan: Plan = None,
    rule: Annotated[Many, opt("--rule", "-r")] = None,
    site: Annotated[Many, opt("--site", "-s")] = None,
    json_path: Annotated[File, opt("--json", "-o")] = None,
    junit_path: Annotated[File, opt("--junit")] = None,
    sarif_path: Annotated[File, opt("--sarif")] = None,
    markdown_path: Annotated[File, opt("--markdown")] = None,
    xlsx_path: Annotated[File, opt("--xlsx")] = None,
    csv_path: Annotated[File, opt("--csv")] = None,
    html_path: Annotated[File, opt("--html")] = None,
    notify: Annotated[Many, opt("--notify")] = None,
    notify_format: Annotated[NotifyFormat | None, opt("--notify-format")] = None,
    baseline: Annotated[File, opt("--baseline", "-b")] = None,
    waivers: Waivers = None,
    db: Db = None,
    no_db: Annotated[bool, opt("--no-db")] = False,
    fail_on: Annotated[FailOn, opt("--fail-on")] = FailOn.FAIL,
    as_of: AsOf = None,
    nameserver: Annotated[Many, opt("--nameserver")] = None,
    ns_port: Annotated[int, opt("--ns-port", min=1, max=65535)] = 53,
    concurrency: Annotated[int, opt("--concurrency", "-j", min=1)] = 50,
    per_host: Annotated[int, opt("--per-host", min=1)] = 2,
    timeout: Annotated[float, opt("--timeout", "-t", min=0.1)] = 15.0,
    retries: Annotated[int, opt("--retries", min=0)] = 2,
    sites_in_flight: Annotated[int, opt("--sites-in-flight", min=0)] = 0,
    site_budget: Annotated[float, opt("--site-budget", min=1)] = 600.0,
    max_pages: Annotated[int, opt("--max-pages", min=1)] = 400,
    ignore_robots: Annotated[bool, opt("--ignore-robots")] = False,
    allow_private: Annotated[bool, opt("--allow-private")] = False,
    user_agent: Annotated[str | None, opt("--user-agent")] = None,
    browser: Annotated[BrowserMode, opt("--browser")] = BrowserMode.AUTO,
    obstacles: Annotated[list[Path] | None, opt("--obstacles")] = None,
    plugins: Plugins = None,
    quiet: Annotated[bool, opt("--quiet", "-q")] = False,
    no_progress: NoProgress = False,
    lang: Lang = None,
    color: Colors = Color.AUTO,
) -> None:
    """Audit the portals of SITES_FILE against the plan and report."""
    fetch = FetchSettings(
        timeout=timeout,
        retries=retries,
        concurrency=concurrency,
        per_host=per_host,
        user_agent=user_agent or DEFAULT_USER_AGENT,
        allow_private=allow_private or allowed_by_environment(),
    )
    scan = ScanSettings(
        as_of=as_date(as_of),
        nameservers=nameservers(nameserver or ()),
        authoritative_port=ns_port,
        sites_in_flight=sites_in_flight,
        site_budget=site_budget,
        max_pages=max_pages,
        respect_robots=not ignore_robots,
        fetch=fetch,
        browser=browser,
    )
    outputs = Outputs(
        json=json_path,
        junit=junit_path,
        sarif=sarif_path,
        markdown=markdown_path,
        xlsx=xlsx_path,
        csv=csv_path,
        html=html_path,
    )
    settings = Settings(
        sites_file=sites_file,
        plan=plan,
        plugins=tuple(plugins or ()),
        sites=tuple(site or ()),
        rules=tuple(rule or ()),
        outputs=outputs,
        baseline=baseline,
        waivers=waivers,
        obstacles=tuple(obstacles or ()),
        db=db,
        record=not no_db,
        fail_on=fail_on,
        scan=scan,
        quiet=quiet,
        progress=not no_progress,
        notify=tuple(notify or ()),
        notify_format=notify_format,
    )
    raise typer.Exit(usage(lambda: Audit(settings, out, err).execute()))


@app.command()
def validate(
    sites_file: Annotated[Path, typer.Argument(help=N_("The portals to check."))] = Path(
        "sites.yaml"
    ),
    plan: Plan = None,
    plugins: Plugins = None,
    lang: Lang = None,
    color: Colors = Color.AUTO,
) -> None:
    """Check SITES_FILE and the plan without sending a request."""
    settings = Settings(sites_file=sites_file, plan=plan, plugins=tuple(plugins or ()))

    loaded = usage(lambda: Audit(settings, out, err))
    n_sites, n_rules = len(loaded.sites), len(loaded.plan.rules)
    for path, count in (
        (sites_file, ngettext("{n} site", "{n} sites", n_sites).format(n=n_sites)),
        (loaded.plan.source, ngettext("{n} rule", "{n} rules", n_rules).format(n=n_rules)),
    ):
        out.print(f"{path}: {count}", markup=False, highlight=False, soft_wrap=True)
    out.print(_("OK"))


@app.command()
def rules(
    plan: Plan = None, plugins: Plugins = None, lang: Lang = None, color: Colors = Color.AUTO
) -> None:
    """List the rules of the plan."""
    _registry, loaded = usage(lambda: load_checks(plan, plugins or ()))
    out.print(
        Text.assemble((loaded.title, "bold"), f" ({loaded.document}) · {loaded.source}"),
        soft_wrap=True,
    )
    for r in loaded.rules:
        facts = _("check {check}; {severity}; applies to {kinds}").format(
            check=r.check, severity=_(SEVERITY[r.severity]), kinds=_kinds(r.applies_to)
        )
        out.print(
            Text.assemble("  ", (r.id, "bold"), f" {r.clause} {r.title}  ", (facts, "dim")),
            soft_wrap=True,
        )


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help=N_("A rule id, e.g. ipv6.aaaa, or a check name."))],
    plan: Plan = None,
    plugins: Plugins = None,
    lang: Lang = None,
    color: Colors = Color.AUTO,
) -> None:
    """Print what a rule checks, why, and what passes and fails."""
    registry, loaded = usage(lambda: load_checks(plan, plugins or ()))
    rule = next((r for r in loaded.rules if r.id == rule_id), None)
    check = registry.get(rule.check if rule else rule_id)
    if check is None:
        fail(unknown(_("rule"), rule_id, [r.id for r in loaded.rules] + registry.names()))
    if rule is not None:
        out.print(Text.assemble((rule.id, "bold"), f" {rule.clause} {rule.title}"), soft_wrap=True)
        facts = _("check: {check} · {severity} · applies to: {kinds}").format(
            check=check.name, severity=_(SEVERITY[rule.severity]), kinds=_kinds(rule.applies_to)
        )
        out.print(facts, markup=False, highlight=False)
    params = check.params.model_validate(rule.params if rule else {})
    out.print()
    out.print(Markdown(check.manual))
    fields = params.model_dump()
    if fields:
        out.print()
        out.print(Text(_("Params (in effect for this rule):"), style="bold"))
        for name, value in fields.items():
            description = check.params.model_fields[name].description or ""
            out.print(Text.assemble(f"  {name} = {value!r}  ", (description, "dim")))


#: The demo's slow portal outlasts this; a short timeout keeps the demo quick.
DEMO_TIMEOUT = 2.0


@app.command()
def demo(
    serve: Annotated[
        bool, opt("--serve", help=N_("Keep the demo fleet up for your own scans."))
    ] = False,
    as_of: AsOf = None,
    json_path: Annotated[File, opt("--json", "-o")] = None,
    no_progress: NoProgress = False,
    lang: Lang = None,
    color: Colors = Color.AUTO,
) -> None:
    """Start the demo fleet on loopback, scan it with the default plan, print the report."""
    from gkaudit.demo import DemoFleet, serve_forever

    today = as_date(as_of)
    if serve:
        serve_forever(today)
        return
    with DemoFleet(today, slow_seconds=DEMO_TIMEOUT * 4) as fleet:
        scan = ScanSettings(
            as_of=today,
            nameservers=(fleet.nameserver,),
            authoritative_port=fleet.dns.port,
            fetch=FetchSettings(timeout=DEMO_TIMEOUT, retries=1, interval=0.0, allow_private=True),
        )
        settings = Settings(
            sites_file=None,
            outputs=Outputs(json=json_path),
            record=False,
            fail_on=FailOn.NEVER,
            scan=scan,
            progress=not no_progress,
        )
        run = usage(lambda: Audit(settings, out, err))
        banner = _(
            "demo fleet: {n} portals on 127.0.0.1 and [::1] port {port}, DNS at {dns}; "
            "timeout {timeout:g} s"
        ).format(
            n=len(fleet.sites), port=fleet.http_port, dns=fleet.nameserver, timeout=DEMO_TIMEOUT
        )
        run.out.print(banner, style="dim", markup=False, soft_wrap=True)
        report = run.run(fleet.sites)
    run.write(report, None)
    raise typer.Exit(run.exit_code(report, None))


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help=N_("The baseline report (JSON)."))],
    new: Annotated[Path, typer.Argument(help=N_("The newer report (JSON)."))],
    waivers: Waivers = None,
    lang: Lang = None,
    color: Colors = Color.AUTO,
) -> None:
    """Regressions, fixes, still failing and newly inconclusive between two reports."""
    try:
        accepted = load_waivers(waivers) if waivers is not None else []
        comparison = compare(load_report(old), load_report(new), accepted)
    except (BaselineError, WaiverError) as exc:
        fail(str(exc))
    text = comparison_reporter.render(comparison)
    out.print(text, markup=False, highlight=False, soft_wrap=True, end="")
    raise typer.Exit(EXIT_FINDINGS if comparison.failed else EXIT_OK)


@app.command()
def history(
    db: Db = None,
    site: Annotated[str | None, opt("--site", "-s", help=N_("Only this site."))] = None,
    rule: Annotated[str | None, opt("--rule", "-r", help=N_("Only this rule."))] = None,
    as_json: Annotated[bool, opt("--json", help=N_("JSON for machines."))] = False,
    lang: Lang = None,
    color: Colors = Color.AUTO,
) -> None:
    """Per site and rule: the current status, since when, and the last change."""
    path = db or default_db_path()
    if not path.exists():
        err.print(
            _("no history at {path}: run `gkaudit scan` first").format(path=path),
            soft_wrap=True,
            markup=False,
        )
        raise typer.Exit(EXIT_OK)
    try:
        with HistoryStore(path) as store:
            entries = store.timeline(site=site, rule=rule)
            if not entries and (site or rule):
                sites, rules = store.known()
                if site is not None and site not in sites:
                    fail(unknown(_("site"), site, sites))
                if rule is not None and rule not in rules:
                    fail(unknown(_("rule"), rule, rules))
    except HistoryError as exc:
        fail(str(exc))
    text = history_reporter.render_json(entries) if as_json else history_reporter.render(entries)
    out.print(text, markup=False, highlight=False, soft_wrap=True, end="")


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"gkaudit {__version__}")


def _flag(args: Sequence[str], name: str) -> str | None:
    """The value of `name` (`--lang en` or `--lang=en`) anywhere before `--`, read before click
    parses anything, so that even `--help` speaks the language asked for."""
    value = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def _translate(command: Any) -> None:
    """The help texts of `command` and its subcommands in the language of the run."""
    if command.help:
        command.help = _(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        _translate(sub)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: settle language and colours, run the command; an unexpected exception is
    an internal error (exit 3)."""
    global out, err
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _flag(args, "--lang") or os.environ.get("GKAUDIT_LANG")
    i18n.use(lang if lang in i18n.LANGUAGES else i18n.from_environment())
    color = _flag(args, "--color") or os.environ.get("GKAUDIT_COLOR") or "auto"
    out, err = consoles(Color(color) if color in Color.__members__.values() else Color.AUTO)
    command = typer.main.get_command(app)
    _translate(command)
    try:
        command.main(args=args, prog_name="gkaudit", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("GKAUDIT_DEBUG"):
            raise
        err.print(
            _(
                "gkaudit: internal error: {error}\n(set GKAUDIT_DEBUG=1 for the traceback, and "
                "please report it)"
            ).format(error=f"{type(exc).__name__}: {exc}"),
            soft_wrap=True,
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
