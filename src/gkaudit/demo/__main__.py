"""``python -m gkaudit.demo``: serve the demo fleet until Ctrl-C."""

from __future__ import annotations

import argparse
import datetime as dt

from gkaudit.demo.fleet import serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m gkaudit.demo",
        description="Serve the gkaudit demo fleet on 127.0.0.1 and ::1 until Ctrl-C.",
    )
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        help="the day the portals' dates count back from (default: today)",
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=30.0,
        help="how long the slow portal takes to answer (default: 30)",
    )
    args = parser.parse_args(argv)
    serve_forever(args.as_of, slow_seconds=args.slow_seconds)


if __name__ == "__main__":
    main()
