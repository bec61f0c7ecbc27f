"""Did-you-mean for ids typed by hand: rules, checks, sites."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from gkaudit.i18n import _


def unknown(kind: str, value: str, known: Iterable[str]) -> str:
    """ "unknown site 'zhongsan'; did you mean 'zhongshan'?", or the known ids when none is near."""
    names = sorted(set(known))
    close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
    if close:
        return _("unknown {kind} {value!r}; did you mean {matches}?").format(
            kind=kind, value=value, matches=_(" or ").join(repr(c) for c in close)
        )
    if not names:
        return _("unknown {kind} {value!r}").format(kind=kind, value=value)
    return _("unknown {kind} {value!r} (known: {names})").format(
        kind=kind, value=value, names=", ".join(names)
    )
