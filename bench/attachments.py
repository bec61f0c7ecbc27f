"""Cost of reading one attachment, by type and by library: what chose the readers.

    python bench/attachments.py            # 500-row rosters, 20-page PDF, 7 repetitions
    python bench/attachments.py --rows 2000 --reps 5

Files are generated the way tests make them (tests/support/office.py): a 花名册 of `--rows` rows
(name, ID, mobile, card, address) as .xlsx, .xls (BIFF8, as WPS .et), .docx (a table), Word 97
.doc (a table), and a PDF with the roster as a table. Each reader is timed in this process
(median of `--reps` runs after one warm-up), then gkaudit's own path is timed end to end through
the reader process (`Extractor.extract`: sniffing, pipe transfer, parse, text back). Libraries
not installed are skipped with a note. Loopback only: nothing here touches the network.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import office
from tests.support.numbers import CARDS, MOBILES, id18

from gkaudit.attachments import binary, ooxml, pdf
from gkaudit.attachments.limits import Limits
from gkaudit.attachments.worker import Extractor


def roster(rows: int) -> list[list[str]]:
    out = [["序号", "姓名", "身份证号码", "联系电话", "银行卡号", "家庭住址"]]
    for i in range(rows):
        born = f"19{50 + i % 50:02d}{1 + i % 12:02d}{1 + i % 28:02d}"
        out.append(
            [str(i + 1), f"居民{i}", id18("210202", born, f"{i % 1000:03d}"), MOBILES[i % 4],
             CARDS[i % 2], f"大连市中山区人民路{i}号"]
        )  # fmt: skip
    return out


def median_ms(fn: Callable[[bytes], object], data: bytes, reps: int) -> float:
    fn(data)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    table = roster(args.rows)
    files = {
        "xlsx": office.xlsx(table),
        "xls": office.xls(table),
        "docx": office.docx(["低保金发放花名册"], table),
        "doc": office.word97("低保金发放花名册\n" + "\n".join("\t".join(r) for r in table)),
        "pdf": office.pdf("低保金发放花名册", table),
    }
    limits = Limits()
    readers: dict[str, list[tuple[str, Callable[[bytes], object]]]] = {
        "xlsx": [("openpyxl read-only (chosen)", lambda d: ooxml.xlsx_text(d, limits))],
        "xls": [("xlrd (chosen)", lambda d: binary.xls_text(d, limits))],
        "docx": [("expat over the parts (chosen)", lambda d: ooxml.docx_text(d, limits))],
        "doc": [("olefile + piece table (chosen)", lambda d: binary.doc_text(d, limits))],
        "pdf": [("pypdf (chosen)", lambda d: pdf.pdf_text(d, limits))],
    }
    try:
        import python_calamine

        def calamine(data: bytes) -> object:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            return [book.get_sheet_by_index(0).to_python()]

        readers["xlsx"].append(("python-calamine (Rust wheel)", calamine))
        readers["xls"].append(("python-calamine (Rust wheel)", calamine))
    except ImportError:
        print("python-calamine not installed: skipped")
    try:
        import docx as python_docx

        def with_python_docx(data: bytes) -> object:
            document = python_docx.Document(io.BytesIO(data))
            cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
            return [p.text for p in document.paragraphs] + cells

        readers["docx"].append(("python-docx (lxml)", with_python_docx))
    except ImportError:
        print("python-docx not installed: skipped")
    try:
        from pdfminer.high_level import extract_text

        readers["pdf"].append(("pdfminer.six", lambda d: extract_text(io.BytesIO(d))))
    except ImportError:
        print("pdfminer.six not installed: skipped")

    print(f"\n{args.rows}-row roster, median of {args.reps} runs (ms, in this process)\n")
    print(f"{'type':6} {'bytes':>10}  {'reader':34} {'ms':>9}")
    for kind, data in files.items():
        for name, fn in readers[kind]:
            ms = median_ms(fn, data, args.reps)
            print(f"{kind:6} {len(data):>10,}  {name:34} {ms:>9.1f}")

    async def through_worker() -> None:
        extractor = Extractor()
        start = time.perf_counter()
        await extractor.extract(files["xls"])
        print(
            f"\nreader process start-up + first file: {(time.perf_counter() - start) * 1000:.0f} ms"
        )
        print(f"\n{'type':6} {'gkaudit Extractor.extract, end to end (ms)':>46}")
        for kind, data in files.items():
            times = []
            for _ in range(args.reps):
                got = await extractor.extract(data)
                assert got.error is None, got.error
                times.append(got.elapsed_ms)
            print(f"{kind:6} {statistics.median(times):>46.1f}")
        extractor.close()

    asyncio.run(through_worker())


if __name__ == "__main__":
    main()
