"""A demo portal's 政策文件 and 政策解读 columns: each interpretation published the day after its
document, linking it back (or not, per `PortalSpec.interpretations`) the ways portals write it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkaudit.demo.pages import Item, esc, link, paragraphs
from gkaudit.model import SiteKind

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal


def policies(p: Portal) -> tuple[list[Item], list[Item]]:
    """政策文件 and 政策解读: each interpretation is published the day after its document."""
    count, linked = p.s.interpretations
    docs: list[Item] = []
    interpretations: list[Item] = []
    forms = ("label", "text", "related", "full") if p.s.kind is SiteKind.CITY else ("label",)
    for index, (doc_template, interp_template) in enumerate(p.s.docs[:count]):
        doc_day, interp_day = p.day(5 + 11 * index), p.day(4 + 11 * index)
        doc_title = p.s.name + p.text(doc_template, doc_day)
        interp_title = p.text(interp_template, interp_day)
        doc_path = p.article_path("zcwj", doc_day)
        interp_path = p.article_path("zcjd", interp_day)
        number = f"{p.s.doc_prefix}〔{doc_day.year}〕{count - index + 10}号"
        subject = doc_title.split("印发", 1)[-1].removesuffix("的通知").strip("《》")
        doc_body = (
            f'<p class="wh">{number}</p>\n'
            + paragraphs(
                "各有关单位：",
                f"现将《{subject}》印发给你们，请结合实际认真贯彻执行。",
                f"{p.s.name}　{doc_day.year}年{doc_day.month}月{doc_day.day}日",
            )
            + f"\n<p>相关解读：{link(interp_path, esc(interp_title))}</p>"
        )
        docs.append(p.article("zcwj", doc_title, doc_day, doc_body, doc_path))
        interp_body = paragraphs(
            "一、出台背景",
            "为贯彻落实上级有关部署要求，结合本地实际，制定本文件。",
            "二、主要内容",
            "文件从总体要求、重点任务、保障措施三个方面提出具体举措。",
        )
        if index < linked:
            interp_body += "\n" + _original_link(forms[index % len(forms)], doc_path, doc_title)
        else:
            interp_body += '\n<p><img src="/images/tujie.gif" alt=""></p>'
        interpretations.append(
            p.article("zcjd", interp_title, interp_day, interp_body, interp_path)
        )
    p.column("zcwj", docs)
    p.column("zcjd", interpretations)
    return docs, interpretations


def _original_link(form: str, href: str, title: str) -> str:
    """The link from an interpretation to its document, in the ways portals write it."""
    match form:
        case "label":
            return f"<p>原文：{link(href, esc(title))}</p>"
        case "text":
            return f'<p class="yw">{link(href, "政策原文", blank=True)}</p>'
        case "related":
            return f"<p>相关文件：{link(href, esc(title))}</p>"
        case _:
            return f"<p>{link(href, '文件全文', blank=True)}</p>"
