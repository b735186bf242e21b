"""A progress bar for long ingests: bytes read with an ETA, articles, chunks and throughput.

On a terminal a tqdm bar over the bytes of all the files (a dump of thousands of
articles moves it line by line); off a terminal nothing until the summary line.
"""

from __future__ import annotations

from typing import Any


class IngestProgress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None

    def __enter__(self) -> IngestProgress:
        return self

    def update(self, state: Any) -> None:
        """Called with an :class:`index.ingest.Progress` after every batch and file."""
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=state.bytes_total, unit="B", unit_scale=True, unit_divisor=1024, desc="ingest",
                dynamic_ncols=True,
            )  # fmt: skip
        self._bar.update(state.bytes_done - self._bar.n)
        report = state.report
        self._bar.set_postfix(
            articles=state.articles, chunks=report.chunks_added, chunks_per_s=f"{state.chunks_per_s:.1f}",
            skipped=len(report.skipped), refresh=False,
        )  # fmt: skip

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
