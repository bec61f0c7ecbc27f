"""Focused parse benchmark: decode + parse of the fleet's pages, beside bare selectolax.

    python bench/parse.py                 # the fleet's 34 page shapes, UTF-8 and GBK
    python bench/parse.py --src /tmp/copy/src   # the same for another checkout (A/B)

Figures per page, CPU median and p90 over every page and repeat, all in one run:
  bare      selectolax's own cost: parse, and href + text of every <a href>
  parse     gkaudit.html.parse: decode + parse (what fetching a page costs the engine), with
            the collector at Python's defaults
  parse, engine's collector
            the same under the collector settings `Engine.run` scans with (`gc.freeze()`,
            gen-0 threshold 10,000): what a scan pays
  parse, UTF-8 pages / GBK pages
            the engine's-collector figure for each half of the pages
  parse+use the same as parse, then every link's date and label read (what a content rule that
            walks a whole list pays on top)
No network: the pages come from bench/fleet.py's renderer.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, help="import gkaudit from this src directory")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if args.src:
        sys.path.insert(0, str(args.src.resolve()))
    sys.path.insert(0, str(Path(__file__).parent))
    from selectolax.lexbor import LexborHTMLParser

    import fleet
    import gkaudit.html as html

    spec = fleet.Spec(portals=4, pages=60)
    pageset = fleet.build_pages(spec)
    renderer = fleet.Renderer(spec, pageset, 8000)
    pages: list[tuple[bytes, str, str]] = []
    for index in (0, 3):  # portal 3 is GBK
        ctype = renderer.content_type(index).decode()
        for path in pageset.paths:
            body = renderer.render(index, path)
            assert body is not None
            pages.append((body, f"http://{spec.host(index)}:8000{path}", ctype))

    def bare(body: bytes, url: str, ctype: str) -> None:
        tree = LexborHTMLParser(body)
        for node in tree.css("a[href]"):
            node.attrs.get("href")
            node.text()

    def parse(body: bytes, url: str, ctype: str) -> object:
        return html.parse(body, url, ctype)

    def parse_use(body: bytes, url: str, ctype: str) -> None:
        doc = parse(body, url, ctype)
        for link in doc.links:  # type: ignore[attr-defined]
            link.date  # noqa: B018
            link.label  # noqa: B018

    try:
        from gkaudit.engine import _quiet_collector as engine_collector
    except ImportError:  # an older checkout (--src): its engine did not tune the collector
        engine_collector = contextlib.nullcontext

    out: dict[str, object] = {
        "pages": len(pages),
        "bytes_median": statistics.median(len(b) for b, _, _ in pages),
        "links_median": statistics.median(len(parse(*p).links) for p in pages),  # type: ignore[attr-defined]
    }
    utf8 = [i for i, (body, _, ctype) in enumerate(pages) if html.decode(body, ctype)[1] == "utf-8"]

    def figures(samples: list[float]) -> dict[str, float]:
        return {
            "ms_median": round(statistics.median(samples) * 1e3, 3),
            "ms_p90": round(statistics.quantiles(samples, n=10)[-1] * 1e3, 3),
        }

    def measure(fn: Callable[[bytes, str, str], object]) -> list[list[float]]:
        samples: list[list[float]] = [[] for _ in pages]
        for _ in range(args.repeat):
            for i, page in enumerate(pages):
                t0 = time.process_time()
                fn(*page)
                samples[i].append(time.process_time() - t0)
        return samples

    for name, fn in (("bare", bare), ("parse", parse), ("parse+use", parse_use)):
        out[name] = figures([t for page in measure(fn) for t in page])
    with engine_collector():
        per_page = measure(parse)
    out["parse, engine's collector"] = figures([t for page in per_page for t in page])
    out["parse, UTF-8 pages"] = figures([t for i in utf8 for t in per_page[i]])
    out["parse, GBK pages"] = figures(
        [t for i in range(len(pages)) if i not in utf8 for t in per_page[i]]
    )
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
