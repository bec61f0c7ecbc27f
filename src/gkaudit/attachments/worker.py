"""Readers run in child processes under a deadline and a memory cap.

A pure-Python parser stuck in a loop cannot be interrupted from a thread, so each file goes to
a worker process that is killed when the file's time is up (and replaced for the next one);
the worker's address space is capped too, so a parser that allocates without end fails there.
The scan awaits a thread that waits on the worker, so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import time
import weakref
from dataclasses import dataclass
from typing import IO, Any

from gkaudit import i18n
from gkaudit.attachments.limits import Limits, Unreadable
from gkaudit.attachments.sniff import FileKind, sniff
from gkaudit.i18n import _


@dataclass(frozen=True)
class Extracted:
    """What reading one file gave: its kind and text, or why it could not be read."""

    kind: FileKind | None
    text: str = ""
    error: str | None = None
    elapsed_ms: float = 0.0


def _send(stream: IO[bytes], message: object) -> None:
    blob = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(blob)) + blob)
    stream.flush()


def _recv(stream: IO[bytes]) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    return pickle.loads(stream.read(size))  # our own child's answer, never the network's


def serve() -> None:
    """The worker's loop: (kind, data, limits, language) in on stdin, ("ok"|"error", text) out on
    stdout; the reasons a file is unreadable are in the language of the run that asked."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library that prints must not corrupt the channel
    from gkaudit.attachments.readers import read

    limited = False
    while True:
        try:
            kind, data, limits, language = _recv(stdin)
        except EOFError:
            return
        i18n.use(language)
        if not limited:
            try:
                import resource

                resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory, limits.max_memory))
            except (ImportError, ValueError, OSError):
                pass  # not on this platform: the deadline still holds
            limited = True
        try:
            _send(stdout, ("ok", read(kind, data, limits)))
        except Unreadable as exc:
            _send(stdout, ("error", str(exc)))
        except Exception as exc:  # a reader's bug must cost one file, not the worker
            _send(
                stdout,
                ("error", _("reader failed: {error}").format(error=f"{type(exc).__name__}: {exc}")),
            )


class _Worker:
    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "gkaudit.attachments.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        return self._process

    def call(self, kind: FileKind, data: bytes) -> tuple[str, str]:
        process = self._process or self._start()
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            _send(process.stdin, (kind, data, self._limits, i18n.current()))
            ready, _w, _x = select.select([process.stdout], [], [], self._limits.timeout)
            if ready:
                result: tuple[str, str] = _recv(process.stdout)
                return result
        except (EOFError, OSError, pickle.UnpicklingError):
            self.stop()
            return ("error", _("the reader died (out of memory or crashed)"))
        self.stop()
        return (
            "error",
            _("reading took longer than {seconds:g} s").format(seconds=self._limits.timeout),
        )

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait(5)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()


class Extractor:
    """Reads attachments in `workers` child processes (started on first use)."""

    def __init__(self, limits: Limits | None = None, workers: int = 1) -> None:
        self.limits = limits or Limits()
        self._all = [_Worker(self.limits) for _n in range(workers)]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for w in self._all:
            self._idle.put(w)
        # files wait here, not in threads: a queue of blocked threads would starve the loop's
        # default executor, which other code shares
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._gates = weakref.WeakKeyDictionary()
        atexit.register(self.close)

    def _read(self, kind: FileKind, data: bytes) -> tuple[str, str]:
        worker = self._idle.get()
        try:
            return worker.call(kind, data)
        finally:
            self._idle.put(worker)

    async def extract(self, data: bytes) -> Extracted:
        """The kind and text of `data` (sniffed from its bytes), or the reason it is unreadable."""
        started = time.perf_counter()
        kind = sniff(data)
        if kind is None:
            return Extracted(None, error=_("not a spreadsheet, Word document or PDF by its bytes"))
        loop = asyncio.get_running_loop()
        gate = self._gates.setdefault(loop, asyncio.Semaphore(len(self._all)))
        async with gate:
            status, payload = await asyncio.to_thread(self._read, kind, data)
        elapsed = (time.perf_counter() - started) * 1000
        if status == "ok":
            return Extracted(kind, payload, elapsed_ms=elapsed)
        return Extracted(kind, error=payload, elapsed_ms=elapsed)

    def close(self) -> None:
        for w in self._all:
            w.stop()


_shared: Extractor | None = None


def shared() -> Extractor:
    """The extractor of this process: reader processes per run (one per core, two at most),
    not per site."""
    global _shared
    if _shared is None:
        _shared = Extractor(workers=max(1, min(2, os.cpu_count() or 1)))
    return _shared


if __name__ == "__main__":
    serve()
