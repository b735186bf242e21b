"""A progress bar for long ingests: files, articles, chunks and throughput (quiet off a terminal)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


class IngestProgress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._began = time.perf_counter()

    def __enter__(self) -> IngestProgress:
        if self.enabled:
            from tqdm import tqdm

            self._bar = tqdm(unit=" files", desc="ingest", dynamic_ncols=True)
        return self

    def update(self, path: Path, report: Any) -> None:
        if self._bar is None:
            return
        elapsed = max(time.perf_counter() - self._began, 1e-6)
        self._bar.update(1)
        self._bar.set_postfix(
            articles=len(report.added) + len(report.replaced) + len(report.unchanged),
            chunks=report.chunks_added, chunks_per_s=f"{report.chunks_added / elapsed:.1f}",
            skipped=len(report.skipped), refresh=False,
        )  # fmt: skip

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
