"""The home page carries the site's identity: 网站标识码, ICP and 公安 备案, 党政机关 badge,
主办单位 with a contact, and the 我为政府网站找错 entrance.

Why: 国办秘函〔2019〕19号 (政府网站与政务新媒体检查指标, 功能设计 group) and 国办发〔2017〕47号
(政府网站发展指引, 网站标识) require every government portal to show in its footer its 网站标识码
(also in `<meta name="SiteIDCode">`), its ICP备案 number, its 公安机关备案 number, the 党政机关网站
标识 (bszs.conac.cn), its 主办单位 with a 联系方式, and the 我为政府网站找错 entrance served by the
national platform; inspectors' 通报 name the sites where one is missing. Plan clause (十八) of the
Dalian plan asks for the 找错 entrance.

What it checks: one item, chosen by `item`, on the home page as loaded (the footer is part of
every page, so the home page's is the one inspectors read):
`site_code`: the SiteIDCode meta and a `网站标识码：` text, each 10 digits (a 6-digit region code
and 4) or `bm` and 8 digits, the same in both; when the site has a `region` in sites.yaml the
10-digit code starts with it. `icp`: a number like 辽ICP备05001470号-1, linked to
beian.miit.gov.cn. `police_record`: 辽公网安备 + 14 digits + 号 (a colon after 备 too, as in
"苏公网安备:32010202010427号"), linked to beian.gov.cn or beian.mps.gov.cn. `conac_badge`: a link
to bszs.conac.cn or a badge script from a conac.cn host. `sponsor`: `主办单位：` (or 主办：)
followed by a name, or a body's name followed by 主办 ("寿光市人民政府主办 Tel：…", the name
ending as an office's does: 政府, 委员会, 局…), and a 联系方式 (a phone number, an e-mail address
or a 联系我们 link). `jiucuo`: a script or link served from one of `jiucuo_hosts`; its
`sitecode` (attribute or URL parameter) equal to the page's 网站标识码.

Params:
- `item`: which identity item is checked (`site_code`, `icp`, `police_record`, `conac_badge`,
  `sponsor`, `jiucuo`).
- `jiucuo_hosts`: the hosts that serve the 我为政府网站找错 entrance (default zfwzgl.www.gov.cn,
  zfwzzc.www.gov.cn, pucha.kaipuyun.cn).

Passes when the item is on the home page as described.

Fails when the item is absent; for `site_code`, when a code is malformed, the meta and the
footer disagree, or the code does not start with the site's region.

Warns (`warn`) when the item is there but incomplete: a 网站标识码 only in the meta or only in
the footer, an ICP or 公安 number not linked to its registry, a 找错 entrance whose `sitecode` is
not the page's 网站标识码 (or cannot be told).

Inconclusive (`error`) when the home page cannot be fetched or is an obstacle page (firewall,
challenge, maintenance): what it would show is unknown.

Evidence: the home page, with what was found (the code, the number, the link or script).
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import Field

from gkaudit.declaration import CheckParams, Texts, check
from gkaudit.html import Document
from gkaudit.i18n import N_, _
from gkaudit.model import HtmlEvidence, Verdict
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import home_page, home_verdict

Item = Literal["site_code", "icp", "police_record", "conac_badge", "sponsor", "jiucuo"]

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
_CODE_TEXT = re.compile(r"网站标识码\s*[：:]?\s*([0-9A-Za-z]+)")
_ICP = re.compile(rf"[{_PROVINCES}]ICP备\s*\d{{6,10}}\s*号(?:\s*-\s*\d+)?")
_POLICE = re.compile(rf"[{_PROVINCES}]公网安备\s*[：:]?\s*(\d+)\s*号")
_SPONSOR = re.compile(r"主办(?:单位)?\s*[：:]\s*([^\s：:　|]{2,})")
#: "寿光市人民政府主办 Tel：…": an office's name before 主办, where the footer's item ends (not
#: a headline's "市政府主办的论坛")
_OFFICE = r"[\u4e00-\u9fff]{2,}(?:政府|办公室|委员会|委|局|厅|中心|院|部|办)"
_SPONSOR_BEFORE = re.compile(
    rf"(?<![\u4e00-\u9fff])((?:{_OFFICE}[ 　])?{_OFFICE})主办(?=[\s　|,，;；]|$|承办|Tel|电话|联系)"
)
#: a phone or e-mail first, else a 联系我们 page
_CONTACTS = (
    re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"联系我们"),
)
_ICP_HOSTS = ("beian.miit.gov.cn",)
_POLICE_HOSTS = ("beian.gov.cn", "beian.mps.gov.cn")


class Params(CheckParams):
    """Which identity item, and where the 找错 entrance comes from."""

    item: Item = Field(description=N_("the identity item checked"))
    jiucuo_hosts: Texts = Field(
        ("zfwzgl.www.gov.cn", "zfwzzc.www.gov.cn", "pucha.kaipuyun.cn"),
        min_length=1,
        description=N_("hosts that serve the 我为政府网站找错 entrance"),
    )


def _host_in(url: str, hosts: tuple[str, ...] | list[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def _links_to(doc: Document, hosts: tuple[str, ...] | list[str]) -> str | None:
    return next((link.url for link in doc.links if _host_in(link.url, hosts)), None)


def _codes(doc: Document) -> tuple[str | None, str | None]:
    """(the SiteIDCode meta, the 网站标识码 of the footer text)."""
    found = _CODE_TEXT.search(doc.text)
    return doc.site_code, found.group(1) if found else None


def _site_code(doc: Document, region: str | None) -> Verdict:
    meta, footer = _codes(doc)
    evidence = [HtmlEvidence(url=doc.url, text=f"SiteIDCode: {meta}; 网站标识码: {footer}")]
    if meta is None and footer is None:
        return Verdict.failed(_("the home page shows no 网站标识码 (site code)"), evidence)
    for code in (c for c in (meta, footer) if c is not None):
        if not _CODE.match(code):
            return Verdict.failed(
                _("the 网站标识码 {code} is not 10 digits or bm and 8 digits").format(code=code),
                evidence,
            )
    if meta is not None and footer is not None and meta != footer:
        return Verdict.failed(
            _("the SiteIDCode meta {meta} and the footer's 网站标识码 {footer} differ").format(
                meta=meta, footer=footer
            ),
            evidence,
        )
    code = meta or footer or ""
    if region and code.isdigit() and not code.startswith(region):
        return Verdict.failed(
            _("the 网站标识码 {code} does not start with the site's region {region}").format(
                code=code, region=region
            ),
            evidence,
        )
    if meta is None:
        return Verdict.warned(
            _("the 网站标识码 {code} is in the footer but not in the SiteIDCode meta").format(
                code=code
            ),
            evidence,
        )
    if footer is None:
        return Verdict.warned(
            _("the 网站标识码 {code} is in the SiteIDCode meta but not in the footer").format(
                code=code
            ),
            evidence,
        )
    return Verdict.passed(
        _("网站标识码 {code} in the meta and the footer").format(code=code), evidence
    )


def _registered(
    doc: Document, pattern: re.Pattern[str], hosts: tuple[str, ...], what: str
) -> Verdict:
    found = pattern.search(doc.text)
    if found is None:
        return Verdict.failed(
            _("the home page shows no {what} number").format(what=what),
            [
                HtmlEvidence(
                    url=doc.url, text=_("no {what} number in the page text").format(what=what)
                )
            ],
        )
    number = re.sub(r"\s+", " ", found.group(0))
    if what == "公安机关备案" and len(found.group(1)) != 14:
        return Verdict.failed(
            _("the {what} number {number} does not have 14 digits").format(
                what=what, number=number
            ),
            [HtmlEvidence(url=doc.url, text=number)],
        )
    link = _links_to(doc, hosts)
    evidence = [HtmlEvidence(url=doc.url, text=number if link is None else f"{number} -> {link}")]
    if link is None:
        return Verdict.warned(
            _("the {what} number {number} is not linked to {registry}").format(
                what=what, number=number, registry=" / ".join(hosts)
            ),
            evidence,
        )
    return Verdict.passed(
        _("{what} number {number}, linked to {link}").format(what=what, number=number, link=link),
        evidence,
    )


def _conac(doc: Document) -> Verdict:
    link = _links_to(doc, ("bszs.conac.cn",))
    script = next((src for src, _code in doc.scripts if _host_in(src, ("conac.cn",))), None)
    found = link or script
    if found is None:
        return Verdict.failed(
            _("the home page shows no 党政机关网站标识 (no link to bszs.conac.cn)"),
            [HtmlEvidence(url=doc.url, text=_("no link or script from conac.cn"))],
        )
    return Verdict.passed(
        _("党政机关网站标识 linked to {url}").format(url=found), [HtmlEvidence(url=found, text="")]
    )


def _sponsor(doc: Document) -> Verdict:
    sponsor = _SPONSOR.search(doc.text) or _SPONSOR_BEFORE.search(doc.text)
    contact = next((m for p in _CONTACTS if (m := p.search(doc.text)) is not None), None)
    found = "; ".join(m.group(0) for m in (sponsor, contact) if m is not None)
    evidence = [HtmlEvidence(url=doc.url, text=found)]
    if sponsor is None:
        return Verdict.failed(_("the home page names no 主办单位 (sponsor)"), evidence)
    if contact is None:
        return Verdict.failed(
            _("the home page names its 主办单位 {sponsor} but gives no 联系方式 (contact)").format(
                sponsor=sponsor.group(1)
            ),
            evidence,
        )
    return Verdict.passed(
        _("主办单位 {sponsor}, contact {contact}").format(
            sponsor=sponsor.group(1), contact=contact.group(0)
        ),
        evidence,
    )


def _jiucuo(doc: Document, hosts: tuple[str, ...]) -> Verdict:
    entrance: tuple[str, str | None] | None = next(
        ((src, code) for src, code in doc.scripts if _host_in(src, hosts)), None
    )
    if entrance is None:
        link = _links_to(doc, hosts)
        if link is not None:
            query = parse_qs(urlsplit(link).query)
            codes = query.get("sitecode") or query.get("site_code") or []
            entrance = (link, codes[0] if codes else None)
    if entrance is None:
        return Verdict.failed(
            _(
                "the home page has no 我为政府网站找错 entrance (no script or link from {hosts})"
            ).format(hosts=_(", ").join(hosts)),
            [HtmlEvidence(url=doc.url, text=_("no 找错 script or link"))],
        )
    url, code = entrance
    meta, footer = _codes(doc)
    own = meta or footer
    evidence = [HtmlEvidence(url=url, text=f"sitecode={code}; 网站标识码={own}")]
    if code is None or own is None or code.strip() != own:
        return Verdict.warned(
            _(
                "the 我为政府网站找错 entrance's sitecode {code} is not the page's 网站标识码 {own}"
            ).format(code=code, own=own),
            evidence,
        )
    return Verdict.passed(
        _("我为政府网站找错 entrance from {url} with sitecode {code}").format(url=url, code=code),
        evidence,
    )


@check("site_identity", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    page = await home_page(site)
    if page is None:
        return home_verdict(await site.home(), _("the site's identity"))
    doc = site.document(page)
    item = params.item
    if item == "site_code":
        return _site_code(doc, site.site.region)
    if item == "icp":
        return _registered(doc, _ICP, _ICP_HOSTS, "ICP备案")
    if item == "police_record":
        return _registered(doc, _POLICE, _POLICE_HOSTS, "公安机关备案")
    if item == "conac_badge":
        return _conac(doc)
    if item == "sponsor":
        return _sponsor(doc)
    return _jiucuo(doc, tuple(params.jiucuo_hosts))
