"""The columns reached from the home page are kept up to date (栏目不更新).

Why: Used by `columns.updated`: a single-veto item of the national inspection indicators
(国办秘函〔2019〕19号, 单项否决·栏目不更新): "1.监测时间点前 2 周内的动态、要闻类栏目，以及监测
时间点前 6 个月内的通知公告、政策文件类一级栏目，累计超过(含)5 个未更新。2.应更新但长期未更新的
栏目数量超过(含)10 个" (indicators.md §1.2). "未注明信息发布时间的视为不更新" (the 2015 普查
rule, still applied): a list whose items show no date counts as not updated. The indicators do
not say how long "长期" is; a year (`long_stale_days`) is a configurable default.

What it checks: the columns reached from the home page (`gkaudit.site.inventory`): the pages
the home page links to (first-level columns: navigation first, then the "更多" links of its
boxes) and the column links those pages carry (second level). Each is read as a column is (a
Hanweb datastore or TRS list, a list a script builds rendered in a browser when there is one),
and a page without a dated item is told from a page of links to other columns by its first
items (articles make it a column); a page with too few items for a list is a 政务公开 hub when
at least two of its column links have a column's address (a folder, not an article's
t2026…_n.html) and the first that opens is no article, so its sub-columns are judged too (an
article's related links never are). Each column is classified from its `<meta name="ColumnType">`,
its `ColumnName` and the text of the link to it: 动态/要闻 (`news_keywords`: limit `news_days`),
通知公告/政策文件 (`notice_keywords`, first-level columns only: limit `notice_months`), others
(limit `long_stale_days`), and columns not expected to update regularly
(`static_keywords`: 信息公开指南, 信息公开制度, 年报, 机构职能…: not "应更新", never counted; the
annual report has a rule of its own). A column's age is that of its newest item dated on or before
`--as-of` (dates as 2026-11-20, 2026/11/20, 2026年11月20日, [11-20] or 11-20). A blank column
(one listing nothing) is `columns.blank`'s, not counted here.

Params:
- `news_days`: a 动态/要闻 column must show an item at most this many days old (default 14:
  "2 周内"; the 14th day passes, the 15th does not).
- `notice_months`: a first-level 通知公告/政策文件 column must show an item dated on or after
  the same day this many months before `--as-of` (default 6).
- `long_stale_days`: any column older than this (or undated) is "长期未更新" (default 365).
- `max_key_stale`: this many 动态/要闻 and 通知公告/政策文件 columns past their limit fail
  (default 5: "超过(含)5 个").
- `max_long_stale`: this many columns past `long_stale_days` fail (default 10).
- `news_keywords`: texts naming a 动态/要闻 column.
- `notice_keywords`: texts naming a 通知公告/政策文件 column.
- `policy_keywords`: of those, the texts naming a 政策文件 column (the 扣分 item "监测时间点前6个月
  内,政策文件类一级栏目未更新" counts these: metric `policy_stale`).
- `static_keywords`: texts naming a column not expected to update regularly, never counted
  (unless it also names a 动态/要闻 or 通知公告/政策文件 column).
- `max_pages`: pages opened as would-be columns, both levels together (default 60).

Passes when no column is past its limit.

Fails (the single veto) when at least `max_key_stale` 动态/要闻 and first-level
通知公告/政策文件 columns are past their limit, or at least `max_long_stale` columns are older
than `long_stale_days` or undated. The message names each of them with its newest date.

Warns (`warn`) when some columns are past their limit, fewer than either threshold.

Inconclusive (`error`) when the home page cannot be read, when no column is found from it,
or when the columns that could not be read (a firewall's refusal, a timeout, a list a script
builds that no browser rendered) are enough, counted as not updated, to reach a threshold
that the columns read do not: the message names them. A column that could not be read never
counts as not updated.

Evidence: every column with its type, level, newest item date and age (or that none is dated),
and every page that could not be read with the reason. When `max_pages` left column links
unopened, how many (they are not judged). Metrics: `columns`, `key_stale`, `long_stale`,
`policy_stale` (first-level 政策文件 columns past their limit), `unread`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field

from gkaudit.declaration import CheckParams, Texts, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, Metric, NoteEvidence, Verdict
from gkaudit.site.context import SiteContext
from gkaudit.site.inventory import Entry, Role, reachable_columns
from gkaudit.site.pages import home_verdict
from gkaudit.text import normalize


class Params(CheckParams):
    """The limits of each kind of column and the veto's thresholds."""

    news_days: int = Field(
        14, ge=1, description=N_("a 动态/要闻 column's newest item at most this many days old")
    )
    notice_months: int = Field(
        6,
        ge=1,
        description=N_("a first-level 通知公告/政策文件 column updated within these months"),
    )
    long_stale_days: int = Field(
        365, ge=1, description=N_("older than this (or undated) is 长期未更新, for any column")
    )
    max_key_stale: int = Field(
        5, ge=1, description=N_("this many stale 动态/要闻 and 通知公告/政策文件 columns fail")
    )
    max_long_stale: int = Field(10, ge=1, description=N_("this many long-unupdated columns fail"))
    news_keywords: Texts = Field(
        ("动态", "要闻", "新闻", "资讯", "快讯"),
        min_length=1,
        description=N_("texts naming a 动态/要闻 column"),
    )
    notice_keywords: Texts = Field(
        ("通知公告", "公告通知", "通知", "公告", "公示", "政策文件", "规范性文件", "政府文件"),
        min_length=1,
        description=N_("texts naming a 通知公告/政策文件 column"),
    )
    policy_keywords: Texts = Field(
        ("政策文件", "规范性文件", "政府文件"),
        min_length=1,
        description=N_("of the notice texts, those naming a 政策文件 column"),
    )
    static_keywords: Texts = Field(
        (
            "信息公开指南",
            "信息公开制度",
            "年报",
            "年度报告",
            "机构职能",
            "机构设置",
            "领导信息",
            "领导简介",
            "概况",
            "简介",
            "法律法规",
        ),
        min_length=1,
        description=N_("texts naming a column not expected to update regularly (not 应更新)"),
    )
    max_pages: int = Field(60, ge=1, description=N_("pages opened as would-be columns"))


class Kind(StrEnum):
    NEWS = "news"
    NOTICE = "notice"
    OTHER = "other"
    STATIC = "static"  # not expected to update regularly: never counted


_KIND_LABELS = {
    Kind.NEWS: N_("news column"),
    Kind.NOTICE: N_("first-level notice or policy-document column"),
    Kind.OTHER: N_("other column"),
    Kind.STATIC: N_("column not expected to update regularly"),
}


def _names(entry: Entry, keywords: Texts) -> bool:
    texts = [normalize(text) for text in (entry.column_type, entry.name, entry.text) if text]
    return any(normalize(k) in text for text in texts for k in keywords)


def _kind(entry: Entry, params: Params) -> Kind:
    """From the CMS's ColumnType, then its ColumnName, then the link's text: the first that
    names a kind. 通知公告/政策文件 count as such only at the first level."""
    news = [normalize(k) for k in params.news_keywords]
    notices = [normalize(k) for k in params.notice_keywords]
    static = [normalize(k) for k in params.static_keywords]
    sources = [text for text in map(normalize, (entry.column_type, entry.name, entry.text)) if text]
    for text in sources:
        if any(k in text for k in news):
            return Kind.NEWS
        if any(k in text for k in notices):
            return Kind.NOTICE if entry.level == 1 else Kind.OTHER
    if any(k in text for text in sources for k in static):
        return Kind.STATIC
    return Kind.OTHER


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


@dataclass(frozen=True)
class Judged:
    """One column and its freshness."""

    entry: Entry
    kind: Kind
    newest: dt.date | None
    age: int | None
    stale: bool  # past the limit of its kind
    long_stale: bool  # undated, or older than long_stale_days

    @property
    def key(self) -> bool:
        return self.kind in (Kind.NEWS, Kind.NOTICE)

    def brief(self) -> str:
        if self.newest is None:
            return _("“{name}” (no dated item)").format(name=self.entry.name)
        return _("“{name}” ({date}, {age} days)").format(
            name=self.entry.name, date=self.newest, age=self.age
        )


def _judge(entry: Entry, params: Params, as_of: dt.date) -> Judged:
    kind = _kind(entry, params)
    newest = entry.listing.newest(as_of)
    if kind is Kind.STATIC:
        age = None if newest is None else (as_of - newest).days
        return Judged(entry, kind, newest, age, stale=False, long_stale=False)
    if newest is None:
        return Judged(entry, kind, None, None, stale=True, long_stale=True)
    age = (as_of - newest).days
    if kind is Kind.NEWS:
        stale = age > params.news_days
    elif kind is Kind.NOTICE:
        stale = newest < months_before(as_of, params.notice_months)
    else:
        stale = age > params.long_stale_days
    return Judged(entry, kind, newest, age, stale, long_stale=age > params.long_stale_days)


def _limit(kind: Kind, params: Params) -> str:
    if kind is Kind.NEWS:
        return _("{days} days").format(days=params.news_days)
    if kind is Kind.NOTICE:
        return _("{months} months").format(months=params.notice_months)
    return _("{days} days").format(days=params.long_stale_days)


def _line(judged: Judged, params: Params) -> Evidence:
    entry = judged.entry
    what = _("{name} ({kind}, level {level}) {url}").format(
        name=entry.name, kind=_(_KIND_LABELS[judged.kind]), level=entry.level, url=entry.url
    )
    limit = _limit(judged.kind, params)
    if judged.kind is Kind.STATIC:
        text = _("{what}: {count} items, newest {date}: not counted").format(
            what=what, count=len(entry.listing.items), date=judged.newest or "-"
        )
    elif judged.newest is None:
        text = _("{what}: {count} items, none dated: counts as not updated (limit {limit})").format(
            what=what, count=len(entry.listing.items), limit=limit
        )
    elif judged.stale:
        text = _("{what}: newest item {date}, {age} days old: not updated (limit {limit})").format(
            what=what, date=judged.newest, age=judged.age, limit=limit
        )
    else:
        text = _("{what}: newest item {date}, {age} days old (limit {limit})").format(
            what=what, date=judged.newest, age=judged.age, limit=limit
        )
    return NoteEvidence(text=text)


@check("columns_updated", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    inventory = await reachable_columns(site, max_pages=params.max_pages)
    if inventory.home is not None:
        return home_verdict(inventory.home, _("the columns reached from the home page"))
    judged = [_judge(e, params, site.as_of) for e in inventory.having(Role.COLUMN)]
    unread = inventory.having(Role.UNREAD)
    evidence = (
        [_line(j, params) for j in judged]
        + [e.unread_evidence() for e in unread]
        + inventory.cap_evidence()
    )
    key_stale = [j for j in judged if j.key and j.stale]
    long_stale = [j for j in judged if j.long_stale]
    stale = [j for j in judged if j.stale]
    policy_stale = [
        j for j in key_stale if j.kind is Kind.NOTICE and _names(j.entry, params.policy_keywords)
    ]
    metrics: dict[str, Metric] = {
        "columns": len(judged),
        "key_stale": len(key_stale),
        "long_stale": len(long_stale),
        "policy_stale": len(policy_stale),
        "unread": len(unread),
    }
    if len(key_stale) >= params.max_key_stale:
        return Verdict.failed(
            _(
                "columns not updated: {count} news and notice columns are past their limit "
                "({news} days for news, {months} months for first-level notices and policy "
                "documents; {max} or more make the single veto): {columns}"
            ).format(
                count=len(key_stale),
                news=params.news_days,
                months=params.notice_months,
                max=params.max_key_stale,
                columns=", ".join(j.brief() for j in key_stale),
            ),
            evidence,
            **metrics,
        )
    if len(long_stale) >= params.max_long_stale:
        return Verdict.failed(
            _(
                "columns not updated: {count} columns are not updated for more than {days} "
                "days or show no date ({max} or more make the single veto): {columns}"
            ).format(
                count=len(long_stale),
                days=params.long_stale_days,
                max=params.max_long_stale,
                columns=", ".join(j.brief() for j in long_stale),
            ),
            evidence,
            **metrics,
        )
    unread_key = [e for e in unread if _kind(e, params) in (Kind.NEWS, Kind.NOTICE)]
    if unread and (
        len(key_stale) + len(unread_key) >= params.max_key_stale
        or len(long_stale) + len(unread) >= params.max_long_stale
    ):
        return Verdict.inconclusive(
            _(
                "{count} of the pages reached from the home page could not be read ({urls}); "
                "counted as not updated they would reach the veto, so the columns cannot be "
                "judged"
            ).format(count=len(unread), urls=", ".join(e.url for e in unread)),
            evidence,
            **metrics,
        )
    if not judged:
        return Verdict.inconclusive(
            _(
                "no column found from the home page ({count} pages opened): its menus may be "
                "built by a script, or its columns may live elsewhere"
            ).format(count=len(inventory.entries)),
            evidence,
            **metrics,
        )
    if stale:
        return Verdict.warned(
            _(
                "{count} of {total} columns are not updated in time: {columns} (fewer than the "
                "{key} news/notice or {long} long-unupdated columns of the single veto)"
            ).format(
                count=len(stale),
                total=len(judged),
                columns=", ".join(j.brief() for j in stale),
                key=params.max_key_stale,
                long=params.max_long_stale,
            ),
            evidence,
            **metrics,
        )
    return Verdict.passed(
        _("all {count} columns reached from the home page are updated in time").format(
            count=len(judged)
        ),
        evidence,
        **metrics,
    )
