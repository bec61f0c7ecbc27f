"""The operator's defaults: gkaudit.toml, [tool.gkaudit] in pyproject.toml or --config FILE, and
GKAUDIT_* variables, with the precedence command line > environment > file > built-in default;
a bad key or value is an error naming the file, the line and the key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkaudit.commands import defaults
from gkaudit.demo.fleet import DemoFleet
from gkaudit.exits import EXIT_CONFIG
from tests.support.demo_cli import AS_OF, run, scan_argv
from tests.test_cli import SITES

GWJC = "gwjc-2019.yaml"
DALIAN = "dalian-2022.yaml"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's folder, the working directory, with a sites file in a subfolder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "portals.yaml").write_text(SITES, encoding="utf-8")
    for name in ("GKAUDIT_PLAN", "GKAUDIT_SITES", "GKAUDIT_JSON", "GKAUDIT_FAIL_ON"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, stdout = run(["validate", *args])
    return code, stdout + capsys.readouterr().err


def test_the_file_sets_the_defaults_relative_to_its_folder(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "gkaudit.toml").write_text('plan = "gwjc-2019"\n', encoding="utf-8")
    (work / "conf" / "gkaudit.toml").write_text('sites = "portals.yaml"\n', encoding="utf-8")
    code, out = validate(capsys, "conf/portals.yaml")
    assert code == 0 and GWJC in out, out
    # --config names another file; its paths are relative to its own folder
    code, out = validate(capsys, "--config", str(work / "conf" / "gkaudit.toml"))
    assert code == 0 and f"{work / 'conf' / 'portals.yaml'}: 1 site" in out and DALIAN in out


def test_the_environment_wins_over_the_file_and_the_command_line_over_both(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "gkaudit.toml").write_text(
        'sites = "conf/portals.yaml"\nplan = "gwjc-2019"\n', encoding="utf-8"
    )
    assert GWJC in validate(capsys)[1]
    monkeypatch.setenv("GKAUDIT_PLAN", "dalian-2022")
    code, out = validate(capsys)
    assert code == 0 and DALIAN in out and "portals.yaml: 1 site" in out
    assert GWJC in validate(capsys, "--plan", "gwjc-2019")[1]


def test_pyproject_tool_gkaudit_is_read_when_there_is_no_gkaudit_toml(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GKAUDIT_LANG")  # the tests' English would win over the file's
    (work / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.gkaudit]\nsites = "conf/portals.yaml"\nlang = "zh"\n',
        encoding="utf-8",
    )
    code, out = validate(capsys)
    assert code == 0 and "portals.yaml: 1 个站点" in out and "校验通过" in out
    monkeypatch.setenv("GKAUDIT_LANG", "en")
    (work / "gkaudit.toml").write_text('plan = "gwjc-2019"\n', encoding="utf-8")
    code, out = validate(capsys, "conf/portals.yaml")  # gkaudit.toml first, pyproject unread
    assert code == 0 and GWJC in out and "OK" in out


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("gkaudit.toml", 'plan = "gwjc-2019"\nconcurency = 4\n', "gkaudit.toml:2: unknown key "
         "'concurency'; did you mean 'concurrency'?"),
        ("gkaudit.toml", "# operators\n\nper-host = \"two\"\n",
         "gkaudit.toml:3: per-host: expected an integer >= 1, got 'two'"),
        ("gkaudit.toml", "timeout = 0\n", "gkaudit.toml:1: timeout: expected a number of seconds"),
        ("gkaudit.toml", 'fail-on = "fial"\n', "gkaudit.toml:1: fail-on: expected one of fail, "),
        ("gkaudit.toml", "allow-private = 1\n", "gkaudit.toml:1: allow-private: expected true or"),
        ("gkaudit.toml", "json = 3\n", "gkaudit.toml:1: json: expected a path"),
        ("gkaudit.toml", "plan = [\n", "gkaudit.toml: not TOML: "),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.gkaudit]\n\n  "browser" = "sometimes"\n',
         "pyproject.toml:5: browser: expected one of auto, "),
    ],
)  # fmt: skip
def test_a_bad_key_or_value_names_the_file_line_and_key(
    work: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, words: str
) -> None:
    (work / name).write_text(text, encoding="utf-8")
    for command in ("validate", "scan"):
        code, out = validate(capsys) if command == "validate" else (*run(["scan"])[:1], "")
        out = out or capsys.readouterr().err
        assert code == EXIT_CONFIG, out
        assert words in out and "Traceback" not in out


def test_a_bad_environment_value_or_a_missing_config_file_is_named(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GKAUDIT_CONCURRENCY", "lots")
    code, out = validate(capsys)
    assert (
        code == EXIT_CONFIG and "GKAUDIT_CONCURRENCY: expected an integer >= 0, got 'lots'" in out
    )
    monkeypatch.delenv("GKAUDIT_CONCURRENCY")
    code, out = validate(capsys, "--config", "nosuch.toml")
    assert code == EXIT_CONFIG and "--config nosuch.toml: no such file" in out


@pytest.fixture(scope="module")
def fleet() -> Iterator[DemoFleet]:
    with DemoFleet(AS_OF, slow_seconds=8) as demo:
        yield demo


def test_a_scan_writes_where_the_winning_setting_says(
    work: Path,
    fleet: DemoFleet,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failing = next(
        site for (site, rule), v in fleet.expected.items() if rule == "ipv6.aaaa" and v == "fail"
    )
    argv = scan_argv(fleet, work, "-q", "--no-db", "--rule", "ipv6.aaaa", "--site", failing)
    (work / "out").mkdir()
    (work / "gkaudit.toml").write_text('json = "out/file.json"\nfail-on = "never"\n', "utf-8")
    assert run(argv)[0] == 0  # the file's fail-on: never
    assert json.loads((work / "out" / "file.json").read_text("utf-8"))["sites"][0]["id"] == failing
    monkeypatch.setenv("GKAUDIT_JSON", "out/env.json")
    monkeypatch.setenv("GKAUDIT_FAIL_ON", "fail")
    assert run(argv)[0] == 1 and (work / "out" / "env.json").exists()
    assert run([*argv, "--json", "out/cli.json", "--fail-on", "never"])[0] == 0
    assert (work / "out" / "cli.json").exists()
    assert sorted(p.name for p in (work / "out").iterdir()) == ["cli.json", "env.json", "file.json"]


def test_the_readme_example_is_a_valid_config(work: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n# gkaudit.toml\n(.+?)```", readme, re.S)
    assert example
    (work / "gkaudit.toml").write_text(example.group(1), encoding="utf-8")
    values = defaults.load(None, {}, work).values
    assert values["per_host"] == 2 and values["fail_on"] == "regression"
    assert values["concurrency"] == 0  # automatic
    assert values["json_path"] == work / "reports" / "today.json" and values["plan"] == [
        "dalian-2022"
    ]
