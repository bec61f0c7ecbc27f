"""The portal offers an online 咨询建言 channel (互动回应差, part 1).

Why: Used by `interaction.channel`: a single-veto item of the national inspection indicators
(国办秘函〔2019〕19号, 单项否决·互动回应差): "未提供网上有效咨询建言渠道(网上信访、纪检举报等专门
渠道除外)" (indicators.md §1.2). Of thirteen real 通报, five name 互动回应 problems, one
(青海 2020) "未提供网上有效咨询建言渠道" word for word.

What it checks: the links of the home page, then of its 互动交流/政民互动 column, then (when
neither shows one) of its second-level pages, for an entrance a person can write to: text
naming 领导信箱, 市长信箱 (区长, 县长, 局长...), 咨询投诉, 网上咨询, 在线咨询, 建言献策, 留言,
在线访谈 or a 12345 platform, or, for a link without text (a banner image without alt), a URL
of a channel platform (Hanweb's `/jact/front/mailpublist.do`, `/zxts/`, `/ldxx/`, a `12345`
host). A channel hosted off the portal's domain counts (a district's 信箱 on the city's 12345
site is common) and its host is named. Not channels: 信访, 纪检/监察 举报 and the 我为政府网站找错
entrance. The best entrances are opened, in turn, to see that the channel is there.

Params:
- `max_candidates`: entrances opened, best first, before concluding that none of them works
  (default 3).

Passes when an entrance opens (2xx HTML): the message names its text, its URL and, when off the
portal's domain, the host it lives on.

Fails when no entrance is found on the home page, its 互动 columns or its second-level pages
(the message recalls that 信访 and 纪检举报 do not count), or when every entrance opened is
broken (HTTP 404, a name that does not exist).

Inconclusive (`error`) when the home page cannot be read, or no entrance opened and some could
not be read (a firewall's refusal, a challenge, a timeout): whether the channel works is unknown.

Evidence: every entrance opened (the page it was found on, its text and URL, the fetch), the
pages searched when none was found. Metrics: `found` (entrances found), `external`
(whether the working one is off the portal's domain).
"""

from __future__ import annotations

from pydantic import Field

from gkaudit.declaration import CheckParams, check
from gkaudit.i18n import N_, _
from gkaudit.model import Evidence, HtmlEvidence, NoteEvidence, Verdict
from gkaudit.net.http import inconclusive
from gkaudit.site.channels import Channel, find_channels
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import describe, home_verdict, loads


class Params(CheckParams):
    """How many entrances are opened before concluding."""

    max_candidates: int = Field(3, ge=1, le=10, description=N_("entrances opened, best first"))


def _where(channel: Channel) -> str:
    if channel.external:
        return _("off the portal's domain, on {host}").format(host=channel.host)
    return _("on the portal")


@check("interaction_channel", params=Params)
async def run(site: SiteContext, params: Params) -> Verdict:
    home = await site.home()
    if not loads(home):
        return home_verdict(home, _("an online 咨询建言 channel"))
    search = await find_channels(site)
    assert search is not None  # the home page loads
    channels, searched = search
    if not channels:
        return Verdict.failed(
            _(
                "no online 咨询建言 channel (领导信箱, 咨询投诉, 留言, 建言献策) on the home "
                "page or the {count} pages searched from it (信访 and 纪检举报 do not count)"
            ).format(count=len(searched) - 1),
            [NoteEvidence(text=_("searched: {urls}").format(urls=", ".join(searched)))],
            found=0,
            external=None,
        )
    evidence: list[Evidence] = []
    unread = 0
    for channel in channels[: params.max_candidates]:
        outcome = await site.open(channel.link.url)
        evidence += [
            HtmlEvidence(url=channel.on, text=channel.link.text, href=channel.link.url),
            outcome.evidence(),
        ]
        if loads(outcome):
            text = channel.link.text or channel.link.url
            return Verdict.passed(
                _("an online 咨询建言 channel: “{text}” at {url} ({where})").format(
                    text=text, url=channel.link.url, where=_where(channel)
                ),
                evidence,
                found=len(channels),
                external=channel.external,
            )
        unread += inconclusive(outcome)
        evidence.append(
            NoteEvidence(
                text=_("{url}: does not open: {why}").format(
                    url=channel.link.url, why=describe(outcome)
                )
            )
        )
    tried = min(len(channels), params.max_candidates)
    if unread:
        return Verdict.inconclusive(
            _(
                "{count} 咨询建言 entrances found, none could be opened ({unread} refused "
                "gkaudit or did not answer): whether the channel works is unknown"
            ).format(count=tried, unread=unread),
            evidence,
            found=len(channels),
            external=None,
        )
    return Verdict.failed(
        _(
            "no working online 咨询建言 channel: the {count} entrances found are broken "
            "(first: “{text}” at {url})"
        ).format(count=tried, text=channels[0].link.text, url=channels[0].link.url),
        evidence,
        found=len(channels),
        external=None,
    )
