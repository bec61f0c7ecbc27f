"""Colours as no-color.org and force-color.org say, and `--color` over both; the progress bar
only where a person watches, with done/total and an estimate of the time left."""

from __future__ import annotations

import io
import re

import pytest
from rich.text import Text

from gkaudit import i18n
from gkaudit.model import Site, SiteKind, SiteReport
from gkaudit.reporters.console import Color, consoles
from gkaudit.reporters.progress import progress

ESC = "\x1b["


class Terminal(io.StringIO):
    """Captured output that says it is a terminal, as a person's shell is."""

    def isatty(self) -> bool:
        return True


def _printed(color: Color, stream: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("sys.stdout", stream)
    out, _err = consoles(color)
    out.print(Text("不通过", style="bold red"))
    return stream.getvalue()


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def test_auto_colours_a_terminal_and_not_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ESC in _printed(Color.AUTO, Terminal(), monkeypatch)
    assert ESC not in _printed(Color.AUTO, io.StringIO(), monkeypatch)


def test_no_color_turns_colours_off_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    text = _printed(Color.AUTO, Terminal(), monkeypatch)
    assert "不通过" in text and ESC + "31" not in text and ESC + "1;31" not in text


def test_force_color_colours_a_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ESC in _printed(Color.AUTO, io.StringIO(), monkeypatch)


def test_the_flag_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ESC not in _printed(Color.NEVER, Terminal(), monkeypatch)
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC in _printed(Color.ALWAYS, io.StringIO(), monkeypatch)


def _site(n: int) -> SiteReport:
    return SiteReport(
        id=f"s{n}", name="站", url="http://www.x.gov.cn/", kind=SiteKind.CITY, results=()
    )


def test_no_progress_redraws_into_a_log_even_with_force_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    _out, err = consoles(Color.AUTO)
    with progress(err, 3, enabled=True) as bar:
        for n in range(3):
            bar.finished(_site(n))
    assert log.getvalue() == ""


def test_the_bar_shows_done_total_and_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    _out, err = consoles(Color.NEVER)
    with progress(err, 4, enabled=True) as bar:
        bar.finished(_site(0))
        bar.finished(_site(1))
    shown = screen.getvalue()
    assert "2/4" in shown
    assert "left" in shown  # the estimate of the time left, once sites have finished


def _frames(screen: io.StringIO) -> list[str]:
    """What the bar drew, one entry a redraw (rich returns the cursor before each, and
    hides, shows and moves it with escape sequences)."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    return [frame for frame in re.split(r"[\r\n]", text) if frame.strip()]


def test_the_bar_shows_the_sites_in_flight_and_the_one_running_longest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    _out, err = consoles(Color.NEVER)
    sites = [_site(n) for n in range(4)]
    with progress(err, 4, enabled=True) as bar:
        for report in sites[:3]:
            bar.started(Site(id=report.id, name=report.name, url=report.url, kind=report.kind))
        bar.finished(sites[0])
    last = _frames(screen)[-1]
    assert "1/4" in last and "2 in flight" in last, last
    assert last.rstrip().endswith("s1"), last  # s1 started before s2: it has run longest


def test_the_sites_in_flight_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    _out, err = consoles(Color.NEVER)
    i18n.use("zh")
    try:
        with progress(err, 2, enabled=True) as bar:
            report = _site(0)
            bar.started(Site(id=report.id, name=report.name, url=report.url, kind=report.kind))
    finally:
        i18n.use("en")
    assert "1 个站点检查中" in _frames(screen)[-1]


def test_with_nothing_in_flight_the_bar_names_the_last_site_finished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A distributed scan reports finishes only: no count of sites in flight is made up."""
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    _out, err = consoles(Color.NEVER)
    with progress(err, 3, enabled=True) as bar:
        bar.finished(_site(0))
        bar.finished(_site(2))
    last = _frames(screen)[-1]
    assert "in flight" not in last and last.rstrip().endswith("s2"), last
