"""One parse of a decoded page, extracting everything a check needs in the same pass (links with
their text, label and date; frames; meta refresh; JavaScript redirects; the CMS publication
date; visible text), so a check never re-parses.

Nothing here raises on bad input: a page of garbage bytes gives a :class:`Document` with few
or no links.
"""

from __future__ import annotations

import datetime as dt

from selectolax.lexbor import LexborHTMLParser, LexborNode

from gkaudit.dates import parse_dates
from gkaudit.html.decoding import decode, encoding_of
from gkaudit.html.document import Document, Link
from gkaudit.html.forms import forms_of
from gkaudit.html.items import (
    ANCESTOR_DEPTH,
    MULTIPLE,
    TAG_A,
    TOP_TAGS,
    Ancestor,
    ItemDates,
    collapse,
    label_of,
    link_text,
    raw_text,
)
from gkaudit.html.scripts import (
    JS_TYPES,
    js_redirect_target,
    onclick_target,
    refresh_target,
    unwrap_datastores,
    written_scripts,
)
from gkaudit.html.urls import Resolver

__all__ = ["parse", "parse_text"]


def _meta_date(content: str) -> dt.date | None:
    found = parse_dates(content)
    return found[0] if found else None


def parse(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    today: dt.date | None = None,
) -> Document:
    """Decode ``body`` (see :func:`decode`) and parse it as the page at ``url``.

    ``today`` (the run's ``--as-of``) resolves the year of short item dates such as
    ``[11-20]``; see :func:`parse_text`. Never raises on bad bytes.
    """
    encoding, bom = encoding_of(body, content_type)
    if encoding == "utf-8" and b"datastore>" not in body:
        # Lexbor reads UTF-8 as it came, and selectolax puts U+FFFD for the bytes it cannot
        # decode in whatever it hands back, as decoding first would: the page is not decoded
        # (nor re-encoded) at all.
        return _parse("", body[bom:] if bom else body, url, encoding, today)
    text, encoding = decode(body, content_type, (encoding, bom))
    return _parse(text, None, url, encoding, today)


def parse_text(
    text: str, url: str, encoding: str = "utf-8", *, today: dt.date | None = None
) -> Document:
    """Parse already decoded HTML as the page at ``url``.

    ``encoding`` is recorded in the document and used to percent-encode non-ASCII query
    strings of links, as browsers do. A link's short date (``[11-20]``) takes its year from
    the date in the link's URL (``t20261120_…``), else from ``today``; and the year before
    when the date would lie after ``today``. Without ``today``: from the page's ``pub_date``,
    else its newest full date.
    """
    return _parse(text, None, url, encoding, today)


def _parse(
    text: str, utf8: bytes | None, url: str, encoding: str, today: dt.date | None
) -> Document:
    """`parse_text`, given the UTF-8 of ``text`` when the caller has it."""
    if utf8 is None:
        # Lexbor works on UTF-8 either way; encoding it ourselves with "replace" keeps a str
        # holding lone surrogates from raising.
        utf8 = unwrap_datastores(text).encode("utf-8", "replace")
    tree = LexborHTMLParser(utf8)

    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = Resolver(url, encoding)(base_node.attrs.get("href")) or url
    resolve = Resolver(base, encoding)
    page_url = url.partition("#")[0]

    refresh: str | None = None
    pub_date: dt.date | None = None
    meta_names: set[str] = set()
    site_code: str | None = None
    column_metas: dict[str, str] = {}
    for meta in tree.css("meta"):
        attrs = meta.attrs
        if name := (attrs.get("name") or "").strip().lower():
            meta_names.add(name)
        content = attrs.get("content")
        if not content:
            continue
        if site_code is None and name == "siteidcode":
            site_code = content.strip()
        elif name in ("columnname", "columntype"):
            column_metas.setdefault(name, content.strip())
        if refresh is None and (attrs.get("http-equiv") or "").strip().lower() == "refresh":
            target = resolve(refresh_target(content))
            if target != page_url:
                refresh = target
        elif pub_date is None and name in ("pubdate", "firstpublishedtime"):
            pub_date = _meta_date(content)

    title_node = tree.css_first("title")
    title = collapse(title_node.text()) if title_node is not None else ""

    frames = tuple(
        src
        for node in tree.css("frame[src], iframe[src]")
        if (src := resolve(node.attrs.get("src"))) is not None
    )

    script_redirect: str | None = None
    scripts: list[tuple[str, str | None]] = []
    for script in tree.css("script"):
        attrs = script.attrs
        if attrs.get("src") is not None:
            if (src := resolve(attrs.get("src"))) is not None:
                scripts.append((src, attrs.get("sitecode")))
            continue
        kind = (attrs.get("type") or "").strip().lower()
        if kind not in JS_TYPES and "javascript" not in kind:
            continue
        code = script.text()
        scripts.extend(
            (src, code_attr)
            for written, code_attr in written_scripts(code)
            if (src := resolve(written)) is not None
        )
        if script_redirect is not None:
            continue
        target = resolve(js_redirect_target(code))
        if target is not None and target != page_url:
            script_redirect = target
    tree.strip_tags(["script", "style", "template"])

    # Pass 1: resolve, and record for every ancestor which URL it leads to (or several).
    found: list[tuple[LexborNode, str, list[Ancestor]]] = []
    link_holders: dict[int, object] = {}
    # Asked of the tree (attribute names are lower case there): three searches of the bytes
    # cost ten times as much.
    clickable = tree.any_css_matches(("[onclick]",))
    listed: set[int] = set()  # a selector list gives an <a href onclick> twice
    for node in tree.css("a[href], area[href], [onclick]" if clickable else "a[href], area[href]"):
        if clickable:
            key = node.mem_id
            if key in listed:
                continue
            listed.add(key)
        attrs = node.attrs
        link_url = resolve(attrs.get("href"))
        if link_url is None:
            # A click that only a script follows (href="javascript:void(0)" onclick=
            # "window.open('/zqsk/')"; a clickable <li>), unless it wraps real links.
            link_url = resolve(onclick_target(attrs.get("onclick")))
            if link_url is None or (node.tag_id != TAG_A and node.css_first("a[href]") is not None):
                continue
        ancestors: list[Ancestor] = []
        parent = node.parent
        while parent is not None and len(ancestors) < ANCESTOR_DEPTH:
            tag = parent.tag_id
            if tag in TOP_TAGS:
                break
            key = parent.mem_id
            ancestors.append((parent, key, tag))
            holder = link_holders.get(key)
            if holder is MULTIPLE:
                # Whoever made it so also marked everything above it: a list item of a
                # 100-item list costs two steps, not eight.
                break
            if holder is None:
                link_holders[key] = link_url
            elif holder != link_url:
                link_holders[key] = MULTIPLE
            parent = parent.parent
        found.append((node, link_url, ancestors))

    forms = forms_of(tree, resolve, page_url)
    images = [
        (src, collapse(image.attrs.get("alt") or ""))
        for image in tree.css("img[src]")
        if (src := resolve(image.attrs.get("src"))) is not None
    ]
    with_images: set[int] = set()
    for image in tree.css("a[href] img"):
        parent = image.parent
        while parent is not None and parent.tag_id != TAG_A:
            parent = parent.parent
        if parent is not None:
            with_images.add(parent.mem_id)

    def body_text() -> str:
        body = tree.body
        return body.text(separator=" ") if body is not None else ""

    item_dates = ItemDates(link_holders, pub_date, today, body_text)
    new_link = tuple.__new__  # Link(...) without NamedTuple's keyword handling
    links: list[Link] = []
    for node, link_url, ancestors in found:
        raw = raw_text(node, bool(with_images) and node.mem_id in with_images)
        links.append(
            new_link(
                Link,
                (
                    link_url,
                    link_text(node, raw),
                    label_of(node, ancestors, link_holders),
                    item_dates.date(node, link_url, ancestors, raw),
                ),
            )
        )

    tree.strip_tags(["noscript"])
    return Document(
        url=url,
        encoding=encoding,
        title=title,
        text=collapse(body_text()),
        links=tuple(links),
        frames=frames,
        refresh=refresh,
        script_redirect=script_redirect,
        pub_date=pub_date,
        meta_names=frozenset(meta_names),
        site_code=site_code,
        column_name=column_metas.get("columnname") or None,
        column_type=column_metas.get("columntype") or None,
        scripts=tuple(scripts),
        images=tuple(images),
        forms=forms,
    )
