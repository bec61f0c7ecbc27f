"""Which links are online 咨询建言 channels: by their text, or their URL when they have none."""

from __future__ import annotations

import pytest

from gkaudit.site.channels import channel_rank, excluded, is_platform_url
from gkaudit.text import normalize


@pytest.mark.parametrize(
    ("text", "url", "rank"),
    [
        ("区长信箱", "http://www.dlzs.gov.cn/col/col1224/index.html", 0),
        ("市长信箱", "http://12345.dl.gov.cn/zxts/write.html", 0),
        ("咨询投诉", "http://www.dlzs.gov.cn/hdjl/zxts/", 0),
        ("我要留言", "http://www.dlzs.gov.cn/lyb/", 0),
        ("建言献策", "http://www.dlzs.gov.cn/col/col1230/index.html", 0),
        ("12345政务服务便民热线", "http://12345.dl.gov.cn/", 0),
        ("", "http://www.dlzs.gov.cn/jact/front/mailpublist.do?sysid=5", 1),
        ("", "http://12345.dl.gov.cn/", 1),
        ("", "http://www.dlzs.gov.cn/zxts/index.html", 1),
        # special channels and the 找错 entrance are not 咨询建言 channels
        ("网上信访", "http://xf.dl.gov.cn/wsxf/", None),
        ("信访信箱", "http://www.dlzs.gov.cn/xfxx/", None),
        ("纪检监察举报", "http://jjjc.dlzs.gov.cn/", None),
        ("纪委书记信箱", "http://www.dlzs.gov.cn/jwsj/", None),
        ("违法违纪举报", "http://www.dlzs.gov.cn/jb/", None),
        ("我为政府网站找错", "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew", None),
        # nor are news titles, ordinary columns, and a footer's number holding the digits
        ("辽ICP备05012345号-1", "https://beian.miit.gov.cn/", None),
        ("港康市召开12345热线工作推进会暨领导信箱办理情况通报会议", "http://x.gov.cn/a.html", None),
        ("政务公开", "http://www.dlzs.gov.cn/col/col1202/index.html", None),
        ("", "http://www.dlzs.gov.cn/art/2026/11/27/art_1217_123450.html", None),
    ],
)
def test_channel_rank(text: str, url: str, rank: int | None) -> None:
    assert channel_rank(normalize(text), url) == rank


def test_a_general_complaint_channel_naming_reports_is_not_excluded() -> None:
    assert not excluded("咨询投诉举报")
    assert excluded("举报")


def test_a_number_in_a_url_is_no_platform() -> None:
    assert not is_platform_url("http://www.dlzs.gov.cn/art/2026/11/27/art_1217_123456.html")
    assert is_platform_url("http://www.dlzs.gov.cn/12345/index.html")


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("http://www.dl.gov.cn/jact/front/mailpublist.do?sysid=1", True),
        ("http://www.dl.gov.cn/ZXTS/index.html", True),  # case does not matter
        ("http://www.dl.gov.cn/col/lyb", True),  # a platform's name ending the URL
        ("http://www.dl.gov.cn/xxgk.zxts/index.html", False),  # a name after a dot, not a slash
        ("http://www.dl.gov.cn/zxtsgl/index.html", False),  # a longer name
        ("http://12345.dl.gov.cn/", True),
        ("12345.dl.gov.cn/index.html", True),  # a URL written without its scheme
        ("http://www.dl.gov.cn/a/123456.html", False),
        ("http://www.dl.gov.cn/index.html#/zxts/", False),  # a fragment is no path
    ],
)
def test_platform_urls(url: str, platform: bool) -> None:
    assert is_platform_url(url) is platform
