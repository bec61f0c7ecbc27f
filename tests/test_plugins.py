"""plugins: built-in checks, --plugins directories, and checks that declare themselves wrongly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gkaudit.plugins import PluginError, Registry

PLUGIN = '''\
"""Counts nothing: a test plugin. Its docstring is its manual."""
from gkaudit.model import Verdict
from gkaudit.plugins import CheckParams, check

class Params(CheckParams):
    threshold: int = 3

@check("{name}", params=Params)
async def run(site, params):
    return Verdict.passed("ok")
'''


def write_plugin(directory: Path, filename: str, source: str) -> None:
    directory.mkdir(exist_ok=True)
    (directory / filename).write_text(textwrap.dedent(source), encoding="utf-8")


def test_builtin_checks_have_manuals() -> None:
    registry = Registry.load()
    assert {"reachable", "ipv6_aaaa"} <= set(registry.names())
    for name in registry.names():
        check = registry.get(name)
        assert check is not None and len(check.manual) > 200, name
        assert (
            check.params.model_config.get("frozen")
            and check.params.model_config.get("extra") == "forbid"
        )


def test_plugin_directory_is_loaded(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "counter.py", PLUGIN.format(name="test-counter"))
    check = Registry.load([tmp_path / "p"]).get("test-counter")
    assert check is not None
    assert check.manual.startswith("Counts nothing")
    assert check.params().model_dump() == {"threshold": 3}


def test_a_check_named_twice_is_refused(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "clash.py", PLUGIN.format(name="reachable"))
    with pytest.raises(PluginError, match="declared twice"):
        Registry.load([tmp_path / "p"])


def test_a_check_without_manual_is_refused(tmp_path: Path) -> None:
    source = PLUGIN.format(name="test-nodoc").split("\n", 1)[1]
    write_plugin(tmp_path / "p", "nodoc.py", source)
    with pytest.raises(PluginError, match="has no docstring"):
        Registry.load([tmp_path / "p"])


def test_a_sync_check_is_refused(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "p", "sync.py", PLUGIN.format(name="test-sync").replace("async def", "def")
    )
    with pytest.raises(PluginError, match="must be an async function"):
        Registry.load([tmp_path / "p"])


def test_a_broken_plugin_names_its_file(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "broken.py", '"""doc"""\nimport nonexistent_module_xyz\n')
    with pytest.raises(PluginError, match=r"broken\.py: ModuleNotFoundError"):
        Registry.load([tmp_path / "p"])


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="not a directory"):
        Registry.load([tmp_path / "absent"])
