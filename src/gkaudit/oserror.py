"""Why a file could not be read or written, in the run's language.

The OS's own words (``strerror``) follow the C library's locale, not the run's ``--lang``: the
usual causes are said through the catalogue with what to do, the rare others keep the OS's
words in parentheses after a sentence in the run's language.
"""

from __future__ import annotations

import errno

from gkaudit.i18n import N_, _

#: errno -> the cause in an inspector's words.
_WORDS = {
    errno.ENOENT: N_("no such file"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EISDIR: N_("is a directory, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a directory"),
    errno.ENOSPC: N_("no space left on the disk: free some space and run again"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EEXIST: N_("already exists"),
}


def why(exc: OSError) -> str:
    """The cause of `exc` in the run's language (a rare one: with the OS's words after it)."""
    words = _WORDS.get(exc.errno) if exc.errno is not None else None
    if words is None and isinstance(exc, FileNotFoundError):
        words = _WORDS[errno.ENOENT]
    if words is None and isinstance(exc, PermissionError):
        words = _WORDS[errno.EACCES]
    if words is not None:
        return _(words)
    return _("the operating system refused ({detail})").format(detail=exc.strerror or exc)
