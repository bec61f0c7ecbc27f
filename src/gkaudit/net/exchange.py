"""One HTTP exchange: the request sent, the response's body read up to the size cap within one
deadline, and the answer made a `Page` (its obstacle recognised) or a `FetchFailure` in words.

No redirect is followed and nothing is retried here: the `Fetcher` (net/http.py) does both,
and holds the host's politeness slot around each exchange.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

import aiohttp
from aiohttp.abc import AbstractCookieJar

from gkaudit.i18n import _
from gkaudit.model import Family
from gkaudit.net.errors import classify
from gkaudit.net.obstacles import Markers, script_built
from gkaudit.net.outcome import FailureKind, FetchFailure, Outcome, Page
from gkaudit.net.pinning import DnsLookupFailed, PrivateAddress, peer


async def send(
    session: aiohttp.ClientSession,
    url: str,
    family: Family,
    *,
    method: str,
    read_body: bool,
    headers: Mapping[str, str] | None,
    cookies: AbstractCookieJar | None,
    time_limit: float,
    max_bytes: int,
    obstacles: Markers,
) -> Outcome:
    """`method url` over `session` (one address family), the cookies it sets kept in
    `cookies`; the body read unless `read_body` is False, refused past `max_bytes`."""
    started = time.perf_counter()
    try:
        # One deadline for the whole exchange, so a server that drips a byte a second cannot
        # hold us past the timeout.
        async with (
            asyncio.timeout(time_limit),
            session.request(method, url, allow_redirects=False, headers=headers) as response,
        ):
            address = peer.get()[0]
            if cookies is not None:
                cookies.update_cookies(response.cookies, response.url)
            body = bytearray()
            if read_body and method != "HEAD":
                async for chunk in response.content.iter_any():
                    body += chunk
                    if len(body) > max_bytes:
                        message = _("body larger than {n:,} bytes").format(n=max_bytes)
                        return FetchFailure(url, family, FailureKind.TOO_LARGE, message)
            content = bytes(body)
            return Page(
                url=url,
                final_url=url,
                family=family,
                status=response.status,
                headers=response.headers,
                body=content,
                address=address,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                obstacle=obstacles.recognise(response.status, content),
                scripted=script_built(content),
            )
    except PrivateAddress as exc:
        return exc.failure(url, family)
    except DnsLookupFailed as exc:
        return FetchFailure(url, family, FailureKind.DNS, exc.answer.describe(), dns=exc.answer)
    except TimeoutError:
        message = _("timeout after {seconds:g} s").format(seconds=time_limit)
        return FetchFailure(url, family, FailureKind.TIMEOUT, message)
    except (aiohttp.ClientError, ValueError) as exc:
        # ValueError: yarl refuses some URLs (a control character in the host)
        kind, message = classify(exc)
        return FetchFailure(url, family, kind, message, stale=peer.get()[1])
