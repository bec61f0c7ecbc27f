"""Unmasked personal numbers in a text: 居民身份证号码, mobile numbers, bank card numbers.

- An 18-character ID (GB 11643-1999): a real province prefix (11-15, 21-23, 31-37, 41-46,
  50-54, 61-65, 71, 81-83), a birth date that exists and is not after today, and the check
  character: the 17 digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 picks
  1 0 X 9 8 7 6 5 4 3 2.
- A 15-digit old ID (region, YYMMDD in the 1900s, sequence; no check character): the same
  prefix and date tests, and only in a document that names ID numbers somewhere (身份证,
  身份号码, 证件号), since fifteen digits without a checksum are too easily something else.
- A mobile number: `1[3-9]` and nine more digits (or 3-4-4 groups split by a space or hyphen),
  not inside a longer run of digits or letters.
- A bank card number: 16 to 19 digits passing the Luhn check, and only where a label
  (卡号, 银行卡, 账号, 账户, 开户, 存折...) stands at most 30 characters before it or heads
  its column in a table (rows split by newlines, cells by tabs). A PDF keeps no table
  structure: there the label must be near.

Never counted: masked forms (a `*` next to the digits), digits inside longer runs (order
numbers, timestamps) or inside URLs and file names, dates, landlines (0411-8xxxxxxx) and
hotlines (12345): none of them has the shape of the numbers above.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from gkaudit.privacy.mask import ascii_digits, mask_card, mask_id, mask_mobile, scrub


class Kind(StrEnum):
    ID = "id"
    MOBILE = "mobile"
    CARD = "card"


_SPANS = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
PROVINCES = frozenset(code for low, high in _SPANS for code in range(low, high + 1))
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: Words naming ID numbers: where they appear, a 15-digit old number counts.
ID_LABELS = ("身份证", "身份号码", "证件号", "公民身份")
#: Words labelling a bank card or account number; one must stand just before the number.
CARD_LABELS = ("卡号", "银行卡", "账号", "帐号", "账户", "帐户", "开户", "存折", "社保卡", "一卡通")
_LABEL_WINDOW = 30
#: Rows looked back through for a table's header row.
_HEADER_LINES = 500
CONTEXT = 20

_EDGE = r"0-9A-Za-z*＊×"
# A candidate: a maximal run of digits (an ID may end in X), or a mobile in 3-4-4 groups.
# Not glued to letters, digits or masking stars; not inside a URL, file name or decimal.
# The leading lookahead lets the engine skip to the next digit: 3x faster over a page's text.
_CANDIDATE = re.compile(
    rf"(?=[0-9])(?<![{_EDGE}./_=%#&?\\-])"
    r"(?:(?P<run>[0-9]{11,19}[Xx]?)|(?P<grouped>1[3-9][0-9][- ][0-9]{4}[- ][0-9]{4}))"
    rf"(?![{_EDGE}]|\.[0-9A-Za-z]|[/_])"
)


@dataclass(frozen=True, slots=True)
class Match:
    """One unmasked number: its kind, where it is, its masked form and masked context."""

    kind: Kind
    start: int
    end: int
    masked: str
    context: str
    #: The digits themselves: for counting distinct numbers; never written anywhere.
    key: str


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _date(year: int, month: int, day: int, today: dt.date) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= today


def valid_id18(number: str, today: dt.date) -> bool:
    """An 18-character 居民身份证号码 by GB 11643-1999 (see the module's docstring)."""
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in PROVINCES:
        return False
    if not _date(int(number[6:10]), int(number[10:12]), int(number[12:14]), today):
        return False
    check = _CHECK[sum(int(d) * w for d, w in zip(number, _WEIGHTS, strict=False)) % 11]
    return number[17].upper() == check


def valid_id15(number: str, today: dt.date) -> bool:
    """A 15-digit old number: province prefix and a birth date in the 1900s."""
    if len(number) != 15 or not number.isdigit() or int(number[:2]) not in PROVINCES:
        return False
    return _date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), today)


def is_mobile(digits: str) -> bool:
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def _labelled(text: str, start: int) -> bool:
    """A card label just before the number, or heading its column in a table of tab-separated
    rows (how gkaudit reads Word tables)."""
    line_start = text.rfind("\n", 0, start) + 1
    # in a table row the label must be in the number's own cell (or head its column): the
    # next column's header is no label of this one
    line_end = text.find("\n", start)
    tabbed = "\t" in text[line_start : len(text) if line_end < 0 else line_end]
    cell_start = max(line_start, text.rfind("\t", line_start, start) + 1)
    window = max(cell_start if tabbed else 0, start - _LABEL_WINDOW)
    if any(label in text[window:start] for label in CARD_LABELS):
        return True
    column = text.count("\t", line_start, start)
    end = line_start - 1
    for _ in range(_HEADER_LINES):
        if end <= 0:
            return False
        begin = text.rfind("\n", 0, end) + 1
        cells = text[begin:end].split("\t")
        if any(label in cell for cell in cells for label in CARD_LABELS):
            return column < len(cells) and any(label in cells[column] for label in CARD_LABELS)
        end = begin - 1
    return False


def _glued(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or "０" <= ch <= "９"


def _around(text: str, start: int, end: int, masked: str) -> str:
    """`masked` with `CONTEXT` characters either side, widened so as not to cut a number in
    two (a cut number would slip past `scrub`)."""
    left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while left > 0 and _glued(text[left - 1]) and _glued(text[left]):
        left -= 1
    while right < len(text) and _glued(text[right - 1]) and _glued(text[right]):
        right += 1
    return text[left:start] + masked + text[end:right]


def find(text: str, today: dt.date) -> list[Match]:
    """Every unmasked ID, mobile and labelled card number in `text`, in order."""
    plain = ascii_digits(text)  # same length: positions hold for `text` too
    names_ids = any(label in plain for label in ID_LABELS)
    found: list[Match] = []
    for m in _CANDIDATE.finditer(plain):
        run = m.group("run")
        if run is None:
            digits = re.sub(r"[- ]", "", m.group("grouped"))
            kind, masked = Kind.MOBILE, mask_mobile(digits)
        elif len(run) == 18 and valid_id18(run, today):
            kind, masked, digits = Kind.ID, mask_id(run), run.upper()
        elif len(run) == 15 and names_ids and valid_id15(run, today):
            kind, masked, digits = Kind.ID, mask_id(run), run
        elif is_mobile(run):
            kind, masked, digits = Kind.MOBILE, mask_mobile(run), run
        elif run.isdigit() and len(run) >= 16 and luhn(run) and _labelled(plain, m.start()):
            kind, masked, digits = Kind.CARD, mask_card(run), run
        else:
            continue
        context = scrub(_around(text, m.start(), m.end(), masked))
        found.append(Match(kind, m.start(), m.end(), masked, context, digits))
    return found


@dataclass(frozen=True, slots=True)
class Tally:
    """Distinct numbers of each kind in one document."""

    ids: int
    mobiles: int
    cards: int

    @classmethod
    def of(cls, matches: list[Match]) -> Tally:
        def distinct(kind: Kind) -> int:
            return len({m.key for m in matches if m.kind is kind})

        return cls(distinct(Kind.ID), distinct(Kind.MOBILE), distinct(Kind.CARD))
