"""What the checks share about URLs: the form links are compared in, and the deterministic sample
a check probes when a page has more links than it may probe (the same links on every run and
on every machine, so two runs can be compared)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_web(url: str) -> bool:
    """An http or https URL (not mailto:, javascript:, ftp:...)."""
    return urlsplit(url).scheme.lower() in _DEFAULT_PORTS


def canonical(url: str) -> str:
    """The form links are compared in: scheme and host lower case, default port and fragment
    dropped, an empty path made "/"."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def sample(urls: Iterable[str], size: int) -> list[str]:
    """`size` of `urls`, the same ones on every run and machine: ordered by SHA-256 of the URL
    (Python's own `hash` of a string changes with every process)."""
    return sorted(urls, key=lambda u: hashlib.sha256(u.encode()).digest())[:size]
