"""Synthetic portal fleets for the benchmarks, and the loopback servers that serve them.

A fleet is N portals of M pages each: 14 list pages (home, the 政府信息公开 platform and its four
sections, the 政务要闻, 助企纾困 and 政策解读 columns, the pages the chrome links to) and five
columns of dated articles, (M - 14) / 5 each, at least 4. A page is about 50 KB of Chinese
government-portal HTML with about 150 links, most of them internal: the chrome every page
shares (a nav bar with 政府信息公开, 助企纾困 and 政策解读, header and footer), boxed lists of
dated links in the four date styles portals use, 办事服务 item links, an article body or a long
inline script. The structure is what the default plan's content checks look for: the platform's
four sections, annual-report titles, interpretations that link their 原文, CMS metas
(ArticleTitle / ColumnName) on two pages in three, a broken link on one page in seven.
Every fourth portal is GBK (declared gb2312 in a `<meta>` with no header charset, or `charset=GBK`
in the header) and uses GBK-only characters (镕堃喆赟) that a gb2312 decoder would lose.

`FleetServer` serves a fleet over HTTP/1.1 with keep-alive from one asyncio process (uvloop when
installed): virtual hosts by Host header on 127.0.0.1 and ::1, one port, an injectable latency
per response, and per-host counters (requests, methods, link depth, peak in-flight, gaps
between two requests) for the ideal-schedule computation. Pages are rendered from pre-encoded
templates, with the portal's name and origin spliced in, so 1,000 portals cost a few MB. In
probe mode it listens on 127.0.1.1 ... 127.0.1.N instead (one address per host, same port), so
that clients that only take URLs (lychee) reach distinct hosts without DNS. A `DnsServer` from
`gkaudit.demo.dns` answers A/AAAA/NS for every portal host.

    python bench/fleet.py serve --portals 60 --pages 60 --latency 0.1   # prints a JSON line
    python bench/fleet.py ceiling --seconds 5                           # the server's ceiling
    python bench/fleet.py sample --out /tmp/page.html                   # one page, to look at

Control requests use the Host `bench.control`: `/stats`, `/reset`, `/stop`. Nothing here talks
to anything but loopback addresses; the server stops by itself after `--max-seconds` or when
its parent closes its stdin.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import errno
import json
import math
import os
import random
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

AS_OF = dt.date(2026, 12, 1)
CONTROL_HOST = b"bench.control"
PROBE_NET = "127.0.1."  # probe hosts: 127.0.1.1 ... 127.0.1.N (all of 127/8 is loopback)
PAGE_BYTES = 50_000
#: Gaps between two requests to one host shorter than this are counted (gkaudit's default
#: per-host interval is 50 ms; 45 ms leaves room for timer jitter).
GAP_THRESHOLD = 0.045

# Markers spliced per portal when a page is rendered.
_NAME = "\x00N\x00"
_ORIGIN = "\x00O\x00"


# --------------------------------------------------------------------------------------------
# The fleet: portals, hosts, DNS records


@dataclass(frozen=True)
class Spec:
    portals: int = 60
    pages: int = 60
    seed: int = 7
    gbk_every: int = 4  # every Nth portal (index % N == N-1) is GBK

    def host(self, index: int) -> str:
        return f"www.bp{index:04d}.gov.cn"

    def domain(self, index: int) -> str:
        return f"bp{index:04d}.gov.cn"

    def is_gbk(self, index: int) -> bool:
        return self.gbk_every > 0 and index % self.gbk_every == self.gbk_every - 1


_PLACES = (  # noqa: SIM905 (a word list reads best as text)
    "滨海 临江 金石 长兴 瓦屋 普华 庄台 新城 青泥 旅安 甘泉 西岗 沙河 长岭 海湾 东湖 "
).split()
_GBK_ONLY = "镕堃喆赟"  # in GBK, not in GB2312: a gb2312 decoder loses them


def portal_name(spec: Spec, index: int) -> str:
    place = _PLACES[index % len(_PLACES)] + _PLACES[(index // len(_PLACES)) % len(_PLACES)][0]
    suffix = "区" if index % 3 else "县"
    name = f"{place}{suffix}人民政府"
    if index == 0:
        name = "滨海市人民政府"
    if spec.is_gbk(index):
        name = name.replace("人民", f"{_GBK_ONLY[index % 4]}人民")
    return name


def sites(spec: Spec, port: int) -> list[Any]:
    """The fleet as gkaudit `Site`s (imported lazily: the server does not need gkaudit)."""
    from gkaudit.model import Site

    kinds = ["city"] + ["district"] * 11 + ["department"] * 4
    return [
        Site(
            id=f"bp{i:04d}",
            name=portal_name(spec, i),
            url=f"http://{spec.host(i)}:{port}/",
            kind=kinds[i % len(kinds)],
        )
        for i in range(spec.portals)
    ]


def dns_records(spec: Spec) -> dict[str, dict[str, list[str]]]:
    """Zone data for `DnsServer`: each portal a zone with NS, and www with A and AAAA."""
    records: dict[str, dict[str, list[str]]] = {}
    for i in range(spec.portals):
        domain = spec.domain(i)
        records[domain] = {"NS": [f"ns1.{domain}"]}
        records[f"ns1.{domain}"] = {"A": ["127.0.0.1"], "AAAA": ["::1"]}
        records[spec.host(i)] = {"A": ["127.0.0.1"], "AAAA": ["::1"]}
    # The national portal, linked from every footer (never in a portal's domain).
    records["www.gov.cn"] = {"A": ["127.0.0.1"], "AAAA": ["::1"]}
    records["gov.cn"] = {"NS": ["ns1.gov.cn"]}
    records["ns1.gov.cn"] = {"A": ["127.0.0.1"], "AAAA": ["::1"]}
    return records


# --------------------------------------------------------------------------------------------
# Pages

_WORDS = (  # noqa: SIM905 (a word list reads best as text)
    "深入贯彻 党的二十大精神 优化营商环境 政务服务 一网通办 惠企政策 减税降费 "
    "稳岗就业 乡村振兴 安全生产 生态环境 民生实事 营商环境 数字政府 统筹推进 "
    "高质量发展 公共服务 信息公开 依法行政 重点项目 招商引资 社会保障 "
    "医疗卫生 教育事业 城市更新 防汛抗旱 疫情防控 应急管理 市场监管 财政预算 "
    "专项资金 工作部署 贯彻落实 通知要求 实施方案 征求意见 公开征集 政策措施 "
    "助企纾困 稳经济 促消费 扩内需 强信心 办实事 解难题 "
).split()
_NAV = [
    ("首页", "/index.html"),
    ("政府信息公开", "/xxgk/index.html"),
    ("政务要闻", "/xwdt/index.html"),
    ("助企纾困", "/zqsk/index.html"),
    ("政策解读", "/zcjd/index.html"),
    ("办事服务", "/bsfw/index.html"),
    ("互动交流", "/hdjl/index.html"),
]
_SECTIONS = [
    ("政府信息公开指南", "/xxgk/zn/index.html"),
    ("政府信息公开制度", "/xxgk/zd/index.html"),
    ("法定主动公开内容", "/xxgk/fdzdgknr/index.html"),
    ("政府信息公开年报", "/xxgk/nb/index.html"),
]
#: Columns of dated articles: (key, directory, list page, name).
_COLUMNS = [
    ("xwdt", "/xwdt", "/xwdt/index.html", "政务要闻"),
    ("zqsk", "/zqsk", "/zqsk/index.html", "助企纾困"),
    ("zcjd", "/zcjd", "/zcjd/index.html", "政策解读"),
    ("zcwj", "/xxgk/fdzdgknr/zcwj", "/xxgk/fdzdgknr/index.html", "政策文件"),
    ("nb", "/xxgk/nb", "/xxgk/nb/index.html", "政府信息公开年报"),
]
#: Pages that are not articles: the home page, the platform and its sections, column lists,
#: and the small pages the chrome links to.
_LISTS = [
    "/",
    "/xxgk/index.html",
    *(path for _, path in _SECTIONS),
    "/xwdt/index.html",
    "/zqsk/index.html",
    "/zcjd/index.html",
    "/bsfw/index.html",
    "/hdjl/index.html",
    "/wzdt/index.html",
    "/zc/index.html",
    "/wza/index.html",
]
_SMALL = {"/wza/index.html", "/zc/index.html", "/wzdt/index.html", "/hdjl/index.html"}
_EXTERNAL = [
    ("中国政府网", "http://www.gov.cn/"),
    ("国务院政策文件库", "http://www.gov.cn/zhengce/"),
    ("国家政务服务平台", "http://www.gov.cn/fuwu/"),
]
_SERVICES = (  # noqa: SIM905
    "户籍 社保 医保 公积金 不动产 婚姻 生育 教育 就业 养老 企业开办 税务 交通 住房 民政"
).split()


@dataclass
class PageSet:
    """The pages every portal of a fleet has: path -> template, links, link depth."""

    paths: list[str]
    depth: dict[str, int]
    templates: dict[str, str]  # path -> HTML with markers
    links: dict[str, list[str]]  # path -> internal link targets (paths), in order
    kinds: dict[str, str]


def _date_text(day: dt.date, style: int) -> str:
    if style == 0:
        return day.isoformat()
    if style == 1:
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    if style == 2:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"[{day.month:02d}-{day.day:02d}]"


@dataclass(frozen=True)
class _Item:
    column: str
    k: int  # 0 = newest
    path: str
    day: dt.date
    title: str


def _items(spec: Spec, per_column: int) -> dict[str, list[_Item]]:
    """The dated articles of each column, newest first, in the TRS URL shape."""
    rng = random.Random(spec.seed)
    heads = ["关于", "{name}关于", "关于印发", "关于开展", "关于做好"]
    tails = ["的通知", "的实施方案", "的公告", "工作情况", "的若干措施", "的意见"]
    out: dict[str, list[_Item]] = {}
    for c, (key, directory, _, _) in enumerate(_COLUMNS):
        items = []
        for k in range(per_column):
            day = AS_OF - dt.timedelta(days=2 + 9 * k + c)
            if key == "nb":
                day = dt.date(2026 - k, 3, 20)
                title = f"{2025 - k}年{_NAME}政府信息公开工作年度报告"
            elif key == "zcjd":
                title = "《" + "".join(rng.choice(_WORDS) for _ in range(2)) + "》政策解读"
            else:
                title = (
                    rng.choice(heads)
                    + "".join(rng.choice(_WORDS) for _ in range(2))
                    + rng.choice(tails)
                )
            path = f"{directory}/{day:%Y%m}/t{day:%Y%m%d}_{10000 + 100 * c + k}.html"
            items.append(_Item(key, k, path, day, title.replace("{name}", _NAME)))
        out[key] = items
    return out


class _Writer:
    """Builds one page: HTML text, and the internal links it carries."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.links: list[str] = []

    def text(self, words: int) -> str:
        return "，".join(
            "".join(self.rng.choice(_WORDS) for _ in range(3)) for _ in range(words // 3)
        )

    def a(self, href: str, text: str, *, absolute: bool = False, title: bool = False) -> str:
        if href.startswith("/"):
            self.links.append(href)
            if absolute:
                href = _ORIGIN + href
        attrs = f' title="{escape(text)}"' if title else ""
        return f'<a href="{href}"{attrs} target="_blank">{escape(text)}</a>'

    def dated(self, items: Sequence[_Item], style: int) -> str:
        rows = [
            f"<li>{self.a(item.path, item.title, title=True)}"
            f'<span class="date">{_date_text(item.day, style)}</span></li>'
            for item in items
        ]
        return '<ul class="list">\n' + "\n".join(rows) + "\n</ul>"

    def box(self, title: str, inner: str, more: str | None = None) -> str:
        more_html = f'<span class="more">{self.a(more, "更多>>")}</span>' if more else ""
        return (
            f'<div class="box"><div class="hd"><h3>{title}</h3>{more_html}</div>\n{inner}\n</div>\n'
        )

    def services(self, n: int, offset: int) -> str:
        rows = "".join(
            f"<li>{self.a(f'/bsfw/index.html?item={(offset + k) % 97}', name + '服务事项')}</li>"
            for k in range(n)
            for name in (_SERVICES[k % len(_SERVICES)],)
        )
        return self.box("办事服务", f'<ul class="links">{rows}</ul>', "/bsfw/index.html")


def build_pages(spec: Spec) -> PageSet:
    """The page set of every portal in `spec`: the list pages and the columns' articles.

    `spec.pages` is the portal's size: 14 list pages plus (pages - 14) / 5 articles in each of
    the five columns, at least 4 each (so at least 34 pages).
    """
    per_column = max(4, (spec.pages - len(_LISTS)) // len(_COLUMNS))
    items = _items(spec, per_column)
    paths = list(_LISTS) + [item.path for col in items.values() for item in col]
    templates: dict[str, str] = {}
    links: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    column_of_list = {lst: key for key, _, lst, _ in _COLUMNS}
    for page_no, path in enumerate(paths):
        w = _Writer(random.Random(spec.seed * 1000 + page_no))
        style = page_no % 4
        item = next((it for col in items.values() for it in col if it.path == path), None)
        kind = "home" if path == "/" else ("article" if item else "list")
        kinds[path] = kind
        top = _top(w, page_no)
        main: list[str] = []
        if kind == "home":
            for key, _, lst, name in _COLUMNS[:4]:
                main.append(w.box(name, w.dated(items[key][:4], style), lst))
            sections = "".join(f"<li>{w.a(h, t)}</li>" for t, h in _SECTIONS)
            main.append(
                w.box("政府信息公开", f'<ul class="links">{sections}</ul>', "/xxgk/index.html")
            )
            pics = "".join(f"<li>{w.a(it.path, it.title)}</li>" for it in items["xwdt"][:6])
            main.append(w.box("图片新闻", f'<ul class="pics">{pics}</ul>'))
            main.append(w.services(150 - len(w.links) - 6, 0))
        elif kind == "list" and path not in _SMALL:
            if path.startswith("/xxgk/"):
                side = "".join(f"<li>{w.a(h, t)}</li>" for t, h in _SECTIONS)
                main.append(f'<div class="sidebar"><ul class="links">{side}</ul></div>')
            key = column_of_list.get(path)
            if key is not None:
                main.append(
                    w.box({k: n for k, _, _, n in _COLUMNS}[key], w.dated(items[key], style))
                )
                main.append('<div class="page">共1页 首页 上一页 下一页 尾页</div>')
            elif path == "/xxgk/index.html":
                for k2, _, lst, name in _COLUMNS[3:]:
                    main.append(w.box(name, w.dated(items[k2][:10], style), lst))
            if key is None:  # a column page lists its own items only
                main.append(w.box("热点信息", w.dated(items["xwdt"][:10], (style + 1) % 4)))
            main.append(w.services(max(0, 150 - len(w.links) - 6), page_no * 7))
        elif kind == "article":
            assert item is not None
            body = "".join(f"<p>{w.text(60)}。</p>\n" for _ in range(6))
            if item.column == "zcjd":
                docs = items["zcwj"]
                doc = docs[item.k % len(docs)]
                body += f"<p>原文：{w.a(doc.path, doc.title)}</p>\n"
            main.append(
                f'<div class="article"><h2>{escape(item.title)}</h2>'
                f'<div class="info">发布时间：{item.day.isoformat()} 来源：{_NAME}办公室</div>'
                f'<div id="zoom">{body}</div></div>\n'
            )
            same = items[item.column]
            related = [same[(item.k + d) % len(same)] for d in range(1, min(len(same), 11))]
            main.append(w.box("相关文章", w.dated(related, style)))
            main.append(w.box("热点信息", w.dated(items["xwdt"][:10], (style + 1) % 4)))
            main.append(w.services(max(0, 150 - len(w.links) - 6), page_no * 5))
        else:
            main.append(f'<div class="article"><p>{w.text(120)}。</p></div>')
        if page_no % 7 == 6:  # portals have broken links
            main.append(f"<p>{w.a(f'/old/{page_no}/index.html', '旧版栏目')}</p>")
        footer = _footer(w, page_no, spec)
        title = item.title if item is not None else ("首页" if kind == "home" else "栏目")
        meta_date = ""
        if item is not None:
            meta_date = f'<meta name="PubDate" content="{item.day.isoformat()} 09:00">\n'
        if page_no % 3:  # most pages carry the 国办发〔2017〕47号 CMS metas; some do not
            name = "ArticleTitle" if item is not None else "ColumnName"
            meta_date += f'<meta name="{name}" content="{escape(title)}">\n'
        head = (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{charset}\n'
            f"{meta_date}<title>{escape(title)}_{_NAME}</title>\n"
            '<link rel="stylesheet" href="/css/style.css">\n'
            "<script>var _hmt=_hmt||[];(function(){var s=document.createElement('script');"
            "s.src='/js/tj.js';document.head.appendChild(s);})();</script>\n</head>\n<body>\n"
        )
        html = head + top + "\n".join(main)
        target = 8_000 if path in _SMALL else PAGE_BYTES
        size = len(html.encode("utf-8")) + len(footer.encode("utf-8")) + 40
        pad = []
        while size < target:
            # articles are long prose; list pages are long markup (menus, scripts, styles)
            if kind == "article":
                chunk = f"<p>{w.text(90)}。</p>\n"
            else:
                chunk = _MARKUP_PAD.replace("#", str(len(pad)))
            pad.append(chunk)
            size += len(chunk.encode("utf-8"))
        wrap = ('<div class="intro">', "</div>") if kind == "article" else ("<script>", "</script>")
        html += wrap[0] + "".join(pad) + wrap[1] + "\n" + footer + "</body>\n</html>\n"
        templates[path] = html
        links[path] = w.links
    return PageSet(paths, _depths(links), templates, links, kinds)


_MARKUP_PAD = (
    "var menu# = {id: '#', items: [{t: '\\u653f\\u52a1\\u516c\\u5f00', u: '/xxgk/'}, "
    "{t: '\\u529e\\u4e8b\\u670d\\u52a1', u: '/bsfw/'}], cls: 'nav-item nav-item-#', "
    "show: function () { document.getElementById('m#').style.display = 'block'; }};\n"
)


def _top(w: _Writer, page_no: int) -> str:
    nav_items = []
    for k, (text, href) in enumerate(_NAV):
        if k == 1 and page_no % 2:  # some CMSs split the label and pad it with &nbsp;
            nav_items.append(
                f'<li><a href="{href}"><span>政府</span>&nbsp;<span>信息公开</span></a></li>'
            )
            w.links.append(href)
        else:
            nav_items.append(f"<li>{w.a(href, text, absolute=k == 0)}</li>")
    return (
        f'<div class="topbar">今天是{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日 '
        f"{w.a('/wza/index.html', '无障碍')} English 手机版</div>\n"
        f'<div class="header"><h1>{_NAME}</h1><form action="/search">'
        '<input name="q"><button>搜索</button></form></div>\n'
        '<div class="nav"><ul>\n' + "\n".join(nav_items) + "\n</ul></div>\n"
    )


def _footer(w: _Writer, page_no: int, spec: Spec) -> str:
    footer_links = [
        w.a("/wzdt/index.html", "网站地图"),
        w.a("/zc/index.html", "我为政府网站找错", absolute=True),
        *(f'<a href="{href}">{text}</a>' for text, href in _EXTERNAL),
    ]
    return (
        '<div class="footer">'
        + " | ".join(footer_links)
        + f"<p>主办单位：{_NAME}办公室 网站标识码：2102000{page_no % 10}{spec.seed:02d} "
        "辽ICP备05001234号 辽公网安备 21020202000123号</p></div>\n"
    )


def _depths(links: dict[str, list[str]]) -> dict[str, int]:
    """BFS depth from the home page (home = 1): no crawl can ask for a page sooner."""
    depth = {"/": 1}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        for target in links.get(path, []):
            target = target.split("?", 1)[0]
            if target not in depth:
                depth[target] = depth[path] + 1
                queue.append(target)
    return depth


class Renderer:
    """Page bytes per (portal, path, encoding) from pre-split, pre-encoded templates."""

    def __init__(self, spec: Spec, pageset: PageSet, port: int) -> None:
        self.spec = spec
        self.pageset = pageset
        self.port = port
        self._pieces: dict[tuple[str, bool], list[bytes | str]] = {}
        for path, template in pageset.templates.items():
            for gbk in (False, True):
                charset = (
                    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                    if gbk
                    else '<meta charset="utf-8">'
                )
                text = template.replace("{charset}", charset)
                codec = "gb18030" if gbk else "utf-8"
                pieces: list[bytes | str] = []
                for k, chunk in enumerate(text.split("\x00")):
                    if k % 2:
                        pieces.append(chunk)  # "N" or "O": spliced per portal
                    elif chunk:
                        pieces.append(chunk.encode(codec))
                self._pieces[(path, gbk)] = pieces
        self.names = {}
        for i in range(spec.portals):
            gbk = spec.is_gbk(i)
            name = portal_name(spec, i)
            self.names[i] = {
                "N": name.encode("gb18030" if gbk else "utf-8"),
                "O": f"http://{spec.host(i)}:{port}".encode("ascii"),
            }

    def content_type(self, index: int) -> bytes:
        if not self.spec.is_gbk(index):
            return b"text/html; charset=utf-8"
        # half the GBK portals declare only in <meta> (gb2312), half in the header
        return (
            b"text/html" if (index // self.spec.gbk_every) % 2 == 0 else b"text/html; charset=GBK"
        )

    def render(self, index: int, path: str) -> bytes | None:
        if path == "/index.html":
            path = "/"
        pieces = self._pieces.get((path, self.spec.is_gbk(index)))
        if pieces is None:
            return None
        subs = self.names[index]
        return b"".join(p if isinstance(p, bytes) else subs[p] for p in pieces)


# --------------------------------------------------------------------------------------------
# The server


@dataclass
class HostStats:
    get: int = 0
    head: int = 0
    other: int = 0
    by_depth: dict[int, int] = field(default_factory=dict)
    inflight: int = 0
    max_inflight: int = 0
    last_arrival: float = 0.0
    min_gap: float = math.inf
    gaps_under: int = 0  # gaps shorter than GAP_THRESHOLD
    first: float = 0.0
    last_done: float = 0.0
    busy: float = 0.0  # request-seconds in flight (arrival to response written)


class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.hosts: dict[str, HostStats] = {}
        self.connections = 0
        self.requests = 0
        self.statuses: dict[int, int] = {}
        self.service_s = 0.0  # parse + render + write, latency excluded
        self.bytes_out = 0
        self.cpu0 = time.process_time()
        self.t0 = time.monotonic()
        self.inflight = 0
        self.timeline: list[tuple[float, int]] = []  # (seconds since reset, peak in flight)
        self._bucket = -1

    def as_json(self) -> dict[str, Any]:
        hosts = {}
        for name, h in self.hosts.items():
            hosts[name] = {
                "get": h.get,
                "head": h.head,
                "other": h.other,
                "by_depth": h.by_depth,
                "max_inflight": h.max_inflight,
                "min_gap_s": None if h.min_gap == math.inf else round(h.min_gap, 6),
                "gaps_under": h.gaps_under,
                "span_s": round(h.last_done - h.first, 6),
                "first_s": round(h.first - self.t0, 6),
                "last_s": round(h.last_done - self.t0, 6),
                "busy_s": round(h.busy, 6),
            }
        return {
            "connections": self.connections,
            "requests": self.requests,
            "statuses": self.statuses,
            "service_s": self.service_s,
            "bytes_out": self.bytes_out,
            "cpu_s": time.process_time() - self.cpu0,
            "wall_s": time.monotonic() - self.t0,
            "t0_monotonic": self.t0,  # (the clients' clock too: one machine)
            "hosts": hosts,
            "timeline": self.timeline,
        }


_NOT_FOUND = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
    "<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode()
_PHRASES = {200: b"OK", 404: b"Not Found"}
_MAX_HEAD = 16 * 1024


class FleetServer:
    """The asyncio HTTP/1.1 server; see the module docstring."""

    def __init__(
        self,
        spec: Spec,
        *,
        latency: float = 0.0,
        probe_hosts: int = 0,
    ) -> None:
        self.spec = spec
        self.latency = latency
        self.probe_hosts = probe_hosts
        self.pageset = build_pages(spec)
        self.renderer: Renderer | None = None
        self.hosts: dict[bytes, int] = {spec.host(i).encode(): i for i in range(spec.portals)}
        self.stats = Stats()
        self.port = 0
        self.stopped = asyncio.Event()
        self._servers: list[asyncio.AbstractServer] = []
        self._probe_body = b""

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        addresses = ["127.0.0.1", "::1"]
        if self.probe_hosts:
            # 127.0.0.1 stays for the control requests
            addresses = ["127.0.0.1"] + [f"{PROBE_NET}{k}" for k in range(1, self.probe_hosts + 1)]
        socks = _bind_same_port(addresses)
        self.port = socks[0].getsockname()[1]
        self.renderer = Renderer(self.spec, self.pageset, self.port)
        # the probe page: a 50 KB article of portal 0
        article = next((p for p in self.pageset.paths if self.pageset.kinds[p] == "article"), "/")
        self._probe_body = self.renderer.render(0, article) or b""
        for sock in socks:
            server = await loop.create_server(lambda: _Protocol(self), sock=sock, backlog=1024)
            self._servers.append(server)
        return self.port

    async def close(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)

    def control(self, path: str) -> bytes:
        if path.startswith("/stats"):
            return json.dumps(self.stats.as_json()).encode()
        if path.startswith("/reset"):
            self.stats.reset()
            return b"{}"
        if path.startswith("/latency/"):
            self.latency = float(path.rsplit("/", 1)[1])
            return b"{}"
        if path.startswith("/stop"):
            asyncio.get_running_loop().call_later(0.05, self.stopped.set)
            return b"{}"
        if path.startswith("/info"):
            return json.dumps(
                {"depth": self.pageset.depth, "paths": self.pageset.paths, "port": self.port}
            ).encode()
        return b"{}"

    def respond(self, method: bytes, target: bytes, host: bytes) -> tuple[int, bytes, bytes]:
        """(status, content type, body) for one request."""
        path = target.split(b"?", 1)[0].decode("latin-1")
        if self.probe_hosts:
            return 200, b"text/html; charset=utf-8", self._probe_body
        index = self.hosts.get(host)
        body = None
        if index is not None:
            assert self.renderer is not None
            body = self.renderer.render(index, path)
            if body is not None:
                return 200, self.renderer.content_type(index), body
        if host == b"www.gov.cn" and path in ("/", "/zhengce/", "/fuwu/"):
            assert self.renderer is not None
            return 200, b"text/html; charset=utf-8", self.renderer.render(0, "/") or b""
        return 404, b"text/html; charset=utf-8", _NOT_FOUND

    def depth_of(self, target: bytes) -> int:
        path = target.split(b"?", 1)[0].decode("latin-1")
        return self.pageset.depth.get(path, 1) if not self.probe_hosts else 1


class _Protocol(asyncio.Protocol):
    __slots__ = ("buf", "busy", "closing", "server", "transport")

    def __init__(self, server: FleetServer) -> None:
        self.server = server
        self.buf = bytearray()
        self.busy = False
        self.closing = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.stats.connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if not self.busy:
            self._next()

    def _next(self) -> None:
        while not self.busy and self.transport is not None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > _MAX_HEAD:
                    self.transport.close()
                return
            head = bytes(self.buf[:end])
            del self.buf[: end + 4]
            self._handle(head)

    def _handle(self, head: bytes) -> None:
        started = time.perf_counter()
        server = self.server
        lines = head.split(b"\r\n")
        try:
            method, target, version = lines[0].split(b" ", 2)
        except ValueError:
            assert self.transport is not None
            self.transport.close()
            return
        host = b""
        close = version == b"HTTP/1.0"
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            lname = name.strip().lower()
            if lname == b"host":
                host = value.strip().lower()
            elif lname == b"connection":
                close = value.strip().lower() == b"close"
        if host.startswith(b"["):
            host = host.split(b"]", 1)[0] + b"]"
        elif b":" in host:
            host = host.rsplit(b":", 1)[0]
        if host == CONTROL_HOST:
            body = server.control(target.decode("latin-1"))
            self._send(200, b"application/json", body, body=True, close=close, started=None)
            return
        stats = server.stats
        stats.requests += 1
        key = host.decode("latin-1")
        hs = stats.hosts.get(key)
        now = time.monotonic()
        if hs is None:
            hs = stats.hosts[key] = HostStats(first=now)
        else:
            gap = now - hs.last_arrival
            hs.min_gap = min(hs.min_gap, gap)
            if gap < GAP_THRESHOLD:
                hs.gaps_under += 1
        hs.last_arrival = now
        if method == b"GET":
            hs.get += 1
        elif method == b"HEAD":
            hs.head += 1
        else:
            hs.other += 1
        depth = server.depth_of(target)
        hs.by_depth[depth] = hs.by_depth.get(depth, 0) + 1
        hs.inflight += 1
        hs.max_inflight = max(hs.max_inflight, hs.inflight)
        stats.inflight += 1
        bucket = int((now - stats.t0) * 2)  # half-second buckets of the peak in flight
        if bucket != stats._bucket:
            stats._bucket = bucket
            stats.timeline.append((bucket / 2, stats.inflight))
        elif stats.inflight > stats.timeline[-1][1]:
            stats.timeline[-1] = (bucket / 2, stats.inflight)
        status, ctype, body = server.respond(method, target, host)
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        self._send(status, ctype, body, body=method != b"HEAD", close=close, started=started, hs=hs)

    def _send(
        self,
        status: int,
        ctype: bytes,
        payload: bytes,
        *,
        body: bool,
        close: bool,
        started: float | None,
        hs: HostStats | None = None,
    ) -> None:
        head = b"".join(
            (
                b"HTTP/1.1 %d %s\r\nServer: gkaudit-bench\r\nContent-Type: "
                % (status, _PHRASES.get(status, b"X")),
                ctype,
                b"\r\nContent-Length: %d\r\n" % len(payload),
                b"Connection: close\r\n\r\n" if close else b"\r\n",
            )
        )
        data = head + payload if body else head
        server = self.server
        if started is not None:
            server.stats.service_s += time.perf_counter() - started
            server.stats.bytes_out += len(data)
        latency = server.latency if started is not None else 0.0
        arrived = time.monotonic()  # (the request was read and served microseconds ago)

        def write() -> None:
            if hs is not None:
                hs.inflight -= 1
                server.stats.inflight -= 1
                hs.last_done = time.monotonic()
                hs.busy += hs.last_done - arrived
            transport = self.transport
            if transport is None:
                return
            transport.write(data)
            if close:
                transport.close()
                return
            self.busy = False
            if self.buf:
                self._next()

        if latency > 0:
            self.busy = True
            asyncio.get_running_loop().call_later(latency, write)
        else:
            write()


def _bind_same_port(addresses: Sequence[str], attempts: int = 20) -> list[socket.socket]:
    """Listening sockets on every address with one port number (the first one picks it)."""
    failure: OSError | None = None
    for _ in range(attempts):
        socks: list[socket.socket] = []
        port = 0
        try:
            for address in addresses:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                sock = socket.socket(family, socket.SOCK_STREAM)
                socks.append(sock)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind((address, port))
                sock.listen(1024)
                sock.setblocking(False)
                port = sock.getsockname()[1]
            return socks
        except OSError as exc:
            for sock in socks:
                sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            failure = exc
    assert failure is not None
    raise failure


def new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


async def _serve(args: argparse.Namespace) -> None:
    spec = Spec(portals=args.portals, pages=args.pages, seed=args.seed, gbk_every=args.gbk_every)
    server = FleetServer(spec, latency=args.latency, probe_hosts=args.probe_hosts)
    port = await server.start()
    dns_server = None
    dns_port = 0
    if not args.probe_hosts:
        from gkaudit.demo.dns import DnsServer

        dns_server = DnsServer(dns_records(spec)).start()
        dns_port = dns_server.port
    loop = asyncio.get_running_loop()
    loop.call_later(args.max_seconds, server.stopped.set)
    # the parent closing our stdin (or dying) stops us too
    reader = asyncio.StreamReader()
    with contextlib.suppress(Exception):
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

        async def watch() -> None:
            await reader.read()
            server.stopped.set()

        watcher = asyncio.ensure_future(watch())
    info = {
        "port": port,
        "dns_port": dns_port,
        "pid": os.getpid(),
        "loop": type(loop).__module__,
        "pages": len(server.pageset.paths),
    }
    print(json.dumps(info), flush=True)
    try:
        await server.stopped.wait()
    finally:
        await server.close()
        if dns_server is not None:
            dns_server.stop()
        with contextlib.suppress(Exception):
            watcher.cancel()


# --------------------------------------------------------------------------------------------
# Client side helpers: start a server process, talk to its control endpoint


class ServerProcess:
    """`python bench/fleet.py serve ...` as a child process; stopped by its pid on exit."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.proc: Any = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> ServerProcess:
        import subprocess

        argv = [sys.executable, os.path.abspath(__file__), "serve"]
        for key, value in self.options.items():
            argv += [f"--{key.replace('_', '-')}", str(value)]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(10)
            raise RuntimeError(f"fleet server did not start (exit {self.proc.returncode})")
        self.info = json.loads(line)
        return self

    @property
    def port(self) -> int:
        return int(self.info["port"])

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.info['dns_port']}"

    def control(self, path: str) -> dict[str, Any]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": CONTROL_HOST.decode()})
            return dict(json.loads(conn.getresponse().read() or b"{}"))
        finally:
            conn.close()

    def cpu_s(self) -> float:
        """The server process's CPU time so far (user + system), from /proc."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        import subprocess

        if self.proc is None:
            return
        with contextlib.suppress(Exception):
            self.control("/stop")
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own child, by its handle
            self.proc.wait(5)


# --------------------------------------------------------------------------------------------
# The ceiling: a tight raw client against the server


class _TightClient(asyncio.Protocol):
    def __init__(self, request: bytes, done: Callable[[], bool], count: list[int]) -> None:
        self.request = request
        self.done = done
        self.count = count
        self.buf = bytearray()
        self.need = -1
        self.head = request.startswith(b"HEAD")
        self.finished = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            if self.need < 0:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(self.buf[:end]).lower()
                start = head.find(b"content-length:") + 15
                length = int(
                    head[start : head.find(b"\r\n", start) if b"\r\n" in head[start:] else None]
                )
                self.need = end + 4 + (0 if self.head else length)
            if len(self.buf) < self.need:
                return
            del self.buf[: self.need]
            self.need = -1
            self.count[0] += 1
            if self.done():
                assert self.transport is not None
                self.transport.close()
                return
            assert self.transport is not None
            self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.finished.done():
            self.finished.set_result(None)


async def tight_loop(
    port: int, host: str, path: str, method: str, connections: int, seconds: float, limit: int
) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    request = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: tight\r\n\r\n".encode()
    count = [0]
    deadline = time.monotonic() + seconds

    def done() -> bool:
        return count[0] >= limit or time.monotonic() >= deadline

    started = time.monotonic()
    cpu = time.process_time()
    protocols = []
    for _ in range(connections):
        _, proto = await loop.create_connection(
            lambda: _TightClient(request, done, count), "127.0.0.1", port
        )
        protocols.append(proto)
    await asyncio.wait_for(asyncio.gather(*(p.finished for p in protocols)), timeout=seconds + 30)
    wall = time.monotonic() - started
    return {
        "requests": count[0],
        "wall_s": wall,
        "rps": count[0] / wall,
        "client_cpu_s": time.process_time() - cpu,
    }


def _ceiling(args: argparse.Namespace) -> None:
    rows = []
    with ServerProcess(portals=4, pages=12, latency=0, max_seconds=args.seconds * 4 + 60) as srv:
        for method in ("GET", "HEAD"):
            srv.control("/reset")
            cpu0 = srv.cpu_s()
            loop = new_loop()
            try:
                result = loop.run_until_complete(
                    tight_loop(
                        srv.port,
                        Spec().host(0),
                        "/",
                        method,
                        args.connections,
                        args.seconds,
                        limit=2_000_000,
                    )
                )
            finally:
                loop.close()
            server_cpu = srv.cpu_s() - cpu0
            result["server_cpu_us_per_req"] = server_cpu / max(1, result["requests"]) * 1e6
            result["method"] = method  # type: ignore[assignment]
            rows.append(result)
    print(json.dumps(rows, indent=1))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="serve a fleet; print one JSON line when ready")
    serve.add_argument("--portals", type=int, default=60)
    serve.add_argument("--pages", type=int, default=60)
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--gbk-every", type=int, default=4)
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added per response")
    serve.add_argument("--probe-hosts", type=int, default=0, help="serve 127.0.1.1..N instead")
    serve.add_argument("--max-seconds", type=float, default=3600.0)
    serve.add_argument("--uvloop", type=int, default=1)
    ceiling = sub.add_parser("ceiling", help="measure the server with a tight raw client")
    ceiling.add_argument("--seconds", type=float, default=5.0)
    ceiling.add_argument("--connections", type=int, default=50)
    sample = sub.add_parser("sample", help="write one rendered page")
    sample.add_argument("--portal", type=int, default=0)
    sample.add_argument("--path", default="/")
    sample.add_argument("--pages", type=int, default=60)
    sample.add_argument("--out", default="-")
    args = parser.parse_args(argv)
    if args.cmd == "serve":
        loop = new_loop() if args.uvloop else asyncio.new_event_loop()
        try:
            loop.run_until_complete(_serve(args))
        finally:
            loop.close()
    elif args.cmd == "ceiling":
        _ceiling(args)
    else:
        spec = Spec(portals=max(args.portal + 1, 4), pages=args.pages)
        pageset = build_pages(spec)
        body = Renderer(spec, pageset, 8080).render(args.portal, args.path) or b""
        if args.out == "-":
            sys.stdout.buffer.write(body)
        else:
            with open(args.out, "wb") as f:
                f.write(body)
        sys.stderr.write(f"{len(body)} bytes; {len(pageset.paths)} pages; depth {pageset.depth}\n")


if __name__ == "__main__":
    main()


__all__ = [
    "AS_OF",
    "FleetServer",
    "PageSet",
    "Renderer",
    "ServerProcess",
    "Spec",
    "build_pages",
    "dns_records",
    "sites",
]
