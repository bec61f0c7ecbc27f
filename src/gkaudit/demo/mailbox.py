"""A demo portal's 领导信箱: the column listing its letters in a table (序号 | 信件标题 | 来信时间 |
回复时间 | 办理状态, as TRS and Hanweb 信件公开 lists print them) and a page per letter carrying
its 来信时间, 答复时间 and 答复内容. Every letter is answered within a fortnight, unless
`PortalSpec.unanswered_letter` leaves one 办理中 since that many days."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkaudit.demo.pages import esc, link, paragraphs

if TYPE_CHECKING:
    from gkaudit.demo.portal import Portal

#: (title template, days since it was asked, days it took to answer, the answer)
LETTERS = (
    ("关于{short}中山路人行道破损的反映", 5, 2, "经现场核实，已安排施工单位完成修补。"),
    ("咨询{short}老旧小区改造进度", 20, 6, "该小区已列入明年改造计划，预计明年4月开工。"),
    ("关于{short}幼儿园入园政策的咨询", 45, 10, "非本地户籍适龄儿童可凭居住证报名。"),
    ("反映{short}小区供暖温度不达标", 120, 3, "供热单位已入户检测并调整管网，室温已达标。"),
)  # fmt: skip
UNANSWERED = "关于{short}公交站点设置的建议"


def mailbox(p: Portal) -> None:
    """The 领导信箱 column and its letters' pages."""
    key = "ldxx"
    rows = []
    letters: list[tuple[str, int, int | None, str]] = list(LETTERS)
    if p.s.unanswered_letter is not None:
        letters.append((UNANSWERED, p.s.unanswered_letter, None, ""))
    letters.sort(key=lambda letter: letter[1])
    for number, (template, age, took, reply) in enumerate(letters, start=1):
        asked = p.day(age)
        title = p.text(template, asked)
        replied = None if took is None else p.day(age - took)
        answer = (
            "<p>办理状态：办理中</p>"
            if replied is None
            else (
                f"<p>答复单位：{esc(p.s.name)}办公室　答复时间：{replied.isoformat()}</p>\n"
                + paragraphs(f"答复内容：您好！{reply}")
            )
        )
        body = (
            f"<p>来信人：王**　来信时间：{asked.isoformat()}</p>\n"
            + paragraphs(f"来信内容：{title}，请予答复。")
            + f"\n{answer}"
        )
        item = p.article(key, title, replied or asked, body)
        rows.append(
            f"<tr><td>{number}</td><td>{link(item.href, esc(title), blank=True)}</td>"
            f"<td>{asked.isoformat()}</td><td>{'' if replied is None else replied.isoformat()}</td>"
            f"<td>{'办理中' if replied is None else '已回复'}</td></tr>"
        )
    table = (
        '<p><a href="javascript:void(0);">我要写信</a></p>\n'
        '<table class="mail-list" width="100%">\n'
        "<tr><th>序号</th><th>信件标题</th><th>来信时间</th><th>回复时间</th><th>办理状态</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>"
    )
    p.listing(key, table)
