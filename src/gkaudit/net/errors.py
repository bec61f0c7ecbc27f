"""A transport failure named in plain words: refused, reset, TLS, no route, malformed HTTP."""

from __future__ import annotations

import errno
import ssl
from collections.abc import Iterable

import aiohttp

from gkaudit.i18n import _
from gkaudit.net.outcome import FailureKind


def classify(exc: BaseException) -> tuple[FailureKind, str]:
    """Name the cause of a transport failure: refused, reset, TLS, no route..."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FailureKind.TLS, _("TLS: {reason}").format(
                reason=cause.verify_message or cause.reason or cause
            )
        if isinstance(cause, ssl.SSLError):
            return FailureKind.TLS, _("TLS: {reason}").format(reason=cause.reason or cause)
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno == errno.ECONNREFUSED:
                return FailureKind.REFUSED, _("connect: refused")
            if cause.errno in (
                errno.ENETUNREACH,
                errno.EHOSTUNREACH,
                errno.EADDRNOTAVAIL,
                errno.EAFNOSUPPORT,
            ):
                return FailureKind.NO_ROUTE, _("connect: {reason}").format(reason=cause.strerror)
            if cause.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
                return FailureKind.RESET, _("connection reset")
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return FailureKind.RESET, _("connection closed without a response")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return FailureKind.RESET, _("connection reset")
    if isinstance(exc, aiohttp.ClientConnectorError):
        if not exc.strerror:
            return FailureKind.REFUSED, _("connect: failed")
        return FailureKind.REFUSED, _("connect: {reason}").format(reason=exc.strerror)
    if isinstance(exc, aiohttp.ClientResponseError):
        # the parser's words, without the bytes it quotes
        words = exc.message.split(":", 1)[0].split(" '", 1)[0]
        return FailureKind.PROTOCOL, _("malformed HTTP: {reason}").format(
            reason=f"{words[:1].lower()}{words[1:]}"
        )
    if isinstance(exc, aiohttp.ClientOSError):
        return FailureKind.RESET, _("connection reset")
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError | ValueError):
        return FailureKind.INVALID_URL, _("invalid URL: {url}").format(url=exc)
    return FailureKind.ERROR, f"{type(exc).__name__}: {exc}"


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
