"""The public messages of a 咨询建言 channel (信件公开, 留言选登): when each was asked, whether and
when it was answered, read from the list and from the message pages.

A list row shows the title (the link), usually the date it was asked (来信时间), often its
reply date (回复时间) and a state (已回复, 办理中, 未回复), in a table or a `<ul>`. The parsed
page keeps the links with the first date of their row (`Link.date`) and the visible text in
document order, cells separated by spaces; a row's other cells are the text between its
title and the next row's. A date column printed before the title (rare) ends the row before;
the ask date is recognised there and taken out.

A message page labels its dates: "来信时间：2026-03-01 … 回复时间：2026-03-20", and its reply
("答复内容", "回复意见"). The pure functions take parsed documents, so they are tested on saved
pages without a network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from gkaudit.dates import parse_dates
from gkaudit.html import Document, Link

#: Characters of a row's text read after its title: the cells of one row.
ROW_CHARS = 160


class State(StrEnum):
    """What the portal says about a message."""

    ANSWERED = "answered"
    PENDING = "pending"  # 未回复, 办理中, 待回复
    INVALID = "invalid"  # 不予受理, 无效, 重复: not a valid message
    UNKNOWN = "unknown"


# Pending first: "未办结" holds "办结", "未回复" holds "回复".
_PENDING = (
    "未回复", "未答复", "未办结", "未处理", "待回复", "待答复", "待处理", "办理中", "处理中",
    "正在办理", "正在处理", "转办中", "已受理", "受理中",
)  # fmt: skip
_INVALID = ("不予受理", "无效", "重复件", "重复信件", "不属于受理范围", "不予公开")
_ANSWERED = ("已回复", "已答复", "已办结", "已处理", "已反馈", "已回应", "办结", "已完成")

_ASK_LABELS = r"来信时间|来信日期|写信时间|留言时间|留言日期|提问时间|咨询时间|提交时间|来件时间"
_REPLY_LABELS = r"回复时间|回复日期|答复时间|答复日期|办结时间|办结日期|反馈时间|回应时间|处理时间"
_DATE = r"[0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}\s*[-/.月]\s*[0-9０-９]{1,2}"
_REPLY_COLUMN_RE = re.compile(_REPLY_LABELS)
_STATE_COLUMN_RE = re.compile(r"状态")
_TITLE_COLUMN_RE = re.compile(r"标题|主题|题目")
#: Characters of the text before the first row read as its header (the column names).
HEADER_CHARS = 120


def _after_title(header: str, label: re.Pattern[str]) -> bool:
    """The list's header names the column `label` matches after its title column (or has no
    title column name: a `<ul>` list, whose extra cells follow the title)."""
    head = header[-HEADER_CHARS:]
    found = [m.start() for m in label.finditer(head)]
    if not found:
        return False
    titles = [m.start() for m in _TITLE_COLUMN_RE.finditer(head)]
    return not titles or found[-1] > titles[-1]


_PAGER_RE = re.compile(r"共\s*[0-9]+\s*[条页]|首页\s*上一页|上一页|下一页|尾页|主办单位|版权所有")


def _labelled(labels: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{labels})\s*[:：]?\s*(?P<date>{_DATE})")


_ASK_RE = _labelled(_ASK_LABELS)
_REPLY_RE = _labelled(_REPLY_LABELS)
# A message page's state, by its label: the page's other text (a 须知 "…不予受理") is no state.
_STATE_RE = re.compile(
    r"(?:办理状态|处理状态|信件状态|答复状态|回复状态|状态)\s*[:：]?\s*(?P<state>\S{2,8})"
)
# A reply's own heading followed by some text: answered, though perhaps undated.
_REPLY_TEXT_RE = re.compile(
    r"(?:回复内容|答复内容|回复意见|答复意见|办理结果|处理结果|回复正文|答复正文)\s*[:：]?\s*(?P<text>\S.{9,})"
)


def state_of(text: str) -> State:
    """The state a row's (or a page's) text names, pending and invalid before answered."""
    if any(word in text for word in _INVALID):
        return State.INVALID
    if any(word in text for word in _PENDING):
        return State.PENDING
    if any(word in text for word in _ANSWERED):
        return State.ANSWERED
    return State.UNKNOWN


@dataclass(frozen=True, slots=True)
class Letter:
    """One public message: its title and page, when it was asked and answered, its state, and
    where that was read (the list's URL, or the message page's)."""

    title: str
    url: str
    asked: dt.date | None
    replied: dt.date | None
    state: State
    read_on: str

    @property
    def answered(self) -> bool:
        return self.replied is not None or self.state is State.ANSWERED

    def wait(self, as_of: dt.date) -> int | None:
        """Days it waited for its reply (until `as_of` when unanswered); None if unknown."""
        if self.asked is None:
            return None
        if self.replied is not None:
            return (self.replied - self.asked).days
        if self.state is State.PENDING:
            return (as_of - self.asked).days
        return None


def _title_pattern(title: str) -> re.Pattern[str]:
    return re.compile(r"\s*".join(re.escape(ch) for ch in title if not ch.isspace()))


def _remove_one(dates: list[dt.date], date: dt.date, *, last: bool) -> bool:
    if date not in dates:
        return False
    index = len(dates) - 1 - dates[::-1].index(date) if last else dates.index(date)
    del dates[index]
    return True


def read_list(doc: Document, items: Sequence[Link], as_of: dt.date) -> list[Letter]:
    """The messages a list page shows: one per item link, with the dates and state of its row.

    The ask date is the row's first date (`Link.date`); the reply date the earliest other date
    of the row not before it (the earliest, so that an acceptance date read as a reply can
    only shorten a wait, never lengthen it into a finding); the state the words of the row.
    """
    text = doc.text
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for link in items:
        match = _title_pattern(link.text).search(text, cursor)
        spans.append(None if match is None else (match.start(), match.end()))
        if match is not None:
            cursor = match.end()
    rows: list[str] = []
    for index, span in enumerate(spans):
        if span is None:
            rows.append("")
            continue
        following = next((s for s in spans[index + 1 :] if s is not None), None)
        if following is not None:
            rows.append(text[span[1] : min(following[0], span[1] + ROW_CHARS)])
            continue
        # the last row: as long as the longest other, and never into the pager or the footer
        longest = max((len(row) for row in rows), default=ROW_CHARS)
        tail = text[span[1] : span[1] + min(ROW_CHARS, longest + 8)]
        rows.append(_PAGER_RE.split(tail, maxsplit=1)[0])
    first = next((span for span in spans if span is not None), None)
    header = text[: first[0]] if first is not None else ""
    # A reply date is read from the list only when it has a reply column after the title
    # column: else a second date of a row is something else (the footer's, the next row's),
    # never an answer. A state column before the title would give each row the next one's.
    replies = _after_title(header, _REPLY_COLUMN_RE)
    states = _after_title(header, _STATE_COLUMN_RE) or not _STATE_COLUMN_RE.search(header)
    dates = [parse_dates(row, context_year=as_of.year, today=as_of) for row in rows]
    for index, link in enumerate(items):
        asked = link.date
        if asked is None or _remove_one(dates[index], asked, last=False):
            continue
        if index > 0:  # printed before its title: at the end of the row before
            _remove_one(dates[index - 1], asked, last=True)
    letters = []
    for link, row, found in zip(items, rows, dates, strict=True):
        asked = link.date
        later = sorted(d for d in found if asked is None or d >= asked)
        letters.append(
            Letter(
                title=link.text,
                url=link.url,
                asked=asked,
                replied=later[0] if replies and later and asked is not None else None,
                state=state_of(row) if states else State.UNKNOWN,
                read_on=doc.url,
            )
        )
    return letters


def read_message(doc: Document, letter: Letter, as_of: dt.date) -> Letter:
    """`letter` as its own page tells it: the labelled ask and reply dates, a reply text, and
    the state it names; what the page does not say is kept from the list."""
    text = doc.text

    def labelled(pattern: re.Pattern[str]) -> dt.date | None:
        for match in pattern.finditer(text):
            found = parse_dates(match["date"])
            if found and found[0] <= as_of:
                return found[0]
        return None

    asked = labelled(_ASK_RE) or letter.asked
    replied = labelled(_REPLY_RE)
    if replied is not None and asked is not None and replied < asked:
        replied = None
    labels = [state_of(m["state"]) for m in _STATE_RE.finditer(text)]
    state = next((found for found in labels if found is not State.UNKNOWN), State.UNKNOWN)
    if replied is not None or _REPLY_TEXT_RE.search(text):
        state = State.ANSWERED if state is not State.INVALID else state
    elif state is State.UNKNOWN:
        state = letter.state
    return replace(
        letter,
        asked=asked,
        replied=replied if replied is not None else letter.replied,
        state=state,
        read_on=doc.url,
    )
