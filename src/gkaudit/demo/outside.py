"""The hosts the demo portals link that are not portals: the national sites every footer links
(中国政府网, the 找错 platform, the ICP and 公安 备案 systems, the 党政机关 badge), the province's
portal, and the city's 公共资源交易网, served by the fleet on loopback.

The fleet's DNS server answers their names with the loopback addresses, each outside name as a
zone of its own, so it claims no more of gov.cn than the names the portals link; every other
outside name stays REFUSED, as a server that does not recurse answers. They are served on the
fleet's port, over HTTP, as the portals are: the links the portals print carry that port
(``http://www.gov.cn:PORT/``), so the URL scanned is the one a page shows, never a real site's.

The city's 公共资源交易网 sits behind a cloud WAF that turns every scanner away with its block
page (HTTP 501, 腾讯云's markup as `tests/fixtures/realweb/tencent-block.html` has it): a link to
it cannot be told open or broken. ``wsbs.gkcity.gov.cn`` (the old 网上办事大厅) was removed from
the city's zone: NXDOMAIN.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gkaudit.demo.http import Response, VirtualHost
from gkaudit.demo.pages import document, esc
from gkaudit.demo.spec import CDN_ZONE, CITY_ZONE, V4, V6

__all__ = [
    "BEIAN",
    "CONAC",
    "FRIENDS",
    "GOV_CN",
    "JIUCUO",
    "LN_GOV",
    "MIIT",
    "REMOVED_HOST",
    "TRADING",
    "outside_hosts",
    "outside_records",
]


@dataclass(frozen=True)
class Outside:
    """A host the portals link: its name, what it is, and the page of it they link."""

    host: str
    title: str
    path: str = "/"
    in_city_zone: bool = False  # a name of the city's zone, not a zone of its own
    firewalled: bool = False  # a WAF answers every request with its block page

    def url(self, port: int, query: str = "") -> str:
        """The URL a portal prints on the fleet's port (the query string is not served)."""
        return f"http://{self.host}:{port}{self.path}" + (f"?{query}" if query else "")


GOV_CN = Outside("www.gov.cn", "中国政府网_中央人民政府门户网站")
JIUCUO = Outside("zfwzzc.www.gov.cn", "我为政府网站找错", path="/check_web/errorInfo/jcInfoNew")
LN_GOV = Outside("www.ln.gov.cn", "辽宁省人民政府")
MIIT = Outside("beian.miit.gov.cn", "ICP/IP地址/域名信息备案管理系统")
BEIAN = Outside("www.beian.gov.cn", "全国互联网安全管理服务平台", path="/portal/registerSystemInfo")
CONAC = Outside("bszs.conac.cn", "党政机关网站标识", path="/sitename")
TRADING = Outside("ggzy.gkcity.gov.cn", "港康市公共资源交易网", in_city_zone=True, firewalled=True)
OUTSIDE: tuple[Outside, ...] = (GOV_CN, JIUCUO, LN_GOV, MIIT, BEIAN, CONAC, TRADING)
#: The 友情链接 every portal's home page starts with.
FRIENDS = (("中国政府网", GOV_CN), ("辽宁省人民政府", LN_GOV))

#: A name the city removed from its zone (the old 网上办事大厅): NXDOMAIN.
REMOVED_HOST = f"wsbs.{CITY_ZONE}"

#: 腾讯云 WAF's block page (tests/fixtures/realweb/tencent-block.html), sent with 501 as it does.
TENCENT_BLOCK = Response.html(
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>501 Not Implemented</title>\n'
    '<link rel="stylesheet" type="text/css" href="http://waf.tencent-cloud.com:8080/css/main.css">'
    '\n</head>\n<body>\n<div class="container">\n  <div class="content">\n'
    "    <h1>很抱歉，您的访问可能会对网站造成危险，已被腾讯云安全拦截。</h1>\n"
    "    <p>腾讯T-Sec Web应用防火墙(WAF)</p>\n"
    "    <p>如果您是网站管理员，请登录腾讯云控制台查看拦截详情。</p>\n"
    "  </div>\n</div>\n</body>\n</html>\n",
    status=501,
)


def _page(host: Outside) -> Response:
    body = f"<h1>{esc(host.title)}</h1>\n<p>{esc(host.host)}</p>"
    return Response.html(
        document(title=host.title, charset_meta='<meta charset="utf-8">', metas=(), body=body)
    )


def outside_hosts() -> dict[str, VirtualHost]:
    """The HTTP server's virtual hosts for the outside names."""
    hosts = {}
    for host in OUTSIDE:
        page = TENCENT_BLOCK if host.firewalled else _page(host)
        hosts[host.host] = VirtualHost({host.path: page})
    return hosts


def outside_records(as_of: dt.date) -> dict[str, dict[str, list[str]]]:
    """The DNS records of the outside names: a zone per name (its apex holding A and AAAA),
    served by the CDN's name server; the city's platform as a name of its zone."""
    serial = f"{as_of:%Y%m%d}01"
    records: dict[str, dict[str, list[str]]] = {}
    for host in OUTSIDE:
        records[host.host] = {"A": [V4], "AAAA": [V6]}
        if not host.in_city_zone:
            ns = f"ns1.{CDN_ZONE}"
            records[host.host] |= {
                "SOA": [f"{ns} hostmaster.{host.host} {serial} 3600 900 1209600 300"],
                "NS": [ns],
            }
    return records
