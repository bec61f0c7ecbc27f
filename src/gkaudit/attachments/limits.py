"""The caps one attachment lives under, and the error a file that breaks them gets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    #: Bytes of text kept per file: more than any roster, less than a memory problem.
    max_chars: int = 2_000_000
    #: Bytes a zip (xlsx, docx) may unpack to, all parts together, as their headers declare
    #: them; Python's zipfile stops at the declared size, so a lying header cannot go further.
    max_unpacked: int = 100_000_000
    #: Parts a zip may hold (a roster has a dozen; a bomb may have millions).
    max_members: int = 5_000
    #: Pages read from a PDF.
    max_pdf_pages: int = 300
    #: Seconds one file may take in the worker before it is killed.
    timeout: float = 20.0
    #: Address space of the worker process: a parser that allocates without end stops here.
    max_memory: int = 2_000_000_000


class Unreadable(Exception):
    """A file that cannot be read, with the reason said for people (goes into evidence)."""
