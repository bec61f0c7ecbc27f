# ruff: noqa: E501  (phrases of real pages, kept whole)
"""200 clean government-style pages: the phrases of real portal pages (footers, 公网安备 and ICP
lines, document numbers, dates, contact lines, the formal names of the Party and the state and
of meetings, the idioms of work reports), combined deterministically. None holds an error of
the wording lists or an unmasked personal number."""

from __future__ import annotations

import random

FOOTERS = [
    "主办：大连市人民政府办公室 承办：大连市大数据中心 网站标识码：2102000001 辽ICP备05001234号-1 辽公网安备 21020202000123号",
    "版权所有：大连市中山区人民政府 地址：大连市中山区人民路98号 邮编：116001 电话：0411-82800000 传真：0411-82800001",
    "沪公网安备 31010102002345号 京ICP备12345678号 政府网站找错 适老化无障碍服务 网站地图 联系我们",
    "12345政务服务便民热线 ｜ 0411-12345 ｜ 投诉举报电话：0411-83631234 ｜ 值班电话：(0411)83631235",
]
NUMBERS = [
    "大政公开办〔2022〕1号",
    "大政发〔2022〕12号",
    "中政办发〔2026〕35号",
    "国办发〔2017〕47号",
    "国办秘函〔2019〕19号",
    "辽政办发〔2021〕8号",
    "国务院令第711号",
    "索引号：11210200001234567X/2026-01234",
    "文号：大中政发〔2026〕3号 发布日期：2026-11-20 成文日期：2026年11月18日",
    "访问量：1234567 次 更新时间：2026-11-30 09:30:15",
    "信件编号：2026112012345 办理状态：已办结",
    "统一社会信用代码：11210200MB0123456X",
]
SENTENCES = [
    "会议强调，要深入学习贯彻习近平新时代中国特色社会主义思想，全面贯彻党的二十大和二十届历次全会精神。",
    "紧密团结在以习近平同志为核心的党中央周围，坚定拥护“两个确立”，坚决做到“两个维护”。",
    "中国共产党第二十次全国代表大会胜利召开，党的十九届六中全会审议通过了历史决议。",
    "根据《中华人民共和国政府信息公开条例》第十九条规定，现将有关情况公示如下。",
    "全国人民代表大会常务委员会和中国人民政治协商会议全国委员会相关会议精神传达到位。",
    "国务院办公厅印发通知，要求各地切实做好政务公开工作，中共中央办公厅有关文件同步落实。",
    "截至2026年10月底，全区新增市场主体1.2万户，营商环境持续优化。",
    "我们将再接再厉，一如既往地贯彻落实各项惠企政策，实事求是，攻坚克难。",
    "坚持以人民为中心的发展思想，推进全过程人民民主，构建人类命运共同体。",
    "巩固拓展脱贫攻坚成果同乡村振兴有效衔接，推动高质量发展。",
    "践行社会主义核心价值观，实现中华民族伟大复兴的中国梦，不忘初心、牢记使命。",
    "申报截止时间为2026年12月31日，逾期不予受理。报名截止日期：2026年12月15日。",
    "马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观。",
    "恪尽职守，兢兢业业，精益求精，推陈出新，与时俱进，因地制宜，名副其实。",
    "国家主席习近平发表二〇二六年新年贺词。国务院总理主持召开国务院常务会议。",
    "全面从严治党向纵深发展，党风廉政建设和反腐败斗争取得新成效，廉洁自律。",
    "中国特色社会主义进入新时代，中华人民共和国成立七十七周年。",
    "监督电话：0411-82800001，邮箱：zsqzwgk@dl.gov.cn，办公时间：工作日8:30-17:00。",
    "公示期为2026年11月20日至2026年11月27日（5个工作日）。",
    "一贯切实履行职责，按部就班推进，迫不及待地投入工作，众志成城。",
]
TITLES = [
    "政府信息公开指南",
    "政策解读",
    "工作动态",
    "通知公告",
    "政府信息公开年报",
    "助企纾困",
    "人事信息",
]


def pages(count: int = 200, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        body = "".join(f"<p>{s}</p>" for s in rng.sample(SENTENCES, 6))
        meta = "".join(f"<span>{n}</span>" for n in rng.sample(NUMBERS, 3))
        out.append(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLES[i % len(TITLES)]}'
            f'_大连市中山区人民政府</title></head><body><div class="nav"><a href="/">首页</a>'
            f'</div><div class="article"><h1>{TITLES[i % len(TITLES)]}</h1>{meta}{body}</div>'
            f'<div class="footer">{rng.choice(FOOTERS)}</div></body></html>'
        )
    return out
