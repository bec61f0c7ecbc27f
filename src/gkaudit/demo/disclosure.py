"""A demo portal's 政府信息公开 platform: its four sections, shaped by `PortalSpec.catalogue`, and
the annual reports of its 年报 section, published as 条例 第四十九条 has them due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gkaudit.demo.content import DISCLOSURE_ITEMS, SECTIONS
from gkaudit.demo.pages import Item, box, dated_list, esc, link_list, paragraphs
from gkaudit.demo.spec import Catalogue, PortalSpec
from gkaudit.model import SiteKind

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal


def due_report_year(kind: SiteKind, as_of: dt.date) -> int:
    """The year whose 政府信息公开工作年度报告 must be out by `as_of` (条例 第四十九条).

    Departments publish by 31 January, governments by 31 March, for the year before; on the
    deadline day itself the report is not late yet.
    """
    month = 1 if kind is SiteKind.DEPARTMENT else 3
    return as_of.year - 1 if as_of > dt.date(as_of.year, month, 31) else as_of.year - 2


def _report_published(kind: SiteKind, year: int) -> dt.date:
    # a diligent body publishes a little before the deadline
    return dt.date(year + 1, 1, 20) if kind is SiteKind.DEPARTMENT else dt.date(year + 1, 3, 25)


def _newest_report_year(spec: PortalSpec, as_of: dt.date) -> int:
    if spec.report_lag:
        return due_report_year(spec.kind, as_of) - spec.report_lag
    year = as_of.year - 1
    return year if _report_published(spec.kind, year) <= as_of else year - 1


# --- building one portal -----------------------------------------------------------------------


def catalogue(p: Portal, docs: Sequence[Item]) -> None:
    """The 政府信息公开 platform and its sections, shaped by `spec.catalogue`."""
    shape = p.s.catalogue
    sections = [k for k in SECTIONS if not (shape is Catalogue.MISSING_SECTION and k == "fd")]
    links = [(esc(p.label(k)), p.col(k)) for k in sections]
    links.append((esc(p.label("ysq")), p.col("ysq")))
    sidebar = f'<div class="sidebar">{link_list(links, "xxgk-nav")}</div>'
    latest = box("最新公开", dated_list(docs[:5], p.s.dates), css="latest")
    main = (
        f"{p.crumbs((p.label('xxgk'), None))}\n{sidebar}\n"
        f'<div class="content">\n<h2>{esc(p.s.name)}政府信息公开</h2>\n{latest}\n</div>'
    )
    p.put(p.col("xxgk"), p.document(p.label("xxgk"), main))
    p.simple(
        "zn",
        f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，"
        f"编制《{p.s.name}政府信息公开指南》。",
        "一、主动公开：公开的主要内容、公开形式和公开时限。",
        "二、依申请公开：申请人可通过在线申请、当面申请、信函申请等方式提出申请。",
        "三、监督和救济：公民、法人或者其他组织认为行政机关侵犯其合法权益的，"
        "可以依法申请行政复议或者提起行政诉讼。",
        sidebar=sidebar,
    )
    if shape is not Catalogue.BROKEN_SECTION:  # its link stays, its page is gone: 404
        _disclosure_column(p, "zd", (400, 700, 1000), sidebar)
    if shape is not Catalogue.MISSING_SECTION:
        p.hub(
            "fd",
            [(esc(p.label(k)), p.col(k)) for k in ("jgzn", "zcwj", "ghxx", "czxx")],
            sidebar=sidebar,
        )
    for key, ages in (
        ("jgzn", (30, 200, 380)),
        ("ghxx", (60, 300, 700)),
        ("czxx", (45, 230, 400)),
    ):
        _disclosure_column(p, key, ages, "")
    _reports(p, sidebar)
    p.simple(
        "ysq",
        "申请人可通过政府信息公开申请平台在线提交申请，也可以当面或者信函提出申请。",
        "受理机构：" + p.s.name + "办公室　办公时间：工作日 8:30—11:30，13:00—17:00",
        sidebar=sidebar,
    )


def _disclosure_column(p: Portal, key: str, ages: Sequence[int], sidebar: str) -> None:
    items = []
    for template, age in zip(DISCLOSURE_ITEMS[key], ages, strict=True):
        title = p.text(template, p.day(age))
        items.append(p.article(key, title, p.day(age), paragraphs(f"{title}（全文略）。")))
    p.column(key, items, sidebar=sidebar)


def _reports(p: Portal, sidebar: str) -> None:
    newest = _newest_report_year(p.s, p.as_of)
    items = []
    for year in range(newest, newest - 4, -1):
        published = _report_published(p.s.kind, year)
        title = p.text(p.s.report_title, year=year)
        body = paragraphs(
            f"本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作"
            f"年度报告格式》要求编制，报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        )
        items.append(p.article("nb", title, published, body))
    p.column("nb", items, sidebar=sidebar)
