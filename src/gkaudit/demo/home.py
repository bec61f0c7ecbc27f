"""A demo portal's home page (its boxes of dated lists, topic banners, services and friendly
links) and what "/" answers when the home page lives elsewhere: a 301, a meta refresh, a
script redirect or a frameset, as `PortalSpec.home` says."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gkaudit.demo.http import Response
from gkaudit.demo.outside import FRIENDS
from gkaudit.demo.pages import Item, box, dated_list, esc, link, link_list
from gkaudit.demo.spec import CITY, CITY_ZONE, Home, Relief
from gkaudit.model import SiteKind

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal


def home_page(
    p: Portal,
    news: Sequence[Item],
    notices: Sequence[Item],
    docs: Sequence[Item],
    interpretations: Sequence[Item],
) -> None:
    s = p.s
    style = s.home_dates or s.dates
    banners = []
    if s.relief is Relief.BANNER:
        banners.append(link(p.col("zqsk"), '<img src="/images/zt_zqsk.gif" alt="助企纾困">'))
    elif s.relief is Relief.BANNER_NO_ALT:
        banners.append(link(p.col("zqsk"), '<img src="/images/zt_zqsk.gif">'))
    banners += [
        link(p.col("yshj"), '<img src="/images/zt_yshj.gif" alt="优化营商环境">'),
        link(p.col("aqsc"), '<img src="/images/zt_aqsc.gif" alt="安全生产">'),
    ]
    banners += [
        link(href.format(port=p.port), f'<img src="{src}" alt="{esc(alt)}">')
        for alt, href, src in s.extra_banners
    ]
    topics = f'<div class="banners">{" ".join(banners)}</div>'
    if s.relief is Relief.TOPIC:
        topics += "\n" + link_list([("助企纾困专题", p.col("zqsk"))])
    friends = [(text, host.url(p.port)) for text, host in FRIENDS]
    if s.kind is SiteKind.CITY:
        friends += [("市科技局", f"http://kjj.{CITY_ZONE}:{p.port}/")]
        friends += [("市司法局", f"http://sfj.{CITY_ZONE}:{p.port}/")]
    else:
        friends.append((f"{CITY}人民政府", p.city_url))
    friends += [(text, href.format(port=p.port)) for text, href in s.extra_friends]
    main = "\n".join(
        [
            box("要闻动态", dated_list(news[:6], style), more=p.col("ywdt"), css="ywdt"),
            box("通知公告", dated_list(notices, style), more=p.col("tzgg"), css="tzgg"),
            box("政策文件", dated_list(docs[:3], style), more=p.col("zcwj"), css="zcwj"),
            box(
                "政策解读",
                dated_list(interpretations[:3], style),
                more=p.col("zcjd"),
                css="zcjd",
            ),
            box("专题专栏", topics, css="ztzl"),
            box("办事服务", link_list(p.services()), more=p.col("bsfw"), css="bsfw"),
            box("友情链接", link_list([(esc(t), h) for t, h in friends]), css="yqlj"),
        ]
    )
    p.put(p.home_path, p.document(s.name, main, [("ColumnName", "首页")]))


def entry_page(p: Portal) -> None:
    """What "/" answers when the home page lives elsewhere."""
    s, target = p.s, p.home_path
    head = f"{p.charset_meta()}\n<title>{esc(s.name)}</title>"
    if s.home is Home.REDIRECT:
        p.respond("/", Response.redirect(target, 301))
    elif s.home is Home.META:
        p.put(
            "/",
            f'<html><head>{head}\n<meta http-equiv="refresh" content="0; url={target}">'
            "</head>\n<body><p>正在跳转，如未自动跳转请"
            f'<a href="{target}">点击这里</a>。</p></body></html>\n',
        )
    elif s.home is Home.SCRIPT:
        p.put(
            "/",
            f'<html><head>{head}\n<script type="text/javascript">\n'
            f'  window.location.href = "{target}";\n</script>\n</head>\n<body></body></html>\n',
        )
    elif s.home is Home.FRAMESET:
        p.put(
            "/",
            f"<html><head>{head}</head>\n"
            f'<frameset rows="*" frameborder="0" border="0">\n'
            f'<frame src="{target}" name="main" scrolling="auto">\n'
            f"<noframes><body>您的浏览器不支持框架，请"
            f'<a href="{target}">点击这里</a>访问。</body></noframes>\n'
            "</frameset></html>\n",
        )
