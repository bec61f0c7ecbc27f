"""site.years: annual-report years from link titles, and the year due (条例 第四十九条)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gkaudit.model import SiteKind
from gkaudit.site.years import DEFAULT_DEADLINES, due_year, names_another_body, report_years
from gkaudit.text import normalize
from tests.site.saved import AS_OF, doc, link


def test_report_years_come_from_titles_not_publication_dates() -> None:
    reports = doc("kjj/xxgk/xxgknb/index.html", "http://kjj.dl.gov.cn/xxgk/xxgknb/")
    pattern = re.compile(r"(\d{4})年.*政府信息公开.*报告")
    years = report_years(reports.links, pattern, dt.date(2026, 2, 1))
    assert sorted(years) == [2023, 2024]
    assert years[2024].date == dt.date(2026, 1, 10)  # published late: still the 2024 report


def test_report_years_read_full_width_digits_and_drop_future_years() -> None:
    pattern = re.compile(r"(\d{4})年.*政府信息公开.*报告")
    links = [link("２０２５年度政府信息公开工作报告"), link("2031年政府信息公开工作年度报告")]
    assert list(report_years(links, pattern, AS_OF)) == [2025]


def test_report_years_skip_matches_without_a_year() -> None:
    # an optional year group takes no part in the match of an undated title
    pattern = re.compile(r"(\d{4})?年.*报告")
    links = [link("年度工作报告"), link("2024年政府信息公开工作年度报告"), link("半年报告")]
    years = report_years(links, pattern, AS_OF)
    assert list(years) == [2024]
    assert years[2024].text == "2024年政府信息公开工作年度报告"


def test_report_years_skip_an_empty_year_group() -> None:
    pattern = re.compile(r"(\d*)年度报告")
    assert report_years([link("年度报告"), link("2023年度报告")], pattern, AS_OF) == {
        2023: link("2023年度报告")
    }


@pytest.mark.parametrize(
    ("kind", "as_of", "due"),
    [
        (SiteKind.CITY, dt.date(2026, 3, 31), 2024),  # deadline day: not late yet
        (SiteKind.CITY, dt.date(2026, 4, 1), 2025),
        (SiteKind.DISTRICT, dt.date(2026, 1, 1), 2024),
        (SiteKind.DEPARTMENT, dt.date(2026, 1, 31), 2024),
        (SiteKind.DEPARTMENT, dt.date(2026, 2, 1), 2025),
        (SiteKind.DEPARTMENT, dt.date(2026, 12, 31), 2025),
    ],
)
def test_due_year_follows_article_49(kind: SiteKind, as_of: dt.date, due: int) -> None:
    assert due_year(kind, as_of, DEFAULT_DEADLINES) == due


@pytest.mark.parametrize(
    ("names", "department", "title", "another"),
    [
        (["大连市西岗区人民政府"], False, "2025年政府信息公开工作年度报告", False),
        (["大连市西岗区人民政府"], False, "西岗区2025年政府信息公开工作年度报告", False),
        (["大连市西岗区人民政府"], False, "2025年度大连市西岗区政府信息公开工作年度报告", False),
        (
            ["大连市西岗区人民政府"],
            False,
            "西岗区人民政府办公室2025年政府信息公开工作年度报告",
            False,
        ),
        (["大连市西岗区人民政府"], False, "大连市2025年政府信息公开工作年度报告", True),
        (["大连市西岗区人民政府"], False, "2025年度大连市人民政府政府信息公开工作年度报告", True),
        (["大连市西岗区人民政府"], False, "辽宁省人民政府2025年政府信息公开工作年度报告", True),
        (["大连市西岗区人民政府"], False, "沙河口区2025年政府信息公开工作年度报告", True),
        (["大连金普新区"], False, "金普新区2025年政府信息公开工作年度报告", False),
        (["大连市科学技术局"], True, "大连市科学技术局2025年政府信息公开工作年度报告", False),
        (["大连市科学技术局"], True, "大连市科技局2025年政府信息公开工作年度报告", False),
        (["大连市科学技术局"], True, "大连市人民政府2025年政府信息公开工作年度报告", True),
        (["www.dlzs.gov.cn"], False, "大连市2025年政府信息公开工作年度报告", False),
        (
            ["中山门户网站", "大连市中山区人民政府"],
            False,
            "大连市2025年政府信息公开工作年度报告",
            True,
        ),
    ],
)
def test_a_report_title_names_another_body(
    names: list[str], department: bool, title: str, another: bool
) -> None:
    assert names_another_body(normalize(title), names, department=department) is another
