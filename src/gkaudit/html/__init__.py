"""Decode a page once, parse it once, and extract what the checks look at.

The package by idea: :mod:`~gkaudit.html.decoding` (bytes to text as browsers do),
:mod:`~gkaudit.html.urls` (hrefs to absolute URLs), :mod:`~gkaudit.html.scripts` (redirects,
written scripts, Hanweb datastores, ``onclick``), :mod:`~gkaudit.html.items` (a link's text,
label and item date), :mod:`~gkaudit.html.parser` (the one pass), and
:mod:`~gkaudit.html.document` (what the checks receive).
"""

from gkaudit.html.decoding import decode
from gkaudit.html.document import Document, Link, LinkKey, recurring_links
from gkaudit.html.parser import parse, parse_text
from gkaudit.html.urls import FILE_SUFFIXES, is_file_url

__all__ = [
    "FILE_SUFFIXES",
    "Document",
    "Link",
    "LinkKey",
    "decode",
    "is_file_url",
    "parse",
    "parse_text",
    "recurring_links",
]
