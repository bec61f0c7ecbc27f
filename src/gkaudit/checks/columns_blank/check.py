"""No column reached from the home page is blank (空白栏目).

Why: Used by `columns.blank`: a single-veto item of the national inspection indicators
(国办秘函〔2019〕19号, 单项否决·栏目不更新): "3.空白栏目数量超过(含)5 个" (indicators.md §1.2).
Inspectors' 通报 name 空白栏目 often ("多个栏目为空白", "空白栏目较多").

What it checks: the pages reached from the home page, as `columns.updated` finds them
(`gkaudit.site.inventory`: the first level, navigation first, and the column links of those
pages). A page is a blank column when it lists no item (no link to an article or a file, once
site chrome, pagination and buttons are left out; a Hanweb datastore or TRS list is read as the
CMS writes it, and a list a script fills is rendered in a browser when there is one) and either
says so in text of its own (暂无信息, 暂无数据, 暂无内容, 共0条…) or is a column by its CMS's
`ColumnName`/`ColumnType` metas and shows no more than a heading. An intro page (领导信箱's
instructions) or a single article is not a blank column.

Params:
- `max_blank`: this many blank columns fail (default 5: "超过(含)5 个").
- `max_pages`: pages opened as would-be columns, both levels together (default 60).

Passes when no page reached from the home page is a blank column.

Fails (the single veto) when at least `max_blank` columns are blank; the message names each.

Warns (`warn`) when some columns are blank, fewer than `max_blank`.

Inconclusive (`error`) when the home page cannot be read, or when the pages that could not be
read (a firewall's refusal, a timeout, a list a script builds that no browser rendered) are
enough, counted as blank, to reach `max_blank` where the blank columns found do not: the
message names them. A page that could not be read is never blank.

Evidence: every blank column (name, level, URL, why it is blank), and every page that could not
be read with the reason. When `max_pages` left column links unopened, how many (they are not
judged). Metrics: `blank`, `columns` (pages read that list items), `unread`.
"""

from __future__ import annotations

from pydantic import Field

from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, Metric, NoteEvidence, Verdict
from gkaudit.site.context import SiteContext
from gkaudit.site.inventory import Entry, Role, reachable_columns
from gkaudit.site.pages import home_verdict


class Params(CheckParams):
    """How many blank columns make the veto."""

    max_blank: int = Field(5, ge=1, description=N_("this many blank columns fail"))
    max_pages: int = Field(60, ge=1, description=N_("pages opened as would-be columns"))


def _blank_line(entry: Entry) -> Evidence:
    return NoteEvidence(
        text=_("{name} (level {level}) {url}: a column that lists no item").format(
            name=entry.name, level=entry.level, url=entry.url
        )
    )


def _names(entries: list[Entry]) -> str:
    return ", ".join(f"“{e.name}” ({e.url})" for e in entries)


@check("columns_blank", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    inventory = await reachable_columns(site, max_pages=params.max_pages)
    if inventory.home is not None:
        return home_verdict(inventory.home, _("the columns reached from the home page"))
    blank = inventory.having(Role.BLANK)
    unread = inventory.having(Role.UNREAD)
    evidence = (
        [_blank_line(e) for e in blank]
        + [e.unread_evidence() for e in unread]
        + inventory.cap_evidence()
    )
    metrics: dict[str, Metric] = {
        "blank": len(blank),
        "columns": len(inventory.having(Role.COLUMN)),
        "unread": len(unread),
    }
    if len(blank) >= params.max_blank:
        return Verdict.failed(
            _(
                "blank columns: {count} columns list no item ({max} or more make the single "
                "veto): {columns}"
            ).format(count=len(blank), max=params.max_blank, columns=_names(blank)),
            evidence,
            **metrics,
        )
    if unread and len(blank) + len(unread) >= params.max_blank:
        return Verdict.inconclusive(
            _(
                "{count} of the pages reached from the home page could not be read ({urls}); "
                "counted as blank they would reach the veto, so blank columns cannot be judged"
            ).format(count=len(unread), urls=", ".join(e.url for e in unread)),
            evidence,
            **metrics,
        )
    if blank:
        return Verdict.warned(
            _(
                "blank columns found: {count} (fewer than the {max} of the single veto): {columns}"
            ).format(count=len(blank), max=params.max_blank, columns=_names(blank)),
            evidence,
            **metrics,
        )
    return Verdict.passed(
        _("no blank column among the {count} pages reached from the home page").format(
            count=len(inventory.entries)
        ),
        evidence,
        **metrics,
    )
