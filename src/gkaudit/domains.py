"""Which hosts belong to a portal: the registered domain, per the Public Suffix List.

`gov.cn` is a public suffix, so `www.dl.gov.cn`, `kjj.dl.gov.cn` and `dl.gov.cn` share the
registered domain `dl.gov.cn`, while `dljp.gov.cn` is a portal of its own.
"""

from __future__ import annotations

from functools import cache, lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from gkaudit.net.dns import ip_literal


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: no download at run time


@lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    """The host of a URL as DNS knows it: lower case, IDN labels in punycode (as links are
    written once parsed), without port, brackets or trailing dot ("" if none)."""
    # (remembered: rules ask it of every link of every page they read, a URL parse each)
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return ascii_host(host)


def ascii_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@cache
def registered_domain(host: str) -> str:
    """`kjj.dl.gov.cn` -> `dl.gov.cn`; an IP address or a bare suffix stands for itself."""
    host = ascii_host(host)
    if not host or ip_literal(host) is not None:
        return host
    return str(_psl().privatesuffix(host) or host)


def within(host: str, domain: str) -> bool:
    """True when `host` is `domain` or one of its sub-domains."""
    host = ascii_host(host)
    return host == domain or host.endswith("." + domain)
