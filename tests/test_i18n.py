"""The message catalogues: the run's language, the locale's choice, and a complete Chinese one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
