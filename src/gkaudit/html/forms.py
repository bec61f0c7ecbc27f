"""The forms of a page, as a browser would submit them: where to, how, and with which fields.

Only what a check needs to find a site search and ask it one question: the action (absolute),
the method, the fields in order with their type and preset value, and the words a visitor sees
on the form (button labels, placeholders, titles): a search box is often a bare text field
with a magnifier image for its button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from gkaudit.html.items import collapse

__all__ = ["Field", "Form", "forms_of"]

#: Input types a visitor types a query into (no type is "text").
TEXT_TYPES = frozenset({"", "text", "search"})


class Field(NamedTuple):
    name: str
    type: str  # lower case: "text", "hidden", "submit"...; "textarea", "select" for those
    value: str


class Form(NamedTuple):
    """One ``<form>``: its absolute http(s) action (the page itself when it names none)."""

    action: str
    method: str  # "get" or "post"
    fields: tuple[Field, ...]
    words: str  # visible text, placeholders, button values, titles and image alts
    charset: str  # its accept-charset ("" when it names none: the page's encoding applies)

    def text_fields(self) -> list[Field]:
        """The fields a visitor types into."""
        return [f for f in self.fields if f.type in TEXT_TYPES or f.type == "textarea"]


def forms_of(
    tree: LexborHTMLParser, resolve: Callable[[str | None], str | None], page_url: str
) -> tuple[Form, ...]:
    found: list[Form] = []
    for node in tree.css("form"):
        attrs = node.attrs
        action = resolve(attrs.get("action")) or page_url
        method = "post" if (attrs.get("method") or "").strip().lower() == "post" else "get"
        fields: list[Field] = []
        words = [node.text(separator=" ")]
        for item in node.css("input, textarea, select, button, img"):
            item_attrs = item.attrs
            words += [item_attrs.get(k) or "" for k in ("placeholder", "title", "alt")]
            if item.tag == "img":
                continue
            kind = item.tag
            if kind == "input":
                kind = (item_attrs.get("type") or "").strip().lower()
                if kind in ("submit", "button", "image"):
                    words.append(item_attrs.get("value") or "")
            name = (item_attrs.get("name") or "").strip()
            if name:
                fields.append(Field(name, kind or "", item_attrs.get("value") or ""))
        charset = (attrs.get("accept-charset") or "").strip().split()[:1]
        found.append(
            Form(action, method, tuple(fields), collapse(" ".join(words)), "".join(charset))
        )
    return tuple(found)
