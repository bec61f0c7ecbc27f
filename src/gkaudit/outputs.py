"""Where a run's report files go, checked before the first request and written after the last.

A path is a file, or `-` for standard output (one report at most: stdout then carries that
document only). Missing folders are not created: a typo in a path would otherwise scatter
reports.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gkaudit.exits import UsageError
from gkaudit.i18n import _
from gkaudit.model import Report
from gkaudit.reporters import csv as csv_reporter
from gkaudit.reporters import html as html_reporter
from gkaudit.reporters import json as json_reporter
from gkaudit.reporters import junit, markdown, sarif, xlsx
from gkaudit.reporters.past import Past

#: An output path that means standard output.
STDOUT = "-"


Renderer = Callable[[Report], str | bytes | Iterable[str]]


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
    #: Where the rule pages SARIF links are (`--docs-url`); None: the project's.
    docs_url: str | None = None

    def items(
        self, sites_file: Path | None = None, past: Past | None = None
    ) -> list[tuple[str, Path, Renderer]]:
        """(option, path, renderer) of each output asked for; SARIF locates each result at its
        site's line of `sites_file`; the 整改清单 and the HTML report show `past`."""

        def sarif_render(report: Report) -> str:
            lines = sarif.SitesFile.read(sites_file) if sites_file is not None else None
            return sarif.render(report, lines, self.docs_url)

        named: tuple[tuple[str, Path | None, Renderer], ...] = (
            ("--json", self.json, json_reporter.render_parts),
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
        return any(is_stdout(path) for _option, path, _render in self.items())

    def check(self) -> None:
        """`UsageError` unless every path can be written, and at most one is stdout."""
        outputs = self.items()
        if sum(is_stdout(path) for _option, path, _render in outputs) > 1:
            raise UsageError(_("only one report can go to stdout ('-')"))
        if is_stdout(self.xlsx) and sys.stdout.isatty():
            raise UsageError(
                _(
                    "--xlsx -: a workbook is binary and stdout is a terminal; name a file or "
                    "redirect stdout (--xlsx - > report.xlsx)"
                )
            )
        seen: dict[Path, str] = {}
        for option, path, _render in outputs:
            if is_stdout(path):
                continue
            if path.resolve() in seen:
                raise UsageError(
                    _("{option} {path}: also the file of {other}").format(
                        option=option, path=path, other=seen[path.resolve()]
                    )
                )
            seen[path.resolve()] = option
            check_writable(option, path)


def is_stdout(path: Path | None) -> bool:
    return str(path) == STDOUT


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


def write_text(path: Path, text: str | bytes | Iterable[str]) -> None:
    """`text` (bytes as they are, text in UTF-8, parts of text one after the other, as they
    come) into `path`, or onto stdout for `-`."""
    parts = (text,) if isinstance(text, str) else text
    if is_stdout(path):
        if isinstance(parts, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(parts)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.writelines(parts)
            sys.stdout.flush()
        return
    try:
        if isinstance(parts, bytes):
            path.write_bytes(parts)
        else:
            with path.open("w", encoding="utf-8") as out:
                out.writelines(parts)
    except OSError as exc:
        raise UsageError(
            _("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
