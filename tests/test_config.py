"""config: every mistake in sites.yaml or a plan names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from gkaudit import i18n
from gkaudit.config import ConfigError, load_sites, select_sites
from gkaudit.model import SiteKind
from gkaudit.plans import default_plan_path, load_plan, load_plans, select_rules
from gkaudit.plugins import Registry

GOOD_SITES = """\
sites:
  - id: dl
    name: 中国·大连
    url: https://www.dl.gov.cn/
    kind: city
  - id: xg
    name: 西岗区
    url: http://www.dlxg.gov.cn/
    kind: district
    hints:
      disclosure_url: http://www.dlxg.gov.cn/xxgk/
"""


def write(tmp_path: Path, text: str | bytes, name: str = "sites.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_sites(path)
    return str(info.value)


def test_good_sites_load(tmp_path: Path) -> None:
    sites = load_sites(write(tmp_path, GOOD_SITES))
    assert [s.id for s in sites] == ["dl", "xg"]
    assert sites[0].kind is SiteKind.CITY
    assert sites[1].hint("disclosure_url") == "http://www.dlxg.gov.cn/xxgk/"
    assert sites[0].host == "www.dl.gov.cn"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("url: https://www.dl.gov.cn/", "sites.yaml:4: sites[0].url: not an http(s) URL"),
        (
            "kind: city",
            "sites.yaml:5: sites[0].kind: expected one of 'city', 'district', 'department'",
        ),
        ("name: 中国·大连", "sites.yaml:3: sites[0].name:"),
    ],
)
def test_each_bad_field_is_located(tmp_path: Path, bad: str, expected: str) -> None:
    replacements = {
        "url: https://www.dl.gov.cn/": "url: ftp://www.dl.gov.cn/",
        "kind: city": "kind: town",
        "name: 中国·大连": "name: ''",
    }
    text = GOOD_SITES.replace(bad, replacements[bad], 1)
    message = error_of(write(tmp_path, text))
    assert expected in message


def test_url_problems_are_named(tmp_path: Path) -> None:
    for url, words in [
        ("www.dl.gov.cn", "not an http(s) URL"),
        ("http://www.dl .gov.cn/", "a URL may not contain spaces"),
        ("http://:80/", "the URL has no host"),
    ]:
        text = GOOD_SITES.replace("https://www.dl.gov.cn/", f"'{url}'", 1)
        assert f"sites.yaml:4: sites[0].url: {words}" in error_of(write(tmp_path, text))


def test_idn_host_is_valid(tmp_path: Path) -> None:
    text = GOOD_SITES.replace("https://www.dl.gov.cn/", "http://大连.政务/", 1)
    assert load_sites(write(tmp_path, text))[0].host == "大连.政务"


def test_unknown_field_and_missing_field(tmp_path: Path) -> None:
    text = GOOD_SITES.replace("    kind: city\n", "    knd: city\n", 1)
    message = error_of(write(tmp_path, text))
    assert "sites.yaml:5: sites[0].knd: unknown field" in message
    assert "sites[0].kind: missing" in message  # both problems, not just the first


def test_unknown_hint_is_rejected(tmp_path: Path) -> None:
    text = GOOD_SITES.replace("disclosure_url:", "disclosure:", 1)
    assert "sites.yaml:11: sites[1].hints.disclosure: unknown field" in error_of(
        write(tmp_path, text)
    )


def test_duplicate_site_id(tmp_path: Path) -> None:
    text = GOOD_SITES.replace("id: xg", "id: dl")
    assert "sites.yaml:6: sites[1].id: duplicate id 'dl' (first at sites[0])" in error_of(
        write(tmp_path, text)
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "sites.yaml: the file is empty"),
        ("# only a comment\n", "sites.yaml: the file is empty"),
        ("- just a list\n", "sites.yaml:1: expected a mapping with a `sites:` key"),
        ("other: 1\n", "sites.yaml:1: sites: missing"),
        ("sites: []\n", "sites.yaml:1: sites: the list is empty"),
        ("sites: 3\n", "sites.yaml:1: sites:"),
        ("sites:\n\t- id: a\n", "sites.yaml:2: invalid YAML"),
        ("sites:\n  - id: a\n    id: b\n", "sites.yaml:3: invalid YAML: found duplicate key"),
        ("sites: [\n", "invalid YAML"),
    ],
)
def test_broken_files(tmp_path: Path, content: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, content))


def test_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n  - name: 西岗区\n".encode("gb18030"))
    assert "sites.yaml:2: not UTF-8 text" in error_of(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot be read" in error_of(tmp_path / "nope.yaml")


def test_huge_list_loads(tmp_path: Path) -> None:
    entries = "".join(
        f"  - {{id: s{i}, name: 站点{i}, url: 'http://s{i}.example.gov.cn/', kind: department}}\n"
        for i in range(3000)
    )
    assert len(load_sites(write(tmp_path, "sites:\n" + entries))) == 3000


def test_select_sites(tmp_path: Path) -> None:
    sites = load_sites(write(tmp_path, GOOD_SITES))
    assert [s.id for s in select_sites(sites, ["xg"])] == ["xg"]
    with pytest.raises(ConfigError, match="unknown site id 'nope'"):
        select_sites(sites, ["nope"])


# --- plans ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def test_default_plan_loads(registry: Registry) -> None:
    plan = load_plan(None, registry)
    assert plan.document == "大政公开办〔2022〕1号"
    assert plan.source == str(default_plan_path())
    assert {"site.reachable", "ipv6.aaaa"} <= {r.id for r in plan.rules}
    for rule in plan.rules:
        assert registry.get(rule.check) is not None


PLAN = """\
title: 测试计划
document: 测试〔2026〕1号
rules:
  - id: site.reachable
    title: 首页可访问
    clause: (十九)
    check: reachable
"""


def plan_error(tmp_path: Path, text: str, registry: Registry) -> str:
    with pytest.raises(ConfigError) as info:
        load_plan(write(tmp_path, text, "plan.yaml"), registry)
    return str(info.value)


def test_unknown_check_is_named(tmp_path: Path, registry: Registry) -> None:
    message = plan_error(tmp_path, PLAN.replace("check: reachable", "check: reachble"), registry)
    assert "plan.yaml:7: rules[0].check: unknown check 'reachble' (known: " in message


def test_a_check_spelled_the_old_way_is_named_the_new_way(
    tmp_path: Path, registry: Registry
) -> None:
    message = plan_error(tmp_path, PLAN.replace("check: reachable", "check: ipv6-aaaa"), registry)
    assert "unknown check 'ipv6-aaaa'" in message
    assert "spelled with underscores now: 'ipv6_aaaa'" in message


def test_params_are_validated_by_the_check(tmp_path: Path, registry: Registry) -> None:
    text = PLAN + "    params:\n      max_age: 3\n"
    assert "plan.yaml:9: rules[0].params.max_age: unknown field" in plan_error(
        tmp_path, text, registry
    )


def test_bad_severity_and_kind(tmp_path: Path, registry: Registry) -> None:
    text = PLAN + "    severity: fatal\n    applies_to: [city, village]\n"
    message = plan_error(tmp_path, text, registry)
    assert "plan.yaml:8: rules[0].severity:" in message
    assert "plan.yaml:9: rules[0].applies_to[1]:" in message


def test_duplicate_rule_id(tmp_path: Path, registry: Registry) -> None:
    rule = PLAN.split("rules:\n", 1)[1]
    message = plan_error(tmp_path, PLAN + rule, registry)
    assert "plan.yaml:8: rules[1].id: duplicate id 'site.reachable'" in message


def test_select_rules(registry: Registry) -> None:
    plan = load_plans([], registry)
    assert [r.id for r in select_rules(plan, ["ipv6.aaaa"]).rules] == ["ipv6.aaaa"]
    with pytest.raises(ConfigError, match="unknown rule id 'ipv6'"):
        select_rules(plan, ["ipv6"])


def test_an_impossible_date_is_text_not_a_crash(tmp_path: Path) -> None:
    # ruamel raises a bare ValueError on 2025-02-30; timestamps are kept as text instead
    text = GOOD_SITES.replace("name: 西岗区", "name: 2025-02-30")
    assert load_sites(write(tmp_path, text))[1].name == "2025-02-30"
    text = GOOD_SITES.replace("kind: district", "kind: 2025-02-30")
    assert "sites.yaml:9: sites[1].kind:" in error_of(write(tmp_path, text))


def test_org_names_the_body_its_reports_carry(tmp_path: Path) -> None:
    text = GOOD_SITES.replace("    kind: city\n", "    kind: city\n    org: 大连市人民政府\n")
    sites = load_sites(write(tmp_path, text))
    assert (sites[0].org, sites[1].org) == ("大连市人民政府", None)
    message = error_of(write(tmp_path, text.replace("org: 大连市人民政府", 'org: ""')))
    assert "sites.yaml:6: sites[0].org" in message


def test_tags_and_region_load_and_bad_ones_are_located(tmp_path: Path) -> None:
    tagged = GOOD_SITES.replace(
        "    kind: city\n", '    kind: city\n    region: "210200"\n    tags: [agri, finance]\n'
    )
    sites = load_sites(write(tmp_path, tagged))
    assert sites[0].region == "210200"
    assert sites[0].tags == ("agri", "finance")
    assert sites[1].tags == () and sites[1].region is None
    assert "sites.yaml:6: sites[0].region:" in error_of(
        write(tmp_path, tagged.replace('"210200"', '"2102"'))
    )
    assert "sites.yaml:7: sites[0].tags[1]:" in error_of(
        write(tmp_path, tagged.replace("finance]", "Fin ance]"))
    )


def test_rules_name_sites_by_declared_tags(tmp_path: Path, registry: Registry) -> None:
    declared = PLAN.replace("rules:\n", "tags:\n  agri: 涉农地区(十六)\nrules:\n")
    text = declared + "    applies_to: [city, agri]\n"
    plan = load_plan(write(tmp_path, text, "plan.yaml"), registry)
    assert plan.tags == {"agri": "涉农地区(十六)"}
    assert plan.rules[0].applies_to == (SiteKind.CITY, "agri")
    message = plan_error(tmp_path, declared + "    applies_to: [agri, comerce]\n", registry)
    assert "plan.yaml:10: rules[0].applies_to[1]: 'comerce' is neither a site kind" in message
    assert "applies_to[0]" not in message
    empty = plan_error(tmp_path, declared + "    applies_to: []\n", registry)
    assert "plan.yaml:10: rules[0].applies_to:" in empty


def test_the_national_indicators_plan_loads_by_name(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    plan = load_plan(Path("gwjc-2019"), registry)
    assert plan.source == str(default_plan_path().with_name("gwjc-2019.yaml"))
    # privacy and wording are in both packaged plans (issue: personal data and wording)
    shared = {"privacy.personal-data", "wording.severe", "wording.typos"}
    assert shared <= {r.id for r in plan.rules}
    assert load_plan(Path("dalian-2022"), registry).source == str(default_plan_path())
    write(tmp_path, PLAN, "gwjc-2019")  # a file of that name in the working directory wins
    assert load_plan(Path("gwjc-2019"), registry).document == "测试〔2026〕1号"
    with pytest.raises(ConfigError, match=r"gwjc-2020.*cannot be read"):
        load_plan(Path("gwjc-2020"), registry)
    assert plan.title == "政府网站与政务新媒体检查指标"
    assert plan.document == "国办秘函〔2019〕19号"
    assert plan.rules


def test_the_real_sites_are_tagged_from_the_plan_text() -> None:
    """(十六) names the 涉农 districts; every one with a portal in sites.yaml carries `agri`."""
    sites = load_sites(Path(__file__).resolve().parents[1] / "sites.yaml")
    agri = {s.name for s in sites if "agri" in s.tags}
    named = ["甘井子区", "旅顺口区", "普兰店区", "瓦房店市", "庄河市", "长海县", "金普新区", "高新"]
    assert len(agri) == len(named)
    assert all(any(n in name for name in agri) for n in named)
    assert all(s.region is None or s.region.startswith("2102") for s in sites)


def test_the_real_sites_are_tagged_as_the_plan_names_them() -> None:
    """Read (never scanned): the 涉农地区 of clause (十六) that have a portal carry `agri`, and
    every tag in sites.yaml is one the default plan declares."""
    sites = load_sites(Path(__file__).resolve().parents[1] / "sites.yaml")
    plan = load_plan(None, Registry.load())
    assert {tag for site in sites for tag in site.tags} <= set(plan.tags)
    agri = {site.id for site in sites if "agri" in site.tags}
    assert agri == {
        "ganjingzi",
        "lvshunkou",
        "pulandian",
        "wafangdian",
        "zhuanghe",
        "changhai",
        "jinpu",
        "hitech",
    }
    assert set(plan.tags) == {"agri", "dev-reform", "commerce", "finance"}


def test_the_errors_in_chinese(tmp_path: Path) -> None:
    """An inspector who edits sites.yaml reads what is wrong in Chinese, with file, line and
    field as in English."""
    text = GOOD_SITES.replace("https://www.dl.gov.cn/", "ftp://www.dl.gov.cn/", 1)
    text = text.replace("kind: city", "kind: town", 1)
    before = i18n.current()
    i18n.use("zh")
    try:
        message = error_of(write(tmp_path, text))
        broken = error_of(write(tmp_path, "sites:\n  - {id: a\n"))
    finally:
        i18n.use(before)
    assert "sites.yaml:4: sites[0].url: 不是以 http:// 或 https:// 开头的网址" in message
    assert (
        "sites.yaml:5: sites[0].kind: 应为以下取值之一：'city', 'district', 'department'" in message
    )
    assert "sites.yaml:3: YAML格式错误：" in broken
