"""Finished site reports, kept compact, and the report's view of them.

Why: a run keeps every finished site's `SiteReport` for the final report, and as pydantic
objects one is 65-90 KB (about 10 KB of JSON): at 1,000 portals they were a fifth of the peak
memory, and the largest term growing with the sites done (bench/README.md, scale). Pickled and
compressed one is about 4 KB. Pickle gives back the very objects that went in (no validation
run again, no masking applied twice), and the fast compression level costs about 0.2 ms a site.
The report reads them from here one at a time (`StoredSites`), and the summary is counted as
they come in, so a run's sites are never all objects at once.
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter

from gkaudit.model import SiteReport, Status, StoredSites, Summary


class Shelf:
    """Site reports by their place in the run's site list, stored packed."""

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}
        self._counts: Counter[Status] = Counter()

    def put(self, index: int, report: SiteReport) -> None:
        self._packed[index] = zlib.compress(pickle.dumps(report, pickle.HIGHEST_PROTOCOL), 1)
        self._counts.update(result.status for result in report.results)

    def __len__(self) -> int:
        return len(self._packed)

    def __contains__(self, index: object) -> bool:
        return index in self._packed

    def sites(self) -> StoredSites:
        """The reports shelved so far, in the order of their indexes, each unpacked as read."""
        packed = [self._packed[index] for index in sorted(self._packed)]
        return StoredSites(len(packed), lambda place: _unpack(packed[place]))

    def summary(self) -> Summary:
        """The counts of the reports shelved so far."""
        return Summary.counted(len(self._packed), self._counts)


def _unpack(packed: bytes) -> SiteReport:
    report = pickle.loads(zlib.decompress(packed))
    if not isinstance(report, SiteReport):  # only `put` writes here
        raise TypeError(f"shelf entry: {type(report).__name__}")
    return report
