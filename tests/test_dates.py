"""Dates as portals print them: gkaudit.dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkaudit.dates import MAX_YEAR, MIN_YEAR, newest, parse_dates

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", D(2026, 11, 20)),
        ("2026/11/20", D(2026, 11, 20)),
        ("2026.11.20", D(2026, 11, 20)),
        ("2026-1-5", D(2026, 1, 5)),
        ("2026/1/05", D(2026, 1, 5)),
        ("2026年11月20日", D(2026, 11, 20)),
        ("2026年1月5日", D(2026, 1, 5)),
        ("2026 年 11 月 20 日", D(2026, 11, 20)),
        ("2026年11月20号", D(2026, 11, 20)),
        ("2026年11月20", D(2026, 11, 20)),
        ("发布时间：2026-11-20 10:30:00", D(2026, 11, 20)),
        ("[2026-11-20]", D(2026, 11, 20)),
        ("2026-11-20T10:30", D(2026, 11, 20)),
        # <meta name="firstpublishedtime"> on gov.cn pages
        ("2022-01-05-15:43:36", D(2022, 1, 5)),
        # full-width digits and separators, ideographic space
        ("２０２６－１１－２０", D(2026, 11, 20)),
        ("２０２６年１１月２０日", D(2026, 11, 20)),
        ("2026\u3000年\u300011月20日", D(2026, 11, 20)),
        ("日期:2026-02-28。", D(2026, 2, 28)),
        ("2028-02-29", D(2028, 2, 29)),
    ],
)
def test_full_forms(text: str, expected: dt.date) -> None:
    assert parse_dates(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",  # impossible
        "2026-13-01",
        "2026-00-10",
        "2026年2月30日",
        "2027-02-29",  # not a leap year
        "2026-11/20",  # mixed separators
        "2026年11月",  # no day
        "2026-11",
        "1899-12-31",  # outside MIN_YEAR..MAX_YEAR: area codes, IDs
        "0411-12-03",
        "电话：0411-87654321",
        "0411-8765-4321",
        "120261120",
        "12026-11-20",  # inside a longer run of digits
        "2026-11-201",
        "身份证号 210202202611201234",
        "2026.11.20.1",  # a version or an address, not a date
        "10.2026.11.20",
        "第2026号",
        "",
    ],
)
def test_rejected(text: str) -> None:
    assert parse_dates(text) == []
    assert parse_dates(text, context_year=2026) == []


def test_several_dates_in_order_repeats_kept() -> None:
    text = "自2026年12月1日起施行，有效期至2027-12-31。发布：2026/11/18 更新：2026/11/18"
    assert parse_dates(text) == [D(2026, 12, 1), D(2027, 12, 31), D(2026, 11, 18), D(2026, 11, 18)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[11-20]", D(2026, 11, 20)),
        ("11-20", D(2026, 11, 20)),
        ("关于做好稳岗工作的通知 (01-05)", D(2026, 1, 5)),
        ("11月20日", D(2026, 11, 20)),
        ("1月5日", D(2026, 1, 5)),
        ("１１－２０", D(2026, 11, 20)),
    ],
)
def test_short_forms_need_a_context_year(text: str, expected: dt.date) -> None:
    assert parse_dates(text) == []
    assert parse_dates(text, context_year=2026) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "09:00-11:30",  # a time range
        "1-5",  # the dash form needs two digits each
        "11-32",
        "02-30",
        "第10-123条",
        "2026-11",  # year-month, not month-day
        "0411-87654321",
        "11-20-33",
    ],
)
def test_short_form_rejected(text: str) -> None:
    assert parse_dates(text, context_year=2026) == []


def test_short_form_beside_full_form() -> None:
    # The "11-20" inside the full date is not read a second time.
    assert parse_dates("2025-11-20 [12-01]", context_year=2026) == [D(2025, 11, 20), D(2026, 12, 1)]


def test_short_form_in_the_future_is_last_year() -> None:
    today = D(2026, 1, 10)
    assert parse_dates("[12-30]", context_year=2026, today=today) == [D(2025, 12, 30)]
    assert parse_dates("[01-10]", context_year=2026, today=today) == [D(2026, 1, 10)]
    assert parse_dates("[01-09]", context_year=2026, today=today) == [D(2026, 1, 9)]
    # Without today nothing is known about the future.
    assert parse_dates("[12-30]", context_year=2026) == [D(2026, 12, 30)]
    # Full dates are never moved.
    assert parse_dates("2026-12-30", context_year=2026, today=today) == [D(2026, 12, 30)]


def test_short_form_february_29() -> None:
    assert parse_dates("02-29", context_year=2028) == [D(2028, 2, 29)]
    assert parse_dates("02-29", context_year=2026) == []
    # Read in 2029, a [02-29] can only be last year's.
    assert parse_dates("02-29", context_year=2029, today=D(2029, 1, 1)) == [D(2028, 2, 29)]


def test_newest() -> None:
    assert newest([]) is None
    assert newest([D(2026, 1, 1), D(2026, 11, 20), D(2025, 12, 31)]) == D(2026, 11, 20)
    assert newest(d for d in [D(2026, 1, 1)]) == D(2026, 1, 1)


@given(
    st.text(),
    st.none() | st.integers(min_value=-5, max_value=20000),
    st.none() | st.dates(),
)
def test_never_raises(text: str, context_year: int | None, today: dt.date | None) -> None:
    found = parse_dates(text, context_year=context_year, today=today)
    assert all(isinstance(d, dt.date) for d in found)
    if context_year is None:
        assert all(MIN_YEAR <= d.year <= MAX_YEAR for d in found)


_NOT_DIGIT = st.text(st.characters(exclude_categories=["Nd"]), max_size=20)


@given(
    st.dates(min_value=D(MIN_YEAR, 1, 1), max_value=D(MAX_YEAR, 12, 31)),
    st.sampled_from(
        ["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m:02d}.{d:02d}", "{y}年{m}月{d}日"]
    ),
    _NOT_DIGIT,
    _NOT_DIGIT,
)
def test_finds_a_date_between_non_digits(
    date: dt.date, pattern: str, before: str, after: str
) -> None:
    written = pattern.format(y=date.year, m=date.month, d=date.day)
    # Characters that would extend the run ("2026.11.20.5", "1.2026...") are excluded.
    if before.endswith((".", "．")) or after.startswith((".", "．")):
        return
    assert date in parse_dates(before + " " + written + " " + after)
