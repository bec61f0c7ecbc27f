"""The report of one run: its sites' results, the plans, the summary; the public JSON contract.

The JSON form of `Report` is the public contract `gkaudit.report/2`; a `gkaudit.report/1`
document (one plan) is read as the `/2` report it is (`Report.from_json`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Final, Literal, overload

from pydantic import (
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

from gkaudit import schema1
from gkaudit.base import Frozen, SiteKind, Status
from gkaudit.model.plans import Plan
from gkaudit.model.results import Result
from gkaudit.model.scores import Points, Rollup


class SiteReport(Frozen):
    """A site and every result about it, one per rule of the plan."""

    id: str
    name: str
    url: str
    kind: SiteKind
    results: tuple[Result, ...]
    #: Each scoring plan's roll-up of the results (`gkaudit.scoring`); none for a plan that
    #: marks no veto item and gives no points.
    rollup: tuple[Rollup, ...] = ()


class StoredSites(Sequence[SiteReport]):
    """A report's sites kept elsewhere (packed, on the run's `gkaudit.shelf.Shelf`), each made an
    object again as it is read: as objects a thousand portals' sites weighed 65 MB, packed 4 MB,
    so a report of a big run holds them this way and its readers see one site at a time. Each
    read gives a new (equal) object; a report read from JSON holds a tuple instead."""

    def __init__(self, count: int, read: Callable[[int], SiteReport]) -> None:
        self._count = count
        self._read = read

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> SiteReport: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SiteReport]: ...
    def __getitem__(self, index: int | slice) -> SiteReport | Sequence[SiteReport]:
        if isinstance(index, slice):
            return tuple(self._read(i) for i in range(*index.indices(self._count)))
        place = index + self._count if index < 0 else index
        if not 0 <= place < self._count:
            raise IndexError(index)
        return self._read(place)

    def __iter__(self) -> Iterator[SiteReport]:
        for index in range(self._count):
            yield self._read(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, so not hashable like one

    def __repr__(self) -> str:
        return f"StoredSites({self._count} sites)"

    @staticmethod
    def changed(
        sites: Sequence[SiteReport], change: Callable[[SiteReport], SiteReport]
    ) -> Sequence[SiteReport]:
        """Each of `sites` passed through `change`: stored sites as they are read (none is
        unpacked for it), others now."""
        if isinstance(sites, StoredSites):
            read = sites._read
            return StoredSites(len(sites), lambda index: change(read(index)))
        return tuple(change(site) for site in sites)


def _keep_stored(value: Any, validate: ValidatorFunctionWrapHandler) -> Any:
    return value if isinstance(value, StoredSites) else validate(value)


def _one_at_a_time(
    value: Sequence[SiteReport], serialize: SerializerFunctionWrapHandler, info: SerializationInfo
) -> Any:
    # written as a generator, so JSON is made a site at a time: no list of every site exists
    out = serialize(iter(value))
    return out if info.mode_is_json() else tuple(out)


class _SitesSchema:
    """Validated as a tuple of `SiteReport` (stored sites are taken as they are), serialized a
    site at a time; the same JSON Schema as `tuple[SiteReport, ...]`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        site = handler.generate_schema(SiteReport)
        return core_schema.no_info_wrap_validator_function(
            _keep_stored,
            core_schema.tuple_schema([site], variadic_item_index=0),
            serialization=core_schema.wrap_serializer_function_ser_schema(
                _one_at_a_time, info_arg=True, schema=core_schema.generator_schema(site)
            ),
        )


#: A report's sites: a tuple, or `StoredSites` read one at a time.
Sites = Annotated[Sequence[SiteReport], _SitesSchema]


class ToolInfo(Frozen):
    name: str = "gkaudit"
    version: str


class PlanRule(Frozen):
    """A rule as one plan lists it: a rule in two plans is cited by each its own way."""

    id: str
    title: str
    clause: str
    veto: bool = False
    points: Points | None = None


class PlanInfo(Frozen):
    """One plan a report was scanned against."""

    title: str
    document: str
    source: str
    #: The SHA-256 of the plan file; "" for a report of the `/1` schema, which did not record it.
    sha256: str = ""
    #: The plan's rules that were run, in its order.
    rules: tuple[PlanRule, ...] = ()

    @classmethod
    def of(cls, plan: Plan) -> PlanInfo:
        return cls(
            title=plan.title,
            document=plan.document,
            source=plan.source,
            sha256=plan.sha256,
            rules=tuple(
                PlanRule(id=r.id, title=r.title, clause=r.clause, veto=r.veto, points=r.points)
                for r in plan.rules
            ),
        )


class Summary(Frozen):
    """Counts of results by status over the whole report."""

    sites: int
    pass_: int = Field(0, alias="pass")
    fail: int = 0
    warn: int = 0
    error: int = 0
    skip: int = 0

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @classmethod
    def of(cls, sites: Iterable[SiteReport]) -> Summary:
        counts = dict.fromkeys(Status, 0)
        n = 0
        for site in sites:
            n += 1
            for result in site.results:
                counts[result.status] += 1
        return cls.counted(n, counts)

    @classmethod
    def counted(cls, sites: int, counts: Mapping[Status, int]) -> Summary:
        """The summary of `sites` sites with `counts` results of each status."""
        counts = {status: counts.get(status, 0) for status in Status}
        return cls(
            sites=sites,
            pass_=counts[Status.PASS],
            fail=counts[Status.FAIL],
            warn=counts[Status.WARN],
            error=counts[Status.ERROR],
            skip=counts[Status.SKIP],
        )

    def count(self, status: Status) -> int:
        return int(getattr(self, "pass_" if status is Status.PASS else status.value))


REPORT_SCHEMA: Final = "gkaudit.report/2"
#: The schemas a report file may have: this one, and `/1` (one plan), read as `/2`.
READABLE_SCHEMAS: Final = (REPORT_SCHEMA, schema1.SCHEMA)


#: How the document writes an empty top-level `sites` list, and where a site's lines start in it
#: (JSON text holds no raw line break inside a string, so its lines can be indented as a block).
_EMPTY_SITES: Final = '\n  "sites": []'
_SITE_INDENT: Final = "\n    "


class Report(Frozen):
    """Every result of one run, plus when, against which plans, with which tool version."""

    schema_: Literal["gkaudit.report/2"] = Field(REPORT_SCHEMA, alias="schema")
    tool: ToolInfo
    plans: tuple[PlanInfo, ...] = Field(min_length=1)
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime
    sites: Sites
    summary: Summary
    #: True when the run was interrupted: the sites listed are complete, the others are missing.
    #: Written only when true, so a complete report is exactly the documented schema.
    incomplete: bool = Field(False, exclude_if=lambda incomplete: not incomplete)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _read_schema_1(cls, data: Any) -> Any:
        return schema1.upgrade(data)

    @property
    def title(self) -> str:
        """The plans' titles, as a report's heading names them."""
        return " + ".join(plan.title for plan in self.plans)

    @property
    def document(self) -> str:
        """The plans' documents (大政公开办〔2022〕1号 + 国办秘函〔2019〕19号)."""
        return " + ".join(plan.document for plan in self.plans)

    def citations(self, rule: str) -> list[tuple[PlanInfo, PlanRule]]:
        """The plans that list `rule`, each with how it lists it (title, clause)."""
        return [(plan, entry) for plan in self.plans for entry in plan.rules if entry.id == rule]

    def to_json(self) -> str:
        """The `gkaudit.report/2` document."""
        return "".join(self.json_parts())

    def json_parts(self) -> Iterator[str]:
        """The text of `to_json` in parts, a site at a time: a thousand sites' document is 10 MB,
        and made whole it was held three times over (as made, as text, encoded) at the end of
        the run, its peak memory (bench/README.md, memory). Each site is written as the whole
        document writes it, indented to its place in the `sites` list."""
        frame = self.model_copy(update={"sites": ()}).model_dump_json(by_alias=True, indent=2)
        head, empty, tail = frame.partition(_EMPTY_SITES)
        if not empty:
            raise AssertionError("the report's JSON has no top-level sites list")
        yield head + _EMPTY_SITES[:-1]
        written = False
        for site in self.sites:
            text = site.model_dump_json(by_alias=True, indent=2).replace("\n", _SITE_INDENT)
            yield ("," if written else "") + _SITE_INDENT + text
            written = True
        yield ("\n  ]" if written else "]") + tail + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        return cls.model_validate_json(text)

    def results(self) -> Iterator[tuple[SiteReport, Result]]:
        """Every (site, result) pair, in report order (a site at a time: see `StoredSites`)."""
        return ((site, result) for site in self.sites for result in site.results)
