"""The options of the command line: each one's help and declaration, in one place.

A command takes an option by naming its alias here (`json_path: JsonOut = None`), so that `scan`
and `demo` declare `--json`, `--xlsx`... once. The help texts are marked for the catalogue and
translated at start-up (`startup.translate`). Values click cannot check (a strict date, a DNS
server address) are parsed here and raise `UsageError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from gkaudit.exits import FailOn, UsageError
from gkaudit.i18n import N_, _
from gkaudit.net.browser import BrowserMode
from gkaudit.net.dns import parse_nameserver
from gkaudit.notify import NotifyFormat
from gkaudit.reporters.console import Color

#: Every option's help, marked for the catalogue and translated at start-up.
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
    "--concurrency": N_(
        "Requests in flight, in all (0: every site in flight at its per-host limit, at least 50)."
    ),
    "--config": N_(
        "Config file (default: gkaudit.toml here, or the tool.gkaudit table of pyproject.toml)."
    ),
    "--db": N_("History database (SQLite)."),
    "--docs-url": N_(
        "Where the rule pages (RULE-ID.md) are published, linked from SARIF as helpUri "
        "(default: the project's pages, for its own rules)."
    ),
    "--executor": N_(
        "Where the sites are audited: local (this process) or dask (a Dask cluster; needs the "
        "Dask extra of gkaudit)."
    ),
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
    "--plan": N_(
        "Plan file, or a packaged plan's name: dalian-2022 (the default), gwjc-2019; repeat it "
        "to audit against several plans in one crawl."
    ),
    "--plugins": N_("Directory of extra check modules."),
    "--quiet": N_("No terminal report."),
    "--retries": N_("Retries of transient failures."),
    "--rule": N_("Only this rule (repeatable)."),
    "--sarif": N_("Write SARIF 2.1.0 here ('-': stdout)."),
    "--scheduler": N_(
        "The Dask scheduler, tcp://HOST:PORT (default: a local cluster of --workers processes)."
    ),
    "--shard": N_(
        "Audit only share I of N (0 <= I < N), by politeness group; gkaudit merge joins the "
        "shards' JSON reports."
    ),
    "--site": N_("Only this site (repeatable)."),
    "--site-budget": N_("Seconds one site may take in all."),
    "--sites-in-flight": N_(
        "Sites scanned at once (0: at most 50, or 2 x concurrency / per-host when --concurrency "
        "is set; the fleet in equal waves)."
    ),
    "--timeout": N_("Seconds per request."),
    "--user-agent": N_("User-Agent header (default names gkaudit)."),
    "--version": N_("Print the version and exit."),
    "--waivers": N_("Accepted failures (waivers.yaml)."),
    "--workers": N_("Worker processes of the local Dask cluster (default 2)."),
}


def opt(*names: str, **kw: Any) -> Any:
    """`typer.Option(*names)` with its help from `HELP` unless `help=` is given."""
    return typer.Option(*names, help=kw.pop("help", None) or HELP[names[0]], **kw)


File = Path | None
Many = list[str] | None

Plan = Annotated[list[Path] | None, opt("--plan", "-p")]
Plugins = Annotated[list[Path] | None, opt("--plugins")]
AsOf = Annotated[str | None, opt("--as-of")]
NoProgress = Annotated[bool, opt("--no-progress")]
Waivers = Annotated[Path | None, opt("--waivers")]
Db = Annotated[Path | None, opt("--db")]
Lang = Annotated[str | None, opt("--lang")]
Colors = Annotated[Color, opt("--color")]
#: Read at start-up (`commands.defaults`); declared so that click accepts it after the command.
Config = Annotated[Path | None, opt("--config", metavar="FILE")]
FailOnLevel = Annotated[FailOn, opt("--fail-on")]
Browser = Annotated[BrowserMode, opt("--browser")]

#: The report files and the webhooks, taken by `scan` and `demo` alike.
JsonOut = Annotated[File, opt("--json", "-o")]
JunitOut = Annotated[File, opt("--junit")]
SarifOut = Annotated[File, opt("--sarif")]
DocsUrl = Annotated[str | None, opt("--docs-url", metavar="URL")]
MarkdownOut = Annotated[File, opt("--markdown")]
XlsxOut = Annotated[File, opt("--xlsx")]
CsvOut = Annotated[File, opt("--csv")]
HtmlOut = Annotated[File, opt("--html")]
Notify = Annotated[Many, opt("--notify")]
NotifyAs = Annotated[NotifyFormat | None, opt("--notify-format")]


def as_date(value: str | None) -> dt.date:
    """`--as-of`, strictly YYYY-MM-DD; today without it."""
    if value is None:
        return dt.date.today()
    # Strictly YYYY-MM-DD: date.fromisoformat also takes 20261201 and 2026-W48-2.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(_("--as-of: not a date (YYYY-MM-DD): {value!r}").format(value=value))


def nameservers(values: Sequence[str]) -> tuple[str, ...]:
    """`--nameserver` values, each checked to be IP or IP:PORT."""
    for value in values:
        try:
            parse_nameserver(value)
        except ValueError:
            raise UsageError(
                _("--nameserver: expected IP or IP:PORT, got {value!r}").format(value=value)
            ) from None
    return tuple(values)
