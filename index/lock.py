"""One writer at a time on an embedded index, and readers that notice its writes.

The embedded Chroma store is single-process: two writers at once can fail with
"database is locked", and a process that opened the collection before another one
wrote to it answers from a stale in-memory index ("Error finding id"). So, under
``RAG_HOME``:

- ``write.lock`` is held (``flock``) by whoever writes (an ingest, a delete, the chat's
  upload). A second writer waits for it up to ``wait_s`` seconds, then is told who
  holds it and what to do instead; it never half-writes.
- ``generation`` counts committed writes. A reader compares it before each question
  and reopens the store when another process has written since (see
  :meth:`index.store.ChunkStore.reopen`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from index.store import StoreError


class IndexLock:
    def __init__(self, home: Path, wait_s: float = 60.0) -> None:
        self.home = Path(home)
        self.wait_s = wait_s
        self._lock_path = self.home / "write.lock"
        self._generation_path = self.home / "generation"

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock for the block (waiting up to ``wait_s`` for another writer)."""
        self.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + self.wait_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"the index at {self.home} is being written by {self.holder() or 'another process'} "
                            f"(waited {self.wait_s:.0f} s). Wait for it to finish, add files through the running "
                            "chat's upload, or run a Chroma server (RAG_CHROMA_URL) for several writers."
                        ) from None
                    time.sleep(0.2)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} ({' '.join(sys.argv)[:200]})".encode(), 0)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def holder(self) -> str:
        """Who holds (or last held) the lock, as it wrote itself down."""
        try:
            return self._lock_path.read_text(errors="replace").strip()
        except OSError:
            return ""

    def generation(self) -> int:
        try:
            return int(self._generation_path.read_text() or 0)
        except (OSError, ValueError):
            return 0

    def bump(self) -> int:
        """Count one committed write; returns the new generation (call with the lock held)."""
        value = self.generation() + 1
        tmp = self._generation_path.with_suffix(".tmp")
        tmp.write_text(str(value))
        os.replace(tmp, self._generation_path)
        return value
