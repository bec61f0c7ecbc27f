"""Notifications where an office already talks: the scan's summary and its regressions posted to
a group robot of 企业微信 (WeCom), 钉钉 (DingTalk) or 飞书 (Feishu/Lark), or to a generic JSON
webhook.

The format is told from the webhook's host (`qyapi.weixin.qq.com`, `oapi.dingtalk.com`,
`open.feishu.cn` / `open.larksuite.com`), else it is the generic JSON, unless `--notify-format`
says. A signing secret (DingTalk's 加签, Feishu's 签名校验) is given after a `#` in the URL
(`https://oapi.dingtalk.com/robot/send?access_token=…#SEC…`): the fragment is never sent.
A post that fails is reported; it never changes a verdict or the exit code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote_plus, urlsplit, urlunsplit

from gkaudit.baseline import Comparison
from gkaudit.i18n import _, ngettext
from gkaudit.model import Report, Status
from gkaudit.reporters.neutral import terminal as plain_line

#: How long one post may take before it is reported as failed.
TIMEOUT = 10.0
#: Regressions listed in a message; the rest are counted.
MAX_LISTED = 10
NOTIFICATION_SCHEMA = "gkaudit.notification/1"


class NotifyFormat(StrEnum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    JSON = "json"


_HOSTS = {
    "qyapi.weixin.qq.com": NotifyFormat.WECOM,
    "oapi.dingtalk.com": NotifyFormat.DINGTALK,
    "open.feishu.cn": NotifyFormat.FEISHU,
    "open.larksuite.com": NotifyFormat.FEISHU,
}


@dataclass(frozen=True)
class Target:
    """One webhook: where to post (without the secret), in which format, signed with what."""

    url: str
    format: NotifyFormat
    secret: str | None = None

    @classmethod
    def parse(cls, spec: str, format: NotifyFormat | None = None) -> Target:
        """`URL[#SECRET]`; the format from the URL's host unless given."""
        parts = urlsplit(spec)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(_("not an http(s) webhook URL: {url}").format(url=spec))
        url = urlunsplit(parts._replace(fragment=""))
        detected = _HOSTS.get(parts.hostname.lower(), NotifyFormat.JSON)
        return cls(url, format or detected, parts.fragment or None)

    def __str__(self) -> str:
        # the query holds the robot's access token: never in a message
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(query="…" if parts.query else ""))


def summary(report: Report, comparison: Comparison | None) -> str:
    """The message: the plan, the counts, the regressions (Markdown the robots render)."""
    s = report.summary
    lines = [
        "**" + _("gkaudit: {plan}").format(plan=plain_line(report.title)) + "**",
        _(
            "As of {as_of}: {sites}; {fail} failed, {warn} warnings, {error} inconclusive, "
            "{passed} passed."
        ).format(
            as_of=report.as_of.isoformat(),
            sites=ngettext("{n} site", "{n} sites", s.sites).format(n=s.sites),
            fail=s.fail,
            warn=s.warn,
            error=s.error,
            passed=s.count(Status.PASS),
        ),
    ]
    if report.incomplete:
        lines.append(_("Incomplete scan: only the sites below finished."))
    if comparison is not None:
        regressions = comparison.regressions
        if not regressions:
            lines.append(
                _("No regressions since {as_of}.").format(
                    as_of=comparison.baseline_as_of.isoformat()
                )
            )
        else:
            lines.append(
                ngettext(
                    "{n} regression since {as_of}:",
                    "{n} regressions since {as_of}:",
                    len(regressions),
                ).format(n=len(regressions), as_of=comparison.baseline_as_of.isoformat())
            )
            lines += [
                f"- {plain_line(f.site_name)} {f.rule} {plain_line(f.title)}: "
                f"{plain_line(f.message)}"
                for f in regressions[:MAX_LISTED]
            ]
            if len(regressions) > MAX_LISTED:
                lines.append(_("… and {n} more.").format(n=len(regressions) - MAX_LISTED))
    return "\n".join(lines)


def request(
    target: Target, report: Report, comparison: Comparison | None, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The URL to post to and the JSON body, in the target's format."""
    text = summary(report, comparison)
    now = time.time() if now is None else now
    url = target.url
    body: dict[str, Any]
    if target.format is NotifyFormat.WECOM:
        body = {"msgtype": "markdown", "markdown": {"content": text}}
    elif target.format is NotifyFormat.DINGTALK:
        title = _("gkaudit: {plan}").format(plan=plain_line(report.title))
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if target.secret:
            url += ("&" if "?" in url else "?") + dingtalk_signature(target.secret, now)
    elif target.format is NotifyFormat.FEISHU:
        body = {"msg_type": "text", "content": {"text": text}}
        if target.secret:
            stamp = str(int(now))
            body = {"timestamp": stamp, "sign": feishu_signature(target.secret, stamp), **body}
    else:
        body = {
            "schema": NOTIFICATION_SCHEMA,
            # the plans' titles and documents joined (one plan: that plan), and each plan
            "plan": {
                "title": report.title,
                "document": report.document,
                "source": " + ".join(plan.source for plan in report.plans),
            },
            "plans": [plan.model_dump(mode="json") for plan in report.plans],
            "as_of": report.as_of.isoformat(),
            "incomplete": report.incomplete,
            "summary": report.summary.model_dump(mode="json", by_alias=True),
            "regressions": [
                {"site": f.site, "rule": f.rule, "title": f.title, "message": f.message}
                for f in (comparison.regressions if comparison else ())
            ],
            "text": text,
        }
    return url, body


def dingtalk_signature(secret: str, now: float) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, as query."""
    stamp = str(int(now * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return f"timestamp={stamp}&sign={quote_plus(base64.b64encode(digest).decode())}"


def feishu_signature(secret: str, stamp: str) -> str:
    """Feishu's 签名校验: HMAC-SHA256 keyed by "timestamp\\nsecret" of nothing, base64."""
    digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


Post = Callable[[str, bytes], tuple[int, bytes]]


def _post(url: str, data: bytes) -> tuple[int, bytes]:
    req = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    # no proxy from the environment: the robot's token goes to the robot only
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=TIMEOUT) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(65536)


def send(
    targets: Sequence[Target],
    report: Report,
    comparison: Comparison | None,
    post: Post = _post,
) -> list[str]:
    """Post to every target; what failed, one sentence each (empty when all were accepted)."""
    failures = []
    for target in targets:
        url, body = request(target, report, comparison)
        try:
            status, answer = post(url, json.dumps(body, ensure_ascii=False).encode())
        except (OSError, ValueError) as exc:
            failures.append(
                _("notification to {target} failed: {reason}").format(target=target, reason=exc)
            )
            continue
        refused = _refusal(target.format, status, answer)
        if refused:
            failures.append(
                _("notification to {target} failed: {reason}").format(target=target, reason=refused)
            )
    return failures


def _refusal(format: NotifyFormat, status: int, answer: bytes) -> str | None:
    """Why the webhook did not take the message, or None: the robots answer HTTP 200 with an
    error code in the body (errcode for WeCom and DingTalk, code for Feishu)."""
    if not 200 <= status < 300:
        return f"HTTP {status}"
    if format is NotifyFormat.JSON:
        return None
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError:
        return _("the answer is not JSON")
    if not isinstance(parsed, dict):
        return _("the answer is not JSON")
    key = "code" if format is NotifyFormat.FEISHU else "errcode"
    code = parsed.get(key, parsed.get("StatusCode", 0))
    if code not in (0, None):
        message = parsed.get("msg") or parsed.get("errmsg") or ""
        return f"{key} {code} {plain_line(str(message))}".strip()
    return None
