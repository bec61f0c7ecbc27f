"""Personal numbers of real format for tests: valid by GB 11643-1999 or Luhn, never real
people's (sequence codes chosen here, not copied from anywhere)."""

from __future__ import annotations

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id18(region: str = "210202", born: str = "19850317", seq: str = "123") -> str:
    body = region + born + seq
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def wrong_check(number: str) -> str:
    """The same number with a check character that fails."""
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def luhn_card(prefix: str = "622202123456789", length: int = 19) -> str:
    body = (prefix + "0" * length)[: length - 1]
    for check in "0123456789":
        candidate = body + check
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            n = int(ch)
            if i % 2:
                n = n * 2 - 9 if n > 4 else n * 2
            total += n
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


#: IDs of Liaoning (21) and Fujian (35), an X check character among them.
IDS = [
    id18("210202", "19850317", "123"),
    id18("350102", "19620101", "456"),
    id18("110105", "19491231", "002"),  # ends in X
]
MOBILES = ["13812345678", "15904112233", "18640987654", "19912345670"]
CARDS = [luhn_card("622202123456789", 19), luhn_card("6217000011112222", 16)]
