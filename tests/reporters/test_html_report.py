"""The HTML report, opened for real in headless Chromium (the system's, through Playwright as
net/browser.py drives it): the matrix and a finding are visible, the filters work, nothing is
requested while it is viewed, and a portal's markup and `javascript:` URLs stay text."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gkaudit import i18n
from gkaudit.net.browser import FLAGS, chromium_path, unavailable
from gkaudit.reporters import html
from gkaudit.reporters.past import Past, point
from tests.reporters.hostile import JS_URL, SCRIPT_TITLE, fixture_report, hostile_report

#: Where a test run leaves the screenshot for a reader (CI keeps it as an artefact).
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

needs_browser = pytest.mark.skipif(
    unavailable() is not None, reason=f"no headless browser: {unavailable()}"
)


@pytest.fixture(autouse=True)
def _chinese() -> None:
    i18n.use("zh")  # tests/conftest.py restores English after each test


def _past() -> Past:
    report = fixture_report()
    runs = tuple(
        point(report.model_copy(update={"started_at": report.started_at - dt.timedelta(days=d)}))
        for d in (28, 21, 14, 7, 0)
    )
    return Past(runs=runs)


def test_everything_from_a_portal_is_escaped() -> None:
    page = html.render(hostile_report())
    assert SCRIPT_TITLE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page
    assert page.count("<script") == 1  # the report's own, with its nonce


def test_the_file_is_self_contained() -> None:
    page = html.render(fixture_report(), _past())
    for needle in ("<link", 'src="http', "@import", "url("):
        assert needle not in page
    assert "default-src &#x27;none&#x27;" in page  # the policy forbids any request


def test_without_history_the_chart_says_so() -> None:
    assert "历史检测记录不足" in html.render(fixture_report())


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=list(FLAGS), headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


async def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    await page.goto(path.as_uri())
    return page, dialogs, requests


@needs_browser
async def test_chromium_shows_the_matrix_and_a_finding_and_filters(
    browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(html.render(fixture_report(), _past()), encoding="utf-8")
    page, dialogs, requests = await _open(browser, path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = await page.screenshot(path=str(SHOTS / "html-report.png"), full_page=True)
    assert len(shot) > 10_000

    matrix = page.locator("#matrix")
    assert await matrix.is_visible()
    assert "大连市人民政府" in await matrix.inner_text()
    assert await page.locator("#matrix td.fail").count() == 5
    finding = page.locator(".finding", has_text="缺少栏目：政府信息公开年报")
    assert await finding.is_visible()
    link = finding.locator('a[href="https://www.dl.gov.cn/xxgk/"]')
    assert await link.is_visible()
    assert await page.locator("#history svg polyline").count() == 6

    visible = page.locator(".finding:visible")
    assert await visible.count() == 10
    await page.select_option('select[name="status"]', "warn")
    assert await visible.count() == 2
    assert await page.locator(".finding.warn:visible").count() == 2
    assert not await finding.is_visible()
    await page.select_option('select[name="site"]', "zhongshan")
    assert await visible.count() == 0
    await page.select_option('select[name="site"]', "dalian")
    await page.select_option('select[name="status"]', "")
    await page.select_option('select[name="rule"]', "disclosure.catalogue")
    assert await visible.count() == 1
    assert await finding.is_visible()

    assert dialogs == []
    assert requests == [path.as_uri()]  # the file itself, nothing else


@needs_browser
async def test_chromium_shows_hostile_text_and_runs_none_of_it(
    browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(html.render(hostile_report()), encoding="utf-8")
    page, dialogs, requests = await _open(browser, path)
    finding = page.locator(".finding[data-site=evil]").first
    text = await finding.inner_text()
    assert SCRIPT_TITLE in text
    assert JS_URL in text
    assert await page.locator('a[href^="javascript"]').count() == 0
    await page.locator("code", has_text=JS_URL).click()
    await page.wait_for_timeout(200)
    assert dialogs == []
    assert requests == [path.as_uri()]
    assert await page.evaluate("document.querySelectorAll('img').length") == 0


def test_evidence_reads_in_chinese() -> None:
    page = html.render(fixture_report())
    assert "HTTP https://kjj.dl.gov.cn/ 经 ipv4 192.0.2.30 失败：" in page
    assert "经 ipv6 2001:db8::10 失败：" in page
    assert " over " not in page and "failed:" not in page
