"""Finished site reports, kept compact until the run's report is built.

Why: a run keeps every finished site's `SiteReport` for the final report, and as pydantic
objects one is 65-90 KB (about 10 KB of JSON): at 1,000 portals they were a fifth of the peak
memory, and the largest term growing with the sites done (bench/README.md, scale). Pickled and
compressed one is about 4 KB. Pickle gives back the very objects that went in (no validation
run again, no masking applied twice), and the fast compression level costs about 0.2 ms a site.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator

from gkaudit.model import SiteReport


class Shelf:
    """Site reports by their place in the run's site list, stored packed."""

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}

    def put(self, index: int, report: SiteReport) -> None:
        self._packed[index] = zlib.compress(pickle.dumps(report, pickle.HIGHEST_PROTOCOL), 1)

    def __len__(self) -> int:
        return len(self._packed)

    def reports(self) -> Iterator[SiteReport]:
        """The reports in the order of their indexes, each unpacked as it is reached."""
        for index in sorted(self._packed):
            report = pickle.loads(zlib.decompress(self._packed[index]))
            if not isinstance(report, SiteReport):  # only `put` writes here
                raise TypeError(f"shelf entry {index}: {type(report).__name__}")
            yield report
