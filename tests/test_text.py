"""Matching form of labels: gkaudit.text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkaudit.text import contains_any, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("政府信息公开", "政府信息公开"),
        ("政府\u3000信息\u3000公开", "政府信息公开"),  # ideographic spaces used for layout
        ("\xa0政府\xa0\xa0信息公开\xa0", "政府信息公开"),  # &nbsp; runs
        (" 政府\n\t信息 公开\r\n", "政府信息公开"),
        ("政府\u200b信息\ufeff公开", "政府信息公开"),  # zero-width characters pasted from Word
        ("ＩＰｖ６专栏", "IPv6专栏"),  # full-width letters and digits
        ("（一）政府信息公开指南", "(一)政府信息公开指南"),  # full-width brackets
        ("２０２６年政府信息公开工作年度报告", "2026年政府信息公开工作年度报告"),
        ("Site Map", "SiteMap"),  # case is kept
        ("", ""),
        ("\u3000\xa0 \n", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_contains_any_returns_the_normalized_keyword() -> None:
    assert contains_any("政府\xa0信息公开", ["政府 信息公开"]) == "政府信息公开"
    assert contains_any("【助企　纾困】专栏", ["惠企纾困", "助企纾困"]) == "助企纾困"


def test_contains_any_tries_keywords_in_order() -> None:
    text = "政府信息公开年报"
    assert contains_any(text, ["信息公开", "政府信息公开"]) == "信息公开"
    assert contains_any(text, ["政府信息公开", "信息公开"]) == "政府信息公开"


def test_contains_any_none_and_empty_keywords() -> None:
    assert contains_any("政策解读", ["助企纾困", "惠企纾困"]) is None
    assert contains_any("政策解读", []) is None
    # An empty keyword would match everything; it is ignored.
    assert contains_any("政策解读", ["", "\u3000"]) is None
    assert contains_any("", ["政策"]) is None


def test_contains_any_accepts_any_iterable() -> None:
    assert contains_any("ＩＰｖ６ 改造", (k for k in ["IPv6改造"])) == "IPv6改造"


@given(st.text())
def test_normalize_is_idempotent_and_has_no_whitespace(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once
    assert not any(c.isspace() for c in once)


@given(st.text(), st.text())
def test_a_text_contains_its_own_parts(prefix: str, keyword: str) -> None:
    found = contains_any(prefix + keyword, [keyword])
    # NFKC may compose across the boundary, so only a clean boundary is guaranteed to match.
    if normalize(keyword) and normalize(prefix + keyword).endswith(normalize(keyword)):
        assert found == normalize(keyword)
