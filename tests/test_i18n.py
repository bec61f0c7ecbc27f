"""The message catalogues: the run's language, the locale's choice, and a complete Chinese one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from babel.messages.extract import extract_from_dir

from gkaudit import i18n


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = i18n.current()
    yield
    i18n.use(before)


def test_chinese_is_the_catalogue_and_english_the_message_id() -> None:
    i18n.use("zh")
    assert i18n._("fail") == "不通过"
    i18n.use("en")
    assert i18n._("fail") == "fail"


def test_one_english_word_two_chinese_ones_by_context() -> None:
    i18n.use("zh")
    assert i18n._("Failures") == "不通过项"  # the heading over the failing findings
    assert i18n.pgettext("count column", "Failures") == "不通过数"
    i18n.use("en")
    assert i18n.pgettext("count column", "Failures") == "Failures"


def test_an_untranslated_text_falls_back_to_english() -> None:
    i18n.use("zh")
    assert i18n._("a text nobody translated") == "a text nobody translated"


def test_counted_texts() -> None:
    i18n.use("en")
    assert i18n.ngettext("{n} site", "{n} sites", 1).format(n=1) == "1 site"
    assert i18n.ngettext("{n} site", "{n} sites", 3).format(n=3) == "3 sites"


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "GKAUDIT_LANG": "en"}, "en"),
        ({"GKAUDIT_LANG": "fr", "LANG": "en_GB"}, "en"),
    ],
)
def test_the_locale_chooses(env: dict[str, str], language: str) -> None:
    assert i18n.from_environment(env) == language


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.use("fr")  # type: ignore[arg-type]


SOURCE = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _message_ids() -> dict[str, list[str]]:
    """Every message id the source marks (a context's as gettext keys it: context, EOT, msgid),
    with where it is marked."""
    ids: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        key = msgid if context is None else f"{context}\x04{msgid}"
        ids.setdefault(key, []).append(f"{filename}:{lineno}")
    return ids


def test_every_message_id_in_the_source_has_chinese() -> None:
    ids = _message_ids()
    assert len(ids) > 50  # the extraction found the source's texts
    translated = i18n.catalog("zh")
    missing = {
        msgid: where
        for msgid, where in ids.items()
        if msgid not in translated and (msgid, 0) not in translated
    }
    assert not missing, "no Chinese for:\n" + "\n".join(
        f"{w[0]}: {m!r}" for m, w in missing.items()
    )


def test_the_catalogue_has_no_entry_twice() -> None:
    po = polib.pofile(str(i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "gkaudit.po"))
    counts = Counter((entry.msgctxt, entry.msgid) for entry in po)
    assert [msgid for msgid, n in counts.items() if n > 1] == []


def test_a_translation_keeps_the_placeholders() -> None:
    po = polib.pofile(str(i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "gkaudit.po"))
    wrong = []
    for entry in po.translated_entries():
        expected = set(re.findall(r"\{(\w*)", entry.msgid))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wrong += [entry.msgid for text in texts if set(re.findall(r"\{(\w*)", text)) != expected]
    assert wrong == []


def test_every_command_help_has_chinese() -> None:
    """A command's help is its docstring, which the extraction does not see: read them from
    the command tree itself."""
    import typer

    from gkaudit.cli import app

    group = typer.main.get_command(app)
    helps = {"gkaudit": group.help}
    helps.update({name: sub.help for name, sub in getattr(group, "commands", {}).items()})
    assert len(helps) > 5
    translated = i18n.catalog("zh")
    assert {name: help for name, help in helps.items() if help not in translated} == {}


def test_help_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    from gkaudit.cli import main

    with pytest.raises(SystemExit) as info:
        main(["scan", "--lang", "zh", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for words in ("对照检查计划检查", "─ 选项 ", "显示本帮助并退出", "[默认：sites.yaml]"):
        assert words in text, words
