from __future__ import annotations

import datetime as dt

import pytest

from gkaudit.privacy.detect import Kind, Tally, find, luhn, valid_id15, valid_id18
from gkaudit.privacy.mask import mask_card, mask_id, mask_mobile, scrub
from tests.support.numbers import CARDS, IDS, MOBILES, id18, wrong_check

TODAY = dt.date(2026, 12, 1)


def kinds(text: str) -> list[Kind]:
    return [m.kind for m in find(text, TODAY)]


def test_the_inspectors_masks() -> None:
    assert mask_id("350102196201014560") == "35*************560"
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_card("6222021234567890003") == "6222***********0003"


@pytest.mark.parametrize("number", IDS)
def test_a_valid_18_character_id_is_found(number: str) -> None:
    assert valid_id18(number, TODAY)
    matches = find(f"申请人：张三，身份证号码{number}，住址", TODAY)
    assert [m.kind for m in matches] == [Kind.ID]
    assert matches[0].masked == mask_id(number)
    assert number not in matches[0].context and mask_id(number) in matches[0].context


def test_an_x_check_character_is_found_in_lower_case_and_full_width() -> None:
    number = IDS[2]
    assert number.endswith("X")
    assert kinds(f"身份证{number.lower()}") == [Kind.ID]
    full = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert kinds(f"身份证{full}") == [Kind.ID]


@pytest.mark.parametrize(
    "number",
    [
        wrong_check(IDS[0]),  # check character wrong
        id18("990202", "19850317", "123"),  # 99 is no province
        id18("210202", "19850230", "123"),  # 30 February
        id18("210202", "20270101", "123"),  # born after today
        "202212011234567890",  # an order number: 20 is no province
    ],
)
def test_an_18_digit_run_that_is_no_id_is_not_found(number: str) -> None:
    assert kinds(f"编号{number}") == []


def test_15_digit_old_numbers_count_only_where_ids_are_named() -> None:
    old = "210202850317123"
    assert valid_id15(old, TODAY)
    assert kinds(f"姓名 张三 身份证号 {old}") == [Kind.ID]
    assert kinds(f"订单号 {old}") == []
    assert kinds(f"身份证号 {'210202851317123'}") == []  # month 13


@pytest.mark.parametrize("number", MOBILES)
def test_mobiles_are_found_alone_or_grouped(number: str) -> None:
    assert kinds(f"联系电话：{number}。") == [Kind.MOBILE]
    grouped = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    assert kinds(f"手机 {grouped}") == [Kind.MOBILE]
    assert kinds(f"手机 {number[:3]} {number[3:7]} {number[7:]}") == [Kind.MOBILE]


@pytest.mark.parametrize(
    "text",
    [
        "咨询电话：0411-84567890，12345政务服务便民热线",
        "电话：(0411)83631234 传真：0411-83631235",
        "大政公开办〔2022〕1号 发布日期：2022-12-01 20221201",
        "订单号 2022120113812345678901",  # a mobile's digits inside a longer run
        "时间戳 1669852800123",
        "138****5678 已脱敏；35*************560；6222***********0003",
        "13812345678******",
        "链接 http://www.dl.gov.cn/art/2022/12/1/art_13812345678.html",
        "附件 13812345678.pdf",
        "编号 A13812345678 B",
        "数值 13812345678.5",
        "辽公网安备 21020202000123号 辽ICP备05001234号-1",
    ],
)
def test_look_alikes_never_count(text: str) -> None:
    assert kinds(text) == []


def test_cards_count_only_passing_luhn_and_labelled() -> None:
    card = CARDS[0]
    assert luhn(card) and not luhn(card[:-1] + str((int(card[-1]) + 1) % 10))
    assert kinds(f"银行卡号：{card}") == [Kind.CARD]
    assert kinds(f"开户银行 大连银行 账号 {CARDS[1]}") == [Kind.CARD]
    assert kinds(f"流水号：{card}") == []
    bad = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert kinds(f"银行卡号：{bad}") == []


def test_tally_counts_distinct_numbers() -> None:
    text = f"{MOBILES[0]} {MOBILES[0]} {MOBILES[1]} 身份证 {IDS[0]} 卡号 {CARDS[0]}"
    assert Tally.of(find(text, TODAY)) == Tally(ids=1, mobiles=2, cards=1)


def test_scrub_masks_every_shape_and_keeps_the_rest() -> None:
    text = (
        f"ID {IDS[0]} / {IDS[2].lower()} / 210202850317123 tel {MOBILES[0]} "
        f"{MOBILES[1][:3]}-{MOBILES[1][3:7]}-{MOBILES[1][7:]} card {CARDS[0]} "
        f"{' '.join([CARDS[1][i : i + 4] for i in range(0, 16, 4)])} 0411-84567890 12345 2022-12-01"
    )
    out = scrub(text)
    for number in [*IDS[:1], IDS[2].lower(), "210202850317123", MOBILES[0], *CARDS]:
        assert number not in out
    assert f"{MOBILES[1][:3]}-{MOBILES[1][3:7]}" not in out and f" {CARDS[1][4:8]} " not in out
    assert "0411-84567890 12345 2022-12-01" in out
    assert scrub("no digits here") == "no digits here"


def test_context_never_cuts_a_number_into_a_leaking_fragment() -> None:
    text = f"{IDS[0]}{'，' * 3}{MOBILES[0]}"
    for match in find(text, TODAY):
        assert IDS[0][3:15] not in match.context
        assert MOBILES[0][3:7] not in match.context


def test_a_card_column_is_known_by_its_header_and_no_other_column() -> None:
    card = CARDS[0]
    table = f"序号\t姓名\t流水号\t银行卡号\n1\t张三\t{card}\t{CARDS[1]}\n"
    found = find(table, TODAY)
    assert [(m.kind, m.masked) for m in found] == [(Kind.CARD, mask_card(CARDS[1]))]
