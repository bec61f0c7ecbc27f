"""Notifications posted for real over loopback to a server that answers as the robots do, in the
formats of 企业微信, 钉钉 (signed) and 飞书 (signed), or the generic JSON; a failed post is
reported and changes nothing else."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gkaudit import i18n, notify
from gkaudit.baseline import compare
from gkaudit.model import Status
from gkaudit.notify import NotifyFormat, Target
from tests.reporters.hostile import fixture_report

SECRET = "SEC0123456789abcdef"


@dataclass
class Robot:
    """A webhook on 127.0.0.1: records each post, answers `answer` with `status`."""

    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/robot/send?access_token=T0KEN") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def robot() -> Iterator[Robot]:
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.posts.append((self.path, json.loads(self.rfile.read(length))))
            data = json.dumps(state.answer).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _regressed() -> tuple[Any, Any]:
    """The fixture report, and its comparison with a baseline where zhongshan's IPv6 passed."""
    report = fixture_report()
    zs = report.sites[1]
    healthy = tuple(
        r.model_copy(update={"status": Status.PASS}) if r.rule.startswith("ipv6.") else r
        for r in zs.results
    )
    baseline = report.model_copy(
        update={
            "sites": (report.sites[0], zs.model_copy(update={"results": healthy}), report.sites[2])
        }
    )
    return report, compare(baseline, report)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", NotifyFormat.WECOM),
        ("https://oapi.dingtalk.com/robot/send?access_token=T", NotifyFormat.DINGTALK),
        ("https://open.feishu.cn/open-apis/bot/v2/hook/H", NotifyFormat.FEISHU),
        ("https://open.larksuite.com/open-apis/bot/v2/hook/H", NotifyFormat.FEISHU),
        ("https://ci.example.org/hooks/gkaudit", NotifyFormat.JSON),
    ],
)
def test_the_format_is_told_from_the_url(url: str, expected: NotifyFormat) -> None:
    assert Target.parse(url).format is expected


def test_the_secret_is_the_fragment_and_never_sent_or_shown() -> None:
    target = Target.parse("https://oapi.dingtalk.com/robot/send?access_token=T#" + SECRET)
    assert target.secret == SECRET
    assert SECRET not in target.url
    assert "access_token" not in str(target) and SECRET not in str(target)


def test_a_bad_url_is_refused() -> None:
    with pytest.raises(ValueError, match="not an http"):
        Target.parse("ftp://example.org/x")


def test_wecom_markdown_with_the_regressions(robot: Robot) -> None:
    report, comparison = _regressed()
    target = Target(robot.url(), NotifyFormat.WECOM)
    assert notify.send([target], report, comparison) == []
    [(path, body)] = robot.posts
    assert path == "/robot/send?access_token=T0KEN"
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "2 regressions since" in content
    assert "大连市中山区人民政府 ipv6.aaaa" in content
    assert "3 sites; 5 failed" in content


def test_dingtalk_is_signed_as_dingtalk_checks(robot: Robot) -> None:
    report, comparison = _regressed()
    target = Target(robot.url(), NotifyFormat.DINGTALK, SECRET)
    assert notify.send([target], report, comparison) == []
    [(path, body)] = robot.posts
    query = parse_qs(urlsplit(path).query)
    assert query["access_token"] == ["T0KEN"]
    stamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("gkaudit")


def test_feishu_is_signed_as_feishu_checks(robot: Robot) -> None:
    robot.answer = {"code": 0, "msg": "success"}
    report, comparison = _regressed()
    target = Target(robot.url("/open-apis/bot/v2/hook/H"), NotifyFormat.FEISHU, SECRET)
    assert notify.send([target], report, comparison) == []
    [(_path, body)] = robot.posts
    stamp = body["timestamp"]
    expected = base64.b64encode(
        hmac.new(f"{stamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "text" and "regressions" in body["content"]["text"]


def test_generic_json(robot: Robot) -> None:
    report, comparison = _regressed()
    assert notify.send([Target(robot.url("/hook"), NotifyFormat.JSON)], report, comparison) == []
    [(_path, body)] = robot.posts
    assert body["schema"] == "gkaudit.notification/1"
    assert body["summary"]["fail"] == 5
    assert [(r["site"], r["rule"]) for r in body["regressions"]] == [
        ("zhongshan", "ipv6.aaaa"),
        ("zhongshan", "ipv6.reachable"),
    ]


def test_the_message_is_chinese_in_a_chinese_run(robot: Robot) -> None:
    i18n.use("zh")
    report, comparison = _regressed()
    notify.send([Target(robot.url(), NotifyFormat.WECOM)], report, comparison)
    content = robot.posts[0][1]["markdown"]["content"]
    assert "3 个站点" in content and "不通过 5 项" in content and "新增不通过 2 项" in content


@pytest.mark.parametrize(
    ("status", "answer", "reason"),
    [
        (500, {}, "HTTP 500"),
        (200, {"errcode": 310000, "errmsg": "sign not match"}, "errcode 310000 sign not match"),
    ],
)
def test_a_refused_post_is_reported(
    robot: Robot, status: int, answer: dict[str, Any], reason: str
) -> None:
    robot.status, robot.answer = status, answer
    report, comparison = _regressed()
    failures = notify.send([Target(robot.url(), NotifyFormat.DINGTALK, SECRET)], report, comparison)
    assert len(failures) == 1
    assert reason in failures[0]
    assert "T0KEN" not in failures[0] and SECRET not in failures[0]


def test_an_unreachable_webhook_is_reported_and_the_others_still_get_it(robot: Robot) -> None:
    report, comparison = _regressed()
    closed = Target("http://127.0.0.1:9/hook", NotifyFormat.JSON)  # discard port: nothing listens
    failures = notify.send([closed, Target(robot.url(), NotifyFormat.WECOM)], report, comparison)
    assert len(failures) == 1 and "127.0.0.1:9" in failures[0]
    assert len(robot.posts) == 1


def test_without_a_baseline_the_summary_alone(robot: Robot) -> None:
    report = fixture_report()
    assert notify.send([Target(robot.url(), NotifyFormat.WECOM)], report, None) == []
    content = robot.posts[0][1]["markdown"]["content"]
    assert "3 sites; 5 failed, 2 warnings, 3 inconclusive, 7 passed." in content
    assert "regression" not in content
