"""Obstacle pages recognised from their real markup; portal pages never are."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from gkaudit import i18n
from gkaudit.net.obstacles import Markers, Obstacle, ObstacleKind, combined, packaged, parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REALWEB = FIXTURES / "realweb"


@pytest.mark.parametrize(
    ("name", "status", "expected"),
    [
        ("ruishu-412.html", 412, ("瑞数", ObstacleKind.CHALLENGE)),
        ("wzws-challenge.html", 200, ("知道创宇 创宇盾", ObstacleKind.CHALLENGE)),
        ("safedog-cc.html", 200, ("安全狗", ObstacleKind.CHALLENGE)),
        ("safedog-block.html", 200, ("安全狗", ObstacleKind.BLOCK)),
        ("yunsuo-block.html", 200, ("云锁", ObstacleKind.BLOCK)),
        ("360-block.html", 493, ("360网站卫士", ObstacleKind.BLOCK)),
        ("aliyun-block.html", 405, ("阿里云盾", ObstacleKind.BLOCK)),
        ("tencent-block.html", 501, ("腾讯云 WAF", ObstacleKind.BLOCK)),
        ("ratelimit.html", 200, ("访问频率过快", ObstacleKind.RATE_LIMIT)),
        ("ratelimit-toofast.html", 200, ("访问频率过快", ObstacleKind.RATE_LIMIT)),
        ("maintenance-jsp.html", 200, ("网站维护中", ObstacleKind.MAINTENANCE)),
        ("maintenance-notice.html", 200, ("网站维护中", ObstacleKind.MAINTENANCE)),
    ],
)
def test_real_obstacle_pages_are_recognised(
    name: str, status: int, expected: tuple[str, ObstacleKind]
) -> None:
    found = packaged().recognise(status, (REALWEB / name).read_bytes())
    assert found is not None
    assert (found.name, found.kind, found.status) == (*expected, status)


def test_a_protected_sites_content_page_is_content() -> None:
    # 瑞数 puts its script on the pages it lets through too: with text, it is the portal's page
    body = (REALWEB / "ruishu-content-200.html").read_bytes()
    assert packaged().recognise(200, body) is None
    assert packaged().recognise(412, body) is not None  # the same script at 412 is the gate


def test_no_portal_fixture_is_an_obstacle() -> None:
    pages = [
        p
        for folder in ("portals", "html")
        for p in (FIXTURES / folder).rglob("*")
        if p.suffix in (".html", ".shtml", ".htm")
    ]
    assert len(pages) > 20
    wrong = [p.name for p in pages if packaged().recognise(200, p.read_bytes()) is not None]
    assert wrong == []


def test_a_long_page_that_mentions_a_marker_is_content() -> None:
    news = "<p>本站将于周六凌晨进行系统升级维护，届时网站维护中，暂停访问两小时。</p>"
    body = f"<html><title>新闻</title><body>{news}{'<p>正文内容。</p>' * 400}</body></html>"
    assert packaged().recognise(200, body.encode()) is None
    assert packaged().recognise(200, f"<html><body>{news}</body></html>".encode()) is not None


def test_the_obstacle_is_named_in_the_inspectors_words() -> None:
    assert (
        Obstacle("瑞数", ObstacleKind.CHALLENGE, 412).describe()
        == "blocked by a WAF challenge page (瑞数, HTTP 412)"
    )
    i18n.use("zh")
    try:
        assert "瑞数" in Obstacle("瑞数", ObstacleKind.CHALLENGE, 412).describe()
        assert "验证页" in Obstacle("瑞数", ObstacleKind.CHALLENGE, 412).describe()
    finally:
        i18n.use("en")


def test_users_markers_come_first() -> None:
    mine = parse({"obstacles": [{"name": "某云盾", "kind": "block", "any": ["mycloud-waf"]}]})
    body = "<html><body>mycloud-waf 网站防火墙</body></html>".encode()
    assert packaged().recognise(200, body) == Obstacle("网站防火墙", ObstacleKind.BLOCK, 200)
    assert combined([mine]).recognise(200, body) == Obstacle("某云盾", ObstacleKind.BLOCK, 200)


def test_a_marker_needs_strings() -> None:
    with pytest.raises(ValidationError, match="give `any` or `all`"):
        parse({"obstacles": [{"name": "x", "kind": "block"}]})
    assert isinstance(Markers(()).recognise(200, b"x"), type(None))


def test_a_bad_obstacles_file_is_a_located_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gkaudit.cli import main
    from gkaudit.exits import EXIT_CONFIG

    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n  - id: xg\n    name: 西岗区\n"
        "    url: http://www.dlxg.gov.cn/\n    kind: district\n",
        encoding="utf-8",
    )
    mine = tmp_path / "waf.yaml"
    mine.write_text(
        "obstacles:\n  - name: 某云盾\n    kind: blocked\n    any: [x]\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit) as info:
        main(["scan", str(sites), "--no-progress", "--obstacles", str(mine)])
    err = capsys.readouterr().err
    assert info.value.code == EXIT_CONFIG
    assert "waf.yaml:3: obstacles[0].kind:" in err
    assert "Traceback" not in err


def test_a_large_412_challenge_is_still_recognised_by_its_status() -> None:
    # 瑞数 inlines its whole VM script on some sites: the status-bound marker scans any size
    body = (
        (REALWEB / "ruishu-412.html")
        .read_bytes()
        .replace(b"</head>", b"<script>" + b"var _$x=1;" * 5000 + b"</script></head>")
    )
    assert len(body) > 40_000
    found = packaged().recognise(412, body)
    assert found is not None and found.name == "瑞数"
