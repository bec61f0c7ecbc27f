"""The wording lists: well formed, never inside a correct form, no false alarm on 200 clean
government pages, and every planted error found."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gkaudit.html import parse
from gkaudit.privacy.detect import find
from gkaudit.wording.lexicon import Entry, Lexicon, LexiconError, _entry, load, trie_pattern
from tests.wording.clean_pages import pages

LISTS = ("severe", "typos")


@pytest.mark.parametrize("name", LISTS)
def test_the_list_is_versioned_and_sourced(name: str) -> None:
    lexicon = load(name)
    assert lexicon.version and lexicon.sources
    assert len(lexicon.entries) >= 50
    assert {e.source for e in lexicon.entries} <= set(lexicon.sources)


@pytest.mark.parametrize("name", LISTS)
def test_no_correct_form_of_any_list_trips_a_list(name: str) -> None:
    rights = [e.right.replace("\\1", "四") for n in LISTS for e in load(n).entries]
    hits = [(right, h.text) for right in rights for h in load(name).find(right)]
    assert hits == []


@pytest.mark.parametrize("name", LISTS)
def test_every_entry_finds_its_own_wrong_form_in_a_sentence(name: str) -> None:
    for entry in load(name).entries:
        text = f"会议指出，{entry.wrong}，要求各单位认真落实。"
        found = load(name).find(text)
        assert [h.entry for h in found] == [entry], entry.wrong


def test_200_clean_government_pages_raise_no_alarm() -> None:
    today = dt.date(2026, 12, 1)
    docs = [
        parse(html.encode(), f"http://www.dlzs.gov.cn/{i}.html") for i, html in enumerate(pages())
    ]
    assert len(docs) == 200
    alarms = [
        (doc.url, name, hit.text)
        for doc in docs
        for name in LISTS
        for hit in load(name).find(f"{doc.title}\n{doc.text}")
    ]
    assert alarms == []
    numbers = [(doc.url, m.masked) for doc in docs for m in find(doc.text, today)]
    assert numbers == []


def test_planted_errors_are_found_with_context_and_the_right_form() -> None:
    text = (
        "会议要求认真贯彻中华人民共合国宪法，"
        "紧密团结在习近平同志为核心的党中央周围，十九大五中全会精神。"
    )
    hits = load("severe").find(text)
    assert [(h.text, h.right) for h in hits] == [
        ("中华人民共合国", "中华人民共和国"),
        ("习近平同志为核心的党中央", "以习近平同志为核心的党中央"),
        ("十九大五中全会", "十九届五中全会"),
    ]
    assert hits[0].context.startswith("会议要求认真贯彻") and len(hits[0].context) <= 20 + 7 + 20


def test_a_bad_entry_is_refused_with_its_place() -> None:
    sources = {"s": "a source"}
    with pytest.raises(LexiconError, match=r"entries\[3\]: source 'x'"):
        _entry({"wrong": "甲乙", "right": "甲丙", "source": "x"}, "severe", 3, sources)
    with pytest.raises(LexiconError, match="different right form"):
        _entry({"wrong": "甲乙", "right": "甲乙", "source": "s"}, "severe", 0, sources)
    with pytest.raises(LexiconError, match="does not match its own wrong form"):
        _entry(
            {"wrong": "甲乙", "right": "丙", "source": "s", "pattern": "丁"}, "severe", 0, sources
        )


def test_the_longest_wrong_form_wins() -> None:
    lexicon = Lexicon(
        "t",
        "1",
        {"s": ""},
        (Entry("共合国", "共和国", "s"), Entry("人民共合国", "人民共和国", "s")),
    )
    assert [h.text for h in lexicon.find("中华人民共合国")] == ["人民共合国"]


def test_the_trie_finds_what_the_longest_first_alternation_finds() -> None:
    # Literals sharing a beginning: at one place the longest that is there wins, and a longer
    # one broken off half-way gives back the shorter one it began with.
    literals = ["共合", "共合国", "共合国家", "共和", "共", "合国家", "国家"]
    alternation = re.compile("|".join(map(re.escape, sorted(literals, key=len, reverse=True))))
    trie = re.compile(trie_pattern(literals))
    for text in ("共合国家", "共合国人", "共合人", "共和国家", "一共合国家共合", "合国家国", "共"):
        assert [m.span() for m in trie.finditer(text)] == [
            m.span() for m in alternation.finditer(text)
        ], text
    assert [m.group() for m in trie.finditer("共合国人共合国家")] == ["共合国", "共合国家"]
