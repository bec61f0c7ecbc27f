"""Reading `sites.yaml` and plan files, validated before any request is sent.

Every error names the file, the line and the field, e.g.
`sites.yaml:14: sites[3].url: not an http(s) URL`, so an inspector can fix the file without
reading a traceback. All errors of a file are reported together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from gkaudit import suggest
from gkaudit.i18n import N_, _
from gkaudit.model import Frozen, Site
from gkaudit.net.obstacles import Markers, ObstaclesFile
from gkaudit.oserror import why

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ConfigError(Exception):
    """A configuration file is wrong; `str()` lists every problem, one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


class _TextTimestamps(RoundTripConstructor):
    """Leaves timestamps as text: ruamel raises a bare ValueError on `2025-02-30`, which would
    escape as a crash; as text, the field's validator reports it with its line."""


_TextTimestamps.add_constructor("tag:yaml.org,2002:timestamp", _TextTimestamps.construct_yaml_str)


class YamlDocument:
    """A parsed YAML file that remembers where every key and item came from."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.path = path
        self.label = label or str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise self.error(
                None, "", _("cannot be read: {reason}").format(reason=_why(exc))
            ) from None
        #: Which version of the file was read (a plan's is recorded in the report).
        self.sha256 = hashlib.sha256(raw).hexdigest()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise self.error(
                raw[: exc.start].count(b"\n") + 1, "", _("not UTF-8 text (save the file as UTF-8)")
            ) from None
        yaml = YAML(typ="rt")
        yaml.Constructor = _TextTimestamps
        try:
            self.data: Any = yaml.load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = (exc.problem or exc.context or "").strip()
            raise self.error(
                line, "", _("invalid YAML: {problem}").format(problem=problem)
            ) from None
        except YAMLError as exc:
            raise self.error(None, "", _("invalid YAML: {problem}").format(problem=exc)) from None

    def error(self, line: int | None, field: str, message: str) -> ConfigError:
        return ConfigError([Problem(self.label, line, field, message)])

    def line_of(self, loc: Loc) -> int | None:
        """The 1-based line of the deepest node along `loc` that exists in the file."""
        node: Any = self.data
        line: int | None = _node_line(node)
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        return line

    def mapping(self, required_key: str) -> CommentedMap:
        """The top-level mapping, which must have `required_key`."""
        if self.data is None:
            raise self.error(
                None, "", _("the file is empty; expected a `{key}:` key").format(key=required_key)
            )
        if not isinstance(self.data, CommentedMap):
            raise self.error(
                1, "", _("expected a mapping with a `{key}:` key").format(key=required_key)
            )
        if required_key not in self.data:
            raise self.error(1, required_key, _("missing"))
        return self.data

    def validate(
        self, model: type[BaseModel], value: Any, at: Loc = (), context: Any = None
    ) -> Any:
        """Validate `value` (found at `at`) as `model`, turning errors into located problems."""
        try:
            return model.model_validate(_plain(value), context=context)
        except ValidationError as exc:
            raise ConfigError(self.problems(exc, at)) from None

    def problems(self, exc: ValidationError, at: Loc = ()) -> list[Problem]:
        found = []
        for error in exc.errors():
            loc = at + tuple(error["loc"])
            message = _plain_words(error)
            found.append(Problem(self.label, self.line_of(loc), _field_path(loc), message))
        return found


#: pydantic's error types in the words of a YAML file's author.
PLAIN_WORDS = {
    "extra_forbidden": N_("unknown field"),
    "missing": N_("missing"),
    "model_type": N_("expected a mapping"),
    "dict_type": N_("expected a mapping"),
    "model_attributes_type": N_("expected a mapping"),
    "tuple_type": N_("expected a list"),
    "list_type": N_("expected a list"),
    "string_type": N_("expected text"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "float_type": N_("expected a number"),
    "float_parsing": N_("expected a number"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "url_parsing": N_("not a valid web address"),
    "url_scheme": N_("a web address must begin with http:// or https://"),
    "date_from_datetime_parsing": N_("expected a date such as 2026-12-31"),
    "date_parsing": N_("expected a date such as 2026-12-31"),
    "datetime_parsing": N_("expected a date and time such as 2026-12-31T09:00:00+08:00"),
    "string_too_short": N_("may not be empty"),
    "too_short": N_("may not be empty"),
}
#: Errors whose words name a bound pydantic gives in `ctx`.
BOUND_WORDS = {
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be greater than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
}
#: Errors whose words need the values pydantic names (`ctx`).
_CHOICES = frozenset({"enum", "literal_error"})


def _plain_words(error: Any) -> str:
    """One pydantic error in the words of a YAML file's author, in the run's language (a
    validator's own `ValueError` already is: its message is written with `_`)."""
    kind = error["type"]
    if kind in PLAIN_WORDS:
        return _(PLAIN_WORDS[kind])
    if kind in _CHOICES and "expected" in error.get("ctx", {}):
        # pydantic words the list ("'a', 'b' or 'c'"): the values alone read in any language
        choices = str(error["ctx"]["expected"]).replace(" or ", ", ")
        return _("expected one of {choices}").format(choices=choices)
    if kind in BOUND_WORDS and error.get("ctx"):
        return _(BOUND_WORDS[kind]).format(**error["ctx"])
    message: str = error["msg"]
    if kind in ("value_error", "assertion_error"):
        # a validator's own ValueError: its message is written with `_` already
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    # a rare type: pydantic's English kept, after a sentence in the run's language
    return _("invalid value ({detail})").format(detail=message)


def plain_words(error: Any) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in the run's language."""
    return _plain_words(error)


def _why(exc: OSError) -> str:
    """Why a file cannot be read, in the run's language."""
    return why(exc)


def _node_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def _field_path(loc: Loc) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _plain(value: Any) -> Any:
    """ruamel's round-trip containers as plain dicts and lists (pydantic wants real types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- obstacles --------------------------------------------------------------------------------


def load_obstacles(path: Path) -> Markers:
    """A user's obstacle markers (the format of the packaged obstacles.yaml), validated."""
    doc = YamlDocument(path)
    doc.mapping("obstacles")
    found: ObstaclesFile = doc.validate(ObstaclesFile, doc.data)
    return Markers(found.obstacles)


# --- sites ------------------------------------------------------------------------------------


class SitesFile(Frozen):
    sites: tuple[Site, ...]


def load_sites(path: Path) -> tuple[Site, ...]:
    """The portals of a `sites.yaml`, validated; ids are unique."""
    doc = YamlDocument(path)
    doc.mapping("sites")
    sites: tuple[Site, ...] = doc.validate(SitesFile, doc.data).sites
    if not sites:
        raise doc.error(doc.line_of(("sites",)), "sites", _("the list is empty"))
    reject_duplicates(doc, "sites", [s.id for s in sites])
    return sites


def site_lines(path: Path) -> dict[str, int]:
    """The 1-based line where each site of a valid `sites.yaml` starts, by id (SARIF locates a
    portal's findings there, so code scanning can show them on the file)."""
    doc = YamlDocument(path)
    items = doc.data.get("sites") if isinstance(doc.data, Mapping) else None
    lines: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        line = doc.line_of(("sites", index))
        if isinstance(item, Mapping) and isinstance(item.get("id"), str) and line is not None:
            lines.setdefault(item["id"], line)
    return lines


def reject_duplicates(doc: YamlDocument, key: str, ids: Iterable[str], field: str = "id") -> None:
    """Refuse a list (at `key`) whose items repeat an identity (`ids`, in list order); `field`
    names the item's identity field, or is "" when the identity is made of several."""
    seen: dict[str, int] = {}
    problems = []
    for index, ident in enumerate(ids):
        if ident in seen:
            where = f"{key}[{index}].{field}" if field else f"{key}[{index}]"
            problems.append(
                Problem(
                    doc.label,
                    doc.line_of((key, index, field) if field else (key, index)),
                    where,
                    _("duplicate {field} {value!r} (first at {first})").format(
                        field=field or _("entry"), value=ident, first=f"{key}[{seen[ident]}]"
                    ),
                )
            )
        seen.setdefault(ident, index)
    if problems:
        raise ConfigError(problems)


def select_sites(sites: Sequence[Site], wanted: Sequence[str]) -> tuple[Site, ...]:
    """The sites named by `--site` (all when none), or an error naming the unknown ones."""
    if not wanted:
        return tuple(sites)
    known = {s.id for s in sites}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ConfigError(
            [Problem("--site", None, "", suggest.unknown(_("site id"), u, known)) for u in unknown]
        )
    return tuple(s for s in sites if s.id in set(wanted))
