"""Reading a channel's public list of messages and a message page: dates, states, rows."""

from __future__ import annotations

import datetime as dt

from gkaudit.html import parse_text
from gkaudit.site.columns import list_items
from gkaudit.site.letters import Letter, State, read_list, read_message, state_of

AS_OF = dt.date(2026, 12, 1)
URL = "http://www.dlzs.gov.cn/hdjl/qzxx/"


def _letters(body: str) -> list[Letter]:
    doc = parse_text(body, URL, today=AS_OF)
    return read_list(doc, list_items(doc), AS_OF)


def test_a_table_with_a_reply_column() -> None:
    letters = _letters(
        "<table><tr><th>序号</th><th>信件标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>"
        '<tr><td>1</td><td><a href="a.html">关于人行道破损的反映</a></td><td>2026-11-20</td>'
        "<td>2026-11-24</td><td>已回复</td></tr>"
        '<tr><td>2</td><td><a href="b.html">关于幼儿园入园政策的咨询</a></td><td>2026-09-02</td>'
        "<td></td><td>办理中</td></tr>"
        '<tr><td>3</td><td><a href="c.html">不属于本区的信件内容</a></td><td>2026-08-02</td>'
        "<td></td><td>不予受理</td></tr></table>"
    )
    assert [(x.asked, x.replied, x.state) for x in letters] == [
        (dt.date(2026, 11, 20), dt.date(2026, 11, 24), State.ANSWERED),
        (dt.date(2026, 9, 2), None, State.PENDING),
        (dt.date(2026, 8, 2), None, State.INVALID),
    ]
    assert letters[1].wait(AS_OF) == 90


def test_the_ask_date_printed_before_the_title_is_not_the_row_before_s_reply() -> None:
    letters = _letters(
        "<table><tr><th>来信时间</th><th>信件标题</th><th>答复时间</th></tr>"
        '<tr><td>2026-11-02</td><td><a href="a.html">关于人行道破损的反映</a></td><td></td></tr>'
        '<tr><td>2026-05-01</td><td><a href="b.html">咨询老旧小区改造进度</a></td>'
        "<td>2026-08-04</td></tr></table>"
    )
    assert [(x.asked, x.replied) for x in letters] == [
        (dt.date(2026, 11, 2), None),
        (dt.date(2026, 5, 1), dt.date(2026, 8, 4)),
    ]


def test_without_a_reply_column_a_second_date_is_no_reply() -> None:
    # a Hanweb jact list: 编号 | 标题 | 状态 | 时间 | 点击, and a footer with a date
    letters = _letters(
        "<table><tr><th>信件编号</th><th>信件标题</th><th>处理状态</th><th>来信时间</th></tr>"
        '<tr><td>202611200001</td><td><a href="a.html">关于人行道破损的反映</a></td>'
        "<td>已办结</td><td>2026-03-01</td></tr></table>"
        "<div class='footer'>更新时间：2026-11-30 主办单位：中山区人民政府办公室</div>"
    )
    assert [(x.asked, x.replied, x.state) for x in letters] == [
        (dt.date(2026, 3, 1), None, State.ANSWERED)
    ]
    assert letters[0].wait(AS_OF) is None


def test_the_last_row_ends_before_the_pager() -> None:
    letters = _letters(
        "<table><tr><th>信件标题</th><th>来信时间</th><th>回复时间</th></tr>"
        '<tr><td><a href="a.html">关于人行道破损的反映</a></td><td>2026-03-01</td><td></td></tr>'
        "</table><div>共1条 首页 上一页 下一页 尾页 更新：2026-11-30 处理中</div>"
    )
    assert [(x.replied, x.state) for x in letters] == [(None, State.UNKNOWN)]


def test_states() -> None:
    assert state_of("未办结") is State.PENDING
    assert state_of("已办结") is State.ANSWERED
    assert state_of("重复件") is State.INVALID
    assert state_of("点击 12") is State.UNKNOWN


def test_a_message_page_s_labels() -> None:
    letter = Letter("咨询老旧小区改造进度", URL + "a.html", None, None, State.UNKNOWN, URL)
    doc = parse_text(
        "<p>须知：对不属于受理范围的来信不予受理。</p>"
        "<p>来信时间：2026年06月01日</p><p>办理状态：已办结</p>"
        "<p>答复时间：2026-06-12 10:00</p><p>答复内容：该小区已列入明年改造计划。</p>",
        URL + "a.html",
        today=AS_OF,
    )
    read = read_message(doc, letter, AS_OF)
    assert (read.asked, read.replied, read.state) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 12),
        State.ANSWERED,
    )
    assert read.read_on == URL + "a.html"


def test_a_message_page_without_a_reply_keeps_the_list_s_state() -> None:
    letter = Letter("咨询", URL + "a.html", dt.date(2026, 6, 1), None, State.PENDING, URL)
    doc = parse_text("<p>来信时间：2026-06-01</p><p>来信内容：请问……</p>", URL + "a.html")
    assert read_message(doc, letter, AS_OF).state is State.PENDING


def test_a_state_column_before_the_title_is_not_read_as_the_row_s() -> None:
    # each row's state would fall into the row before: the message pages decide instead
    letters = _letters(
        "<table><tr><th>状态</th><th>信件标题</th><th>来信时间</th></tr>"
        '<tr><td>已回复</td><td><a href="a.html">关于人行道破损的反映</a></td>'
        "<td>2026-11-02</td></tr>"
        '<tr><td>办理中</td><td><a href="b.html">咨询老旧小区改造进度</a></td>'
        "<td>2026-05-01</td></tr>"
        "</table>"
    )
    assert [x.state for x in letters] == [State.UNKNOWN, State.UNKNOWN]
