"""A real browser for what only a browser can see: headless Chromium from the operating system,
driven through Playwright (the optional extra `gkaudit[browser]`).

Used only for pages that need it (a script challenge in front of the content, a list a script
fills from an API), never to crawl. Every request the browser makes goes through gkaudit's own
`Fetcher` (Playwright's request routing): our resolver and address family, the per-host
politeness, the private-address guard and the site's page budget all hold, and Chromium itself
resolves no name and opens no connection (`--host-resolver-rules` maps every host to nothing).
Images, fonts, media and style sheets are not fetched: they change no text and no link.
A document the fetcher has read already answers the first navigation to it (`served`), so the
portal, whose firewall may count requests, sees the page asked for once; a challenge's page is
never served so: its reload is the point.

Why Playwright rather than Selenium with chromedriver (both render a script-built page from the
system Chromium offline, measured in bench/browser.py): Selenium has no request interception
short of raw CDP event plumbing, so the browser would fetch on its own, outside the politeness,
the budget and the address guard. Nothing is downloaded: the browser is the system's
`/usr/bin/chromium` (Debian's `chromium`), or `GKAUDIT_CHROMIUM`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from aiohttp.abc import AbstractCookieJar
from yarl import URL

from gkaudit.i18n import N_, _
from gkaudit.model import Family
from gkaudit.net.http import (
    REDIRECT_STATUSES,
    FailureKind,
    Fetcher,
    FetchFailure,
    Outcome,
    Page,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser as PlaywrightBrowser
    from playwright.async_api import Playwright, Request, Route

#: How a user installs the browser (README "A browser for script-built pages").
INSTALL_HINT = "apt-get install chromium && pip install 'gkaudit[browser]'"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # every request is answered through gkaudit's fetcher; Chromium must reach nothing itself
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
#: The browser's request headers passed on to the fetcher (its cookies go through the jar).
FORWARDED = frozenset({"referer", "accept", "x-requested-with"})
#: Resource types that change neither text nor links: not fetched at all.
SKIPPED = frozenset({"image", "media", "font", "stylesheet", "manifest", "texttrack"})
#: After the page has loaded, it is done once no request is in flight for this long.
QUIET_SECONDS = 0.3
#: Pages rendered at once in the whole run (each costs a renderer process).
RENDERS_AT_ONCE = 2


class BrowserMode(StrEnum):
    AUTO = "auto"  # use it when installed
    NEVER = "never"
    ALWAYS = "always"  # required: a scan without it stops and says how to install it


def chromium_path() -> str | None:
    path = os.environ.get("GKAUDIT_CHROMIUM") or "/usr/bin/chromium"
    return path if os.path.exists(path) else shutil.which("chromium")


@cache
def _missing() -> str | None:
    """The untranslated reason no browser can be used here (cached: the answer is the machine's,
    while its text follows the run's language, so only the message id is kept)."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return N_("no browser to run it: the browser extra is not installed ({hint})")
    if chromium_path() is None:
        return N_("no browser to run it: no Chromium at /usr/bin/chromium ({hint})")
    return None


def unavailable() -> str | None:
    """Why no browser can be used here, or None when one can, in the run's language."""
    missing = _missing()
    return None if missing is None else _(missing).format(hint=INSTALL_HINT)


def why_not(mode: BrowserMode) -> str | None:
    """Why a scan in `mode` renders no page in a browser, or None when it does."""
    if mode is BrowserMode.NEVER:
        return _("no browser to run it (the scan runs with --browser never)")
    return unavailable()


def no_browser() -> str:
    """Why a page that needs a browser was not rendered, when none was given to the scan."""
    return unavailable() or _("no browser to run it (none enabled for this scan)")


#: Charge one request to the site's page budget; False when it is spent.
Charge = Callable[[], bool]


@dataclass
class _Render:
    """What one render saw: requests in flight, the main document's last answer."""

    inflight: int = 0
    last_activity: float = field(default_factory=time.monotonic)
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    failure: FetchFailure | None = None
    #: The fetcher's copy of the document, until the first navigation to it is answered with it.
    served: Page | None = None


class Browser:
    """One headless Chromium for the run, started on first use; `render` a page with it."""

    def __init__(self, fetcher: Fetcher, *, timeout: float | None = None) -> None:
        self._fetcher = fetcher
        self._timeout = timeout or fetcher.settings.timeout * 2
        self._slots = asyncio.Semaphore(RENDERS_AT_ONCE)
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None

    async def _started(self) -> PlaywrightBrowser:
        async with self._lock:
            if self._browser is None:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=chromium_path(), args=list(FLAGS), headless=True
                )
            return self._browser

    async def start(self) -> None:
        """Launch Chromium now rather than on the first render."""
        await self._started()

    async def aclose(self) -> None:
        async with self._lock:
            if self._browser is not None:
                await self._browser.close()
                self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None

    async def render(
        self,
        url: str,
        family: Family,
        charge: Charge,
        *,
        cookies: AbstractCookieJar | None = None,
        deadline: float | None = None,
        served: Page | None = None,
    ) -> Outcome:
        """`url` as Chromium shows it after its scripts ran (challenges passed, lists filled):
        the final document as a Page (`rendered`), or why it could not be rendered. Every
        request it makes is charged (`charge`), carries the site's `cookies` and brings back
        the cookies it is given; the render ends by `deadline` (the site's time budget).

        `served`: the document the fetcher already holds for `url` (a page that loads, its
        body kept), which answers the browser's first navigation to it instead of the portal:
        the firewalls that count requests see one, not two. A challenge is never `served`: its
        reload must reach the portal, and a page loaded again (a script's reload) does too."""
        async with self._slots:
            browser = await self._started()
            context = await browser.new_context(
                user_agent=self._fetcher.settings.user_agent,
                service_workers="block",
                java_script_enabled=True,
            )
            seen = _Render(served=served)
            started = time.perf_counter()
            try:
                await context.route("**/*", self._router(family, charge, seen, cookies))
                page = await context.new_page()
                page.on("response", lambda r: _main_response(r, page, seen))
                limit = self._timeout
                if deadline is not None:  # what the site's budget has left once Chromium is up
                    limit = max(0.0, min(limit, deadline - asyncio.get_running_loop().time()))
                try:
                    async with asyncio.timeout(limit):
                        # to where the fetcher landed: the redirects before are known already
                        await page.goto(served.final_url if served else url, wait_until="load")
                        await _settle(page, seen)
                except TimeoutError:
                    message = _("the browser did not finish within {seconds:g} s")
                    return FetchFailure(
                        url, family, FailureKind.TIMEOUT, message.format(seconds=round(limit, 1))
                    )
                except Exception as exc:  # Playwright raises its own Error for a failed load
                    if seen.failure is not None:
                        return seen.failure
                    return FetchFailure(url, family, FailureKind.ERROR, f"browser: {exc}")
                html = (await page.content()).encode("utf-8")
                final = page.url
            finally:
                await context.close()
        status = seen.status if seen.status is not None else 200
        headers = {k: v for k, v in seen.headers.items() if k != "content-encoding"}
        headers["content-type"] = "text/html; charset=utf-8"
        return Page(
            url=url,
            final_url=final,
            family=family,
            status=status,
            headers=headers,
            body=html,
            address=None,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            obstacle=self._fetcher.obstacles.recognise(status, html),
            rendered=True,
        )

    def _router(
        self, family: Family, charge: Charge, seen: _Render, cookies: AbstractCookieJar | None
    ) -> Callable[[Route, Request], Awaitable[None]]:
        async def route(route: Route, request: Request) -> None:
            if request.resource_type in SKIPPED or request.method != "GET":
                # no POST to a portal: an inspector reads, never submits
                await route.abort("blockedbyclient")
                return
            served = seen.served
            if served is not None and request.is_navigation_request():
                seen.served = None  # once: a second navigation (a reload) goes to the portal
                if _same_url(request.url, served.final_url):
                    await route.fulfill(
                        status=served.status, headers=_headers(served), body=served.body
                    )
                    return
            if not request.url.startswith(("http://", "https://")) or not charge():
                await route.abort("blockedbyclient")
                return
            seen.inflight += 1
            try:
                sent = await request.all_headers()
                headers = {k: v for k, v in sent.items() if k in FORWARDED}
                if cookies is None:
                    headers.update({k: v for k, v in sent.items() if k == "cookie"})
                else:
                    # the cookies the browser holds (its scripts set some) join the site's jar,
                    # which the fetcher sends: those set by plain HTTP before go along too
                    _keep(cookies, sent.get("cookie", ""), request.url)
                # the guard (net/guard.py) holds here too: the fetcher refuses a private address
                outcome = await self._fetcher.exchange(
                    request.url, family, headers=headers, cookies=cookies
                )
                if isinstance(outcome, FetchFailure):
                    if request.is_navigation_request():
                        seen.failure = outcome
                    await route.abort("failed")
                    return
                headers = _headers(outcome)
                location = headers.pop("location", None)
                if outcome.status in REDIRECT_STATUSES and location:
                    target_url = urljoin(request.url, location)
                    if not request.is_navigation_request():
                        # a script's request: followed here, its body is what the script gets
                        followed = await self._fetcher.fetch(target_url, family, cookies=cookies)
                        if isinstance(followed, FetchFailure):
                            await route.abort("failed")
                            return
                        await route.fulfill(
                            status=followed.status,
                            headers=_headers(followed),
                            body=followed.body,
                        )
                        return
                    # Playwright does not route the request that follows a fulfilled redirect
                    # (microsoft/playwright#23301, #39480): it would go to the network, where
                    # the resolver rules stop it. So the redirect is made a navigation of the
                    # page's own, which is routed; its cookies are kept all the same.
                    target = json.dumps(target_url)
                    stub = f"<script>location.replace({target})</script>".encode()
                    headers["content-type"] = "text/html; charset=utf-8"
                    await route.fulfill(status=200, headers=headers, body=stub)
                    return
                await route.fulfill(status=outcome.status, headers=headers, body=outcome.body)
            finally:
                seen.inflight -= 1
                seen.last_activity = time.monotonic()

        return route


def _same_url(asked: str, held: str) -> bool:
    """Chromium's form of a URL (no fragment, no default port, percent-encoded) names `held`."""

    def key(url: str) -> tuple[object, ...]:
        u = URL(url)
        return (u.scheme, u.host, u.port, u.raw_path or "/", u.raw_query_string)

    try:
        return key(asked) == key(held)
    except ValueError:
        return False


def _keep(cookies: AbstractCookieJar, header: str, url: str) -> None:
    """The cookies of a browser's `Cookie` header, kept in the site's jar for `url`."""
    parsed: SimpleCookie = SimpleCookie()
    try:
        parsed.load(header)
    except CookieError:
        return  # a cookie the parser cannot read is one no portal check depends on
    for morsel in parsed.values():
        # the header says no path: kept for the whole site, not for `url`'s folder alone
        morsel["path"] = "/"
    if parsed:
        cookies.update_cookies(parsed, URL(url))


def _headers(page: Page) -> dict[str, str]:
    """The response headers as Playwright takes them: one value each, Set-Cookie lines joined
    by newlines; no transfer encodings (the body is already decoded)."""
    out: dict[str, str] = {}
    getall: Any = getattr(page.headers, "getall", None)
    for name in {k.lower() for k in page.headers}:
        if name in ("content-encoding", "transfer-encoding", "content-length", "connection"):
            continue
        values = getall(name, []) if getall is not None else [page.headers[name]]
        out[name] = "\n".join(values) if name == "set-cookie" else ", ".join(values)
    return out


def _main_response(response: Any, page: Any, seen: _Render) -> None:
    request = response.request
    if request.is_navigation_request() and response.frame == page.main_frame:
        seen.status = response.status
        seen.headers = dict(response.headers)


async def _settle(page: Any, seen: _Render) -> None:
    """Wait until the page has loaded (again, after a challenge's reload) and no request has
    been in flight for QUIET_SECONDS."""
    while True:
        await page.wait_for_load_state("load")
        idle = time.monotonic() - seen.last_activity
        if seen.inflight == 0 and idle >= QUIET_SECONDS:
            return
        await asyncio.sleep(max(0.05, QUIET_SECONDS - idle))
