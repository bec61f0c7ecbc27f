"""In Chinese, all of it: `gkaudit demo --lang zh` over the real loopback fleet writes no English
sentence in its terminal report, its Markdown and its JSON messages and evidence.

An English sentence here is any run of three or more English words once what is rightly
English is taken out: URLs, host and file names, rule ids and the technical names listed in
`TECHNICAL` (protocol and record names an inspector reads as such).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gkaudit import i18n
from gkaudit.cli import main
from gkaudit.model import Report
from gkaudit.reporters import markdown

#: Rightly English: taken out before looking for English words.
_URL = re.compile(
    r"(?:https?|javascript)://\S+|\[::1\]|(?:/[\w.-]+)+|\b[\w-]+(?:\.[\w-]+)+\b|--[a-z-]+"
)
_RULE_ID = re.compile(r"\b[a-z0-9]+(?:[.-][a-z0-9]+)+\b")
#: A value to type as it is ('city'), and the commands to run (安装方法：apt-get install ...).
_LITERAL = re.compile(r"'[\w.-]+'|'gkaudit [\w -]+'|(?:apt-get|pip) install [^）)]+")
TECHNICAL = (
    "HTTP",
    "HTTPS",
    "HTML",
    "IPv4",
    "IPv6",
    "ipv4",
    "ipv6",
    "DNS",
    "AAAA",
    "CNAME",
    "NS",
    "SOA",
    "NXDOMAIN",
    "NODATA",
    "SERVFAIL",
    "Do53",
    "JavaScript",
    "WAF",
    "ms",
    "L2",
    "L3",
    "YYYY-MM-DD",
)
_TECHNICAL = re.compile(r"\b(?:" + "|".join(TECHNICAL) + r")\b")
#: Three or more English words in a row (separated by spaces and light punctuation).
ENGLISH = re.compile(r"[A-Za-z][A-Za-z']*(?:[\s,;:/()'-]+[A-Za-z][A-Za-z']*){2,}")


def english_sentences(text: str) -> list[str]:
    """The runs of English words in `text` that are not URLs, names or technical terms."""
    found = []
    for line in text.splitlines():
        bare = _TECHNICAL.sub(" ", _RULE_ID.sub(" ", _LITERAL.sub(" ", _URL.sub(" ", line))))
        found += [m.group(0) for m in ENGLISH.finditer(bare)]
    return found


def test_the_detector_finds_english_and_lets_technical_names_through() -> None:
    assert english_sentences("level 2: 0.0% (0/35 links) < 95%") == []  # two words only
    assert english_sentences("the home page could not be fetched") != []
    assert english_sentences("HTTP http://a.gov.cn/x.html 经 ipv6 ::1 -> 404 (2 ms)") == []
    assert english_sentences("DNS AAAA www.gkjinhai.gov.cn: NODATA") == []
    assert english_sentences("ipv6.links (十九) 与 sites.yaml 不一致") == []
    assert english_sentences("应为以下取值之一：'city', 'district', 'department'") == []
    assert english_sentences("应为 'this is not one value'") != []


@pytest.fixture(scope="module")
def demo_zh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    before = i18n.current()
    path = tmp_path_factory.mktemp("zh") / "report.json"
    stdout = io.StringIO()
    with pytest.raises(SystemExit) as info, contextlib.redirect_stdout(stdout):
        main(["demo", "--lang", "zh", "--no-progress", "--color", "never", "--json", str(path)])
    assert info.value.code == 0
    yield stdout.getvalue(), json.loads(path.read_text(encoding="utf-8"))
    i18n.use(before)


def _report_texts(report: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for site in report["sites"]:
        for result in site["results"]:
            where = f"{site['id']} {result['rule']}"
            yield where, result["message"]
            for item in result["evidence"]:
                for key in ("text", "error"):
                    if isinstance(item.get(key), str):
                        yield f"{where} evidence", item[key]


def test_the_terminal_report_has_no_english_sentence(demo_zh: tuple[str, dict[str, Any]]) -> None:
    terminal, _ = demo_zh
    assert "港康市" in terminal  # the report was printed
    assert english_sentences(terminal) == []


def test_the_json_messages_and_evidence_have_no_english_sentence(
    demo_zh: tuple[str, dict[str, Any]],
) -> None:
    _, report = demo_zh
    english = [
        f"{where}: {text!r}" for where, text in _report_texts(report) if english_sentences(text)
    ]
    assert english == []


def test_the_markdown_report_has_no_english_sentence(demo_zh: tuple[str, dict[str, Any]]) -> None:
    _, report = demo_zh
    i18n.use("zh")
    text = markdown.render(Report.model_validate(report))
    assert "港康市" in text
    assert english_sentences(text) == []


GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "report.zh.md"
FIXTURE = Path(__file__).parent / "fixtures" / "reports" / "report.json"


def test_zh_markdown_golden() -> None:
    """The fixed report in Chinese (`GKAUDIT_UPDATE_GOLDEN=1` rewrites it: review the diff)."""
    before = i18n.current()
    i18n.use("zh")
    try:
        text = markdown.render(Report.from_json(FIXTURE.read_text(encoding="utf-8")))
    finally:
        i18n.use(before)
    if os.environ.get("GKAUDIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def _stderr_of(argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    err = io.StringIO()
    before = i18n.current()
    try:
        with pytest.raises(SystemExit) as info, contextlib.redirect_stderr(err):
            main(argv)
    finally:
        i18n.use(before)
    assert isinstance(info.value.code, int)
    return info.value.code, err.getvalue()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"sites.yaml": "sites:\n  - {id: a, name: 站, url: 'ftp://x.gov.cn/', kind: town}\n"},
            "sites.yaml:2: sites[0].url: 不是以 http:// 或 https:// 开头的网址",
            id="sites.yaml",
        ),
        pytest.param({"sites.yaml": "sites: []\n"}, "列表为空", id="empty"),
        pytest.param({}, "文件不存在", id="no sites.yaml"),
        pytest.param(
            {"gkaudit.toml": 'timeout = "x"\n'}, "gkaudit.toml:1：配置项 timeout", id="config"
        ),
        pytest.param(
            {"gkaudit.toml": "concurency = 5\n"}, "未知的配置项 'concurency'", id="config key"
        ),
        pytest.param(
            {
                "sites.yaml": "sites:\n  - {id: a, name: 站, url: 'http://x.gov.cn/', kind: city}",
                "waivers.yaml": "waivers:\n  - {site: a, rule: ipv6.aaaa, expires: 2026-13-01}\n",
            },
            "waivers.yaml:2: waivers[0].reason: 缺少此项",
            id="waivers",
        ),
    ],
)
def test_an_error_in_chinese_has_no_english_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    argv = ["scan", "--lang", "zh", "--no-db", "--no-progress", "-q"]
    if "waivers.yaml" in files:
        argv += ["--waivers", "waivers.yaml"]
    code, err = _stderr_of(argv, tmp_path, monkeypatch)
    assert code == 2 and expected in err, err
    assert english_sentences(err) == []


def test_a_missing_browser_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gkaudit.net.browser import unavailable

    if unavailable() is None:
        pytest.skip("a browser is installed here: --browser always is no error")
    (tmp_path / "sites.yaml").write_text(
        "sites:\n  - {id: a, name: 站, url: 'http://x.gov.cn/', kind: city}\n", encoding="utf-8"
    )
    argv = ["scan", "--lang", "zh", "--browser", "always", "--no-db", "-q"]
    code, err = _stderr_of(argv, tmp_path, monkeypatch)
    assert code == 2 and "--browser always" in err and "浏览器" in err, err
    assert english_sentences(err) == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["scan", "--nosuch"], "没有 --nosuch 这个选项", id="no such option"),
        pytest.param(["scan", "--notify-formt", "x"], "是否想用", id="did you mean"),
        pytest.param(["diff"], "缺少参数 old", id="missing argument"),
        pytest.param(["scan", "a", "b", "c"], "多余的参数（b c）", id="extra arguments"),
        pytest.param(["nosuch"], "没有 'nosuch' 这个子命令", id="no such command"),
        pytest.param(["scan", "--timeout", "x"], "不是数字", id="not a number"),
        pytest.param(["merge", "a.json"], "缺少必填选项 '--output'", id="missing option"),
        pytest.param(["scan", "--color", "x"], "“x”不是可选值", id="not a choice"),
        pytest.param(["scan", "--lang"], "选项 --lang 后面须给出一个值", id="option needs a value"),
    ],
)
def test_click_own_errors_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: str
) -> None:
    monkeypatch.setenv("GKAUDIT_LANG", "zh")  # not --lang: an option without its value eats it
    code, err = _stderr_of(argv, tmp_path, monkeypatch)
    assert code == 2 and expected in err and "Usage" not in err, err
    if argv != ["scan", "--lang"]:  # that one fails while parsing, before there is a usage
        assert f"用法：gkaudit {argv[0] if argv[0] != 'nosuch' else '[OPTIONS]'}" in err, err
    assert english_sentences(err) == []


def test_click_own_errors_stay_english_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, err = _stderr_of(["scan", "--nosuch", "--lang", "en"], tmp_path, monkeypatch)
    assert code == 2 and "No such option: --nosuch" in err and "Usage: gkaudit" in err, err


@pytest.mark.parametrize(
    ("old", "expected"),
    [
        pytest.param("{", "不是有效的 JSON", id="not JSON"),
        pytest.param('{"schema": "x"}', "报告格式为 'x'", id="not a report"),
        pytest.param(b"\xff\xfe", "不是 UTF-8 文本", id="not UTF-8"),
        pytest.param(None, "无法读取：文件不存在", id="no such file"),
        pytest.param("dir", "这是目录", id="a directory"),
    ],
)
def test_a_bad_baseline_in_chinese(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str | bytes | None,
    expected: str,
) -> None:
    if old == "dir":
        (tmp_path / "old.json").mkdir()
    elif isinstance(old, bytes):
        (tmp_path / "old.json").write_bytes(old)
    elif old is not None:
        (tmp_path / "old.json").write_text(old, encoding="utf-8")
    (tmp_path / "new.json").write_text("{}", encoding="utf-8")
    code, err = _stderr_of(["diff", "old.json", "new.json", "--lang", "zh"], tmp_path, monkeypatch)
    assert code != 0 and expected in err, err
    # the JSON parser's own detail is kept, in parentheses after the Chinese sentence
    assert english_sentences(re.sub(r"（[^）]*）", "", err)) == []


def test_a_plugin_that_fails_to_import_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "broken.py").write_text("import nonexistent_xyz\n", encoding="utf-8")
    (tmp_path / "sites.yaml").write_text(
        "sites:\n  - {id: a, name: 站, url: 'http://x.gov.cn/', kind: city}\n", encoding="utf-8"
    )
    argv = ["scan", "--lang", "zh", "--plugins", "plugins", "--no-db", "--no-progress", "-q"]
    code, err = _stderr_of(argv, tmp_path, monkeypatch)
    assert code != 0 and "插件导入失败" in err and "broken.py" in err, err
    assert english_sentences(err) == []


def test_os_errors_and_pydantic_types_in_chinese() -> None:
    import errno

    from gkaudit.config import plain_words
    from gkaudit.oserror import why

    before = i18n.current()
    i18n.use("zh")
    try:
        assert why(FileNotFoundError(errno.ENOENT, "No such file or directory")).startswith(
            "文件不存在"
        )
        assert why(PermissionError(errno.EACCES, "Permission denied")) != "permission denied"
        assert "目录" in why(IsADirectoryError(errno.EISDIR, "Is a directory"))
        assert "磁盘空间已满" in why(OSError(errno.ENOSPC, "No space left on device"))
        rare = why(OSError(errno.ELOOP, "Too many levels of symbolic links"))
        assert rare == "操作系统拒绝了该操作（Too many levels of symbolic links）"
        assert (
            plain_words({"type": "greater_than_equal", "ctx": {"ge": 1}, "msg": "x"})
            == "不能小于 1"
        )
        assert plain_words({"type": "url_parsing", "msg": "x"}) == "不是有效的网址"
        rare_type = {"type": "uuid_parsing", "msg": "Input should be a valid UUID"}
        assert plain_words(rare_type) == "取值无效（Input should be a valid UUID）"
    finally:
        i18n.use(before)


def test_a_history_database_that_cannot_be_opened_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "db").mkdir()
    argv = ["history", "--lang", "zh", "--db", "db", "--site", "a"]
    code, err = _stderr_of(argv, tmp_path, monkeypatch)
    assert code == 2 and "无法打开历史库" in err, err
    # sqlite's own detail is kept, in parentheses after the Chinese sentence
    assert english_sentences(re.sub(r"（[^）]*）", "", err)) == []


def test_a_point_value_without_its_source_in_chinese() -> None:
    from pydantic import ValidationError

    from gkaudit.config import plain_words
    from gkaudit.model import Points

    before = i18n.current()
    i18n.use("zh")
    try:
        with pytest.raises(ValidationError) as info:
            Points(value=1)
        said = plain_words(info.value.errors()[0])
    finally:
        i18n.use(before)
    assert said.startswith("分值须注明出处") and english_sentences(said) == [], said


@pytest.mark.parametrize(
    ("check", "params", "start"),
    [
        ("interaction_response", {"warn_days": 100, "fail_days": 90}, "warn_days（提醒天数）"),
        ("disclosure_catalogue", {"sections": {"  ": []}}, "栏目名称不能为空"),
        ("annual_report", {"pattern": "年度报告"}, "该匹配式须含"),
    ],
)
def test_a_check_param_error_in_chinese(check: str, params: dict[str, object], start: str) -> None:
    """A plan's params are the inspectors' own writing: what is wrong with them reads in Chinese."""
    from pydantic import ValidationError

    from gkaudit.config import plain_words
    from gkaudit.plugins import Registry

    model = Registry.load().get(check).params
    before = i18n.current()
    i18n.use("zh")
    try:
        with pytest.raises(ValidationError) as info:
            model.model_validate(params)
        said = plain_words(info.value.errors()[0])
    finally:
        i18n.use(before)
    assert said.startswith(start) and english_sentences(said) == [], said
