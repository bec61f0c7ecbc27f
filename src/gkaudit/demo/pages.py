"""HTML building blocks of a Chinese government portal, at a fraction of the real size.

Real portals come out of a few CMSs (Hanweb's 集约化平台, TRS WCM); these helpers copy their
shape where the checks look: a nav bar whose items are sometimes split into `<span>`s padded
with `&nbsp;`, boxed lists of dated links ("更多>>" in the corner), breadcrumbs, an article body
in `#zoom`, a left sidebar on platform pages, and the footer every portal must carry (主办单位,
网站标识码, ICP and 公安 备案 numbers, the 党政机关 badge, 我为政府网站找错). Everything is plain
string formatting, so a page is cheap to make and easy to read in a test failure.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

WEEKDAYS = "一二三四五六日"

STYLE_CSS = """\
body{margin:0;font:14px/1.7 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f4f6f9}
a{color:#333;text-decoration:none}a:hover{color:#b30000}
.w{width:1200px;margin:0 auto}.topbar{background:#eee;font-size:12px;padding:4px 0}
.header{background:#b30000;color:#fff;padding:18px 0}.header form{float:right}
.nav{background:#8f0000}.nav ul{margin:0 auto;width:1200px;padding:0;display:flex}
.nav li{list-style:none;flex:1;text-align:center}.nav a{color:#fff;line-height:46px;display:block}
.box{background:#fff;margin:12px 0;padding:10px 16px}.box .hd{border-bottom:2px solid #b30000}
.box h3{display:inline-block;margin:0;color:#b30000}.more{float:right;font-size:12px}
.list li{list-style:none;border-bottom:1px dashed #ddd}.list .date{float:right;color:#999}
.sidebar{float:left;width:220px}.content{margin-left:240px}.banners img{width:380px;height:80px}
.footer{background:#3b3b3b;color:#ccc;text-align:center;padding:16px 0;font-size:12px}
.footer a{color:#ccc}#zoom{font-size:16px;text-indent:2em}
"""

# 1x1 transparent GIF: enough for the logo, banners and badges a browser asks for.
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


class DateStyle(StrEnum):
    """How a portal prints an item's date next to it in a list."""

    ISO = "iso"  # 2026-11-20
    SLASH = "slash"  # 2026/11/20
    CHINESE = "chinese"  # 2026年11月20日
    SHORT = "short"  # [11-20]: the year is left to the reader


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def format_date(day: dt.date, style: DateStyle) -> str:
    match style:
        case DateStyle.ISO:
            return day.isoformat()
        case DateStyle.SLASH:
            return f"{day.year}/{day.month:02d}/{day.day:02d}"
        case DateStyle.CHINESE:
            return f"{day.year}年{day.month}月{day.day}日"
        case DateStyle.SHORT:
            return f"[{day.month:02d}-{day.day:02d}]"


def today_line(day: dt.date) -> str:
    return f"今天是{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


@dataclass(frozen=True)
class Item:
    """One entry of a list: a linked title and its date."""

    title: str
    day: dt.date
    href: str


def link(href: str, text_html: str, *, blank: bool = False, title: str | None = None) -> str:
    """An anchor; `text_html` is markup (escape plain text with `esc` first)."""
    attrs = f' href="{esc(href)}"'
    if title is not None:
        attrs += f' title="{esc(title)}"'
    if blank:
        attrs += ' target="_blank"'
    return f"<a{attrs}>{text_html}</a>"


def dated_list(items: Sequence[Item], style: DateStyle, *, base: str = "") -> str:
    """`<ul>` of dated links; hrefs under `base` are written relative to it, as TRS does."""
    rows = []
    for item in items:
        href = item.href
        if base and href.startswith(base):
            href = "./" + href[len(base) :]
        rows.append(
            f"<li>{link(href, esc(item.title), blank=True, title=item.title)}"
            f'<span class="date">{format_date(item.day, style)}</span></li>'
        )
    return '<ul class="list">\n' + "\n".join(rows) + "\n</ul>"


def link_list(links: Sequence[tuple[str, str]], css: str = "links") -> str:
    """`<ul>` of (text markup, href) links without dates: hubs, sidebars, services."""
    rows = "\n".join(f"<li>{link(href, text)}</li>" for text, href in links)
    return f'<ul class="{css}">\n{rows}\n</ul>'


def box(title: str, inner: str, more: str | None = None, css: str = "") -> str:
    more_link = f'<a class="more" href="{esc(more)}">更多&gt;&gt;</a>' if more else ""
    return (
        f'<div class="box {css}"><div class="hd"><h3>{esc(title)}</h3>{more_link}</div>\n'
        f"{inner}\n</div>"
    )


def crumbs(trail: Sequence[tuple[str, str | None]], icon: str | None = None) -> str:
    parts = [link(href, esc(text)) if href else f"<span>{esc(text)}</span>" for text, href in trail]
    shown = f'<img src="{icon}" alt="">' if icon else ""
    return f'<div class="position">{shown}当前位置：' + " &gt; ".join(parts) + "</div>"


def nav_bar(items: Sequence[tuple[str, str]]) -> str:
    rows = "\n".join(f"<li>{link(href, text)}</li>" for text, href in items)
    return f'<div class="nav"><ul>\n{rows}\n</ul></div>'


def document(
    *, title: str, charset_meta: str, metas: Sequence[tuple[str, str]], body: str, head: str = ""
) -> str:
    meta_tags = "\n".join(f'<meta name="{name}" content="{esc(value)}">' for name, value in metas)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset_meta}
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta_tags}
<title>{esc(title)}</title>
<link rel="stylesheet" href="/css/style.css">
{head}</head>
<body>
{body}
</body>
</html>
"""


def paragraphs(*texts: str) -> str:
    return "\n".join(f"<p>{esc(text)}</p>" for text in texts)
