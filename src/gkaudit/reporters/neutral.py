"""Portal text made harmless for where it is written: a spreadsheet cell, a terminal.

Everything in a report comes from portals (titles, link texts, URLs), so a page can try to plant a
formula in the office's 整改清单 or move a terminal's cursor. HTML has its own escaping
(`html.escape`); these two are the others.
"""

from __future__ import annotations

import re

#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): neutralised by a
#: leading apostrophe, which Excel and LibreOffice show as text and do not display.
FORMULA_START = ("=", "+", "-", "@", "\t")
#: ANSI/VT escape sequences (CSI, OSC, and two-character ones), then any other control character.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """`text` without escape sequences or control characters (bidi overrides included) but its
    tabs and line breaks; a spreadsheet refuses most control characters anyway."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def cell(text: str) -> str:
    """`text` as a spreadsheet shows it literally: plain, and never a formula."""
    text = plain(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def terminal(text: str) -> str:
    """`text` plain, with a tab or line break as a space, so it cannot break the layout."""
    return plain(text.replace("\t", " ").replace("\n", " "))
