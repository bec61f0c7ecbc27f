"""Scan history in SQLite: every run, its sites and its results with evidence, for 整改 tracking.

`store` records and reads runs; `schema` is the file (versioned migrations, WAL, write
transactions); `timeline` is the trend maths (streaks, last changes) of one (site, rule).
"""

from gkaudit.history.schema import MIGRATIONS, HistoryError
from gkaudit.history.store import HistoryStore, default_db_path
from gkaudit.history.timeline import Entry, Run

__all__ = ["MIGRATIONS", "Entry", "HistoryError", "HistoryStore", "Run", "default_db_path"]
