"""Politeness groups: sites sharing a host, a registered domain or a hinted platform are one group;
shards are disjoint, complete and the same on every run."""

from __future__ import annotations

import pytest

from gkaudit.executors.groups import Shard, batches, politeness_groups
from gkaudit.model import Site


def site(sid: str, url: str, **hints: str) -> Site:
    return Site.model_validate(
        {"id": sid, "name": sid, "url": url, "kind": "department", "hints": hints}
    )


DALIAN = [
    site("dalian", "https://www.dl.gov.cn/"),
    site("kjj", "https://kjj.dl.gov.cn/"),
    site("swj", "https://www.dl.gov.cn/col/col1932/"),  # a department's columns on the city host
    site("jinpu", "https://dljp.gov.cn/"),
    site("zhongshan", "http://www.dlzs.gov.cn/", disclosure_url="http://xxgk.dlzs.gov.cn/"),
    # a district whose disclosure platform is the province's shared (集约化) platform
    site("xigang", "http://www.dlxg.gov.cn/", disclosure_url="http://xxgk.ln.gov.cn/dlxg/"),
    site("shahekou", "http://www.shkq.gov.cn/", annual_report_url="http://xxgk.ln.gov.cn/shkq/"),
    site("ip", "http://10.1.2.3/"),
]


def members(groups: list) -> dict[str, list[str]]:
    return {g.name: [s.id for s in g.sites] for g in groups}


def test_sites_sharing_a_registered_domain_or_a_hinted_platform_are_one_group() -> None:
    assert members(politeness_groups(DALIAN)) == {
        "dl.gov.cn": ["dalian", "kjj", "swj"],
        "dljp.gov.cn": ["jinpu"],
        "dlzs.gov.cn": ["zhongshan"],
        "dlxg.gov.cn": ["xigang", "shahekou"],
        "10.1.2.3": ["ip"],
    }
    shared = next(g for g in politeness_groups(DALIAN) if g.name == "dlxg.gov.cn")
    assert shared.domains == ("dlxg.gov.cn", "ln.gov.cn", "shkq.gov.cn")


def test_a_known_landing_url_joins_the_group_of_the_host_it_lands_on() -> None:
    groups = politeness_groups(DALIAN, {"jinpu": "https://www.dl.gov.cn/jp/"})
    assert members(groups)["dl.gov.cn"] == ["dalian", "kjj", "swj", "jinpu"]
    assert "dljp.gov.cn" not in members(groups)


def test_ungrouped_is_one_group_per_site() -> None:
    groups = politeness_groups(DALIAN, grouped=False)
    assert [len(g.sites) for g in groups] == [1] * len(DALIAN)


def test_groups_do_not_depend_on_the_order_of_the_sites() -> None:
    forward = {g.name: {s.id for s in g.sites} for g in politeness_groups(DALIAN)}
    backward = {g.name: {s.id for s in g.sites} for g in politeness_groups(DALIAN[::-1])}
    assert forward == backward


def test_shards_are_disjoint_and_complete_and_stable() -> None:
    many = [site(f"s{i}", f"http://www.p{i}.gov.cn/") for i in range(200)]
    groups = politeness_groups(many)
    parts = [Shard(i, 4).select(groups) for i in range(4)]
    names = [g.name for part in parts for g in part]
    assert sorted(names) == sorted(g.name for g in groups)
    assert all(40 <= len(part) <= 60 for part in parts)  # CRC-32 spreads them
    # crc32("p0.gov.cn") % 4 == 0 on every machine and run (not Python's salted hash)
    assert parts[0][0].name == "p0.gov.cn"


def test_batches_hold_whole_groups_of_about_equal_sites() -> None:
    city = [site(f"d{i}", f"http://www.dl.gov.cn/col/col{i}/") for i in range(9)]
    many = city + [site(f"s{i}", f"http://www.p{i}.gov.cn/") for i in range(40)]
    groups = politeness_groups(many)
    packed = batches(groups, 4)
    assert len(packed) == 4
    assert sorted(g.name for b in packed for g in b) == sorted(g.name for g in groups)
    sizes = sorted(sum(len(g.sites) for g in b) for b in packed)
    assert sizes == [12, 12, 12, 13]  # 49 sites; the city's nine stay in one batch
    backward = batches(politeness_groups(many[::-1]), 4)
    assert [[g.name for g in b] for b in backward] == [[g.name for g in b] for b in packed]


def test_there_are_never_more_batches_than_groups() -> None:
    groups = politeness_groups(DALIAN)
    assert [len(b) for b in batches(groups, 100)] == [1] * len(groups)
    assert len(batches(groups, 0)) == 1


@pytest.mark.parametrize("text", ["1", "2/2", "-1/2", "a/b", "1/0", "0/"])
def test_a_bad_shard_is_refused_saying_the_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"I/N with 0 <= I < N"):
        Shard.parse(text)


def test_a_shard_parses() -> None:
    assert Shard.parse("3/16") == Shard(3, 16)
    assert str(Shard(3, 16)) == "3/16"
