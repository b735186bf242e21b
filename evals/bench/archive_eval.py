"""The real-archive suites (BBC News, Reuters-21578) through the harness, beside llama-index.

.venv/bin/python -m evals.bench.archive_eval [--suites bbc,reuters] [--split test]
    [--systems extractive,local,judge,judge-shared,baseline] [--size N] [--limit N]

Each archive is ingested once as the one JSONL dump a user would bring (the whole of
it unless ``--size`` asks for a reduced one: the suite's gold articles plus a fixed
sample) into a cache outside the repository, reused while the dump and the code's
chunking settings are unchanged. Every system answers the same questions over the same
Chroma collection, embedding model and GGUF: ours with the extractive and the local
backend, and llama-index's ``CitationQueryEngine`` (evals/baseline.py).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from evals.archives import archive_path, write_reduced
from evals.bench.common import write
from evals.gold import load_suite
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.judge import LLMJudgeScorer
from rag.settings import Settings

SUITES = Path(__file__).resolve().parents[1] / "suites"
CACHE = Path.home() / ".cache" / "rag-news" / "bench"
INDEX_CODE = Path(__file__).resolve().parents[2] / "index"
SHOWN = ["correct", "crag", "abstain_unanswerable", "false_abstain", "hit@5", "citation_recall",
         "ungrounded_rate", "stitched_rate", "latency_p50_s"]  # fmt: skip


# Stories on a suite's subjects with other dates or figures, named by the suite's author
# (evals/suites/reuters.README.md): without them a reduced archive makes date-scoped
# questions easy.
DISTRACTORS = {
    "reuters": [f"reuters21578-{n}" for n in (49, 191, 1940, 3556, 4115, 5684, 5886, 7013, 8677, 11160, 12179,
                                              15026, 17180, 17374, 18463, 20752, 21547)],
}  # fmt: skip


def chunking_key() -> str:
    """What an index depends on besides its articles: the chunk settings and the code that
    reads articles (a dateline opening the text) and cuts them into sentences and chunks."""
    settings = Settings()
    code = b"".join((INDEX_CODE / f).read_bytes() for f in ("formats.py", "sentences.py", "chunker.py"))
    return f"{settings.chunk_chars}|{settings.chunk_overlap_sentences}|{hashlib.sha256(code).hexdigest()}"


def ingest_once(name: str, home: Path, done: Path, source: Callable[[], Path]) -> None:
    """Ingest ``source()`` into ``home`` unless ``done`` marks it as already there."""
    if not done.is_file():
        path = source()
        began = time.perf_counter()
        report = Assistant(Settings(home=home, llm="extractive")).ingest([path])
        done.write_text(f"{report.summary()}\n{time.perf_counter() - began:.0f} s\n")
    print(f"{name}: index in {home} ({done.read_text().strip()})")


def archive_home(name: str, size: int, titles: set[str]) -> Path:
    """An index of the archive (or of a reduced one), built once and cached."""
    dump = archive_path(name)
    key = f"{name}|{size}|{dump.stat().st_size}|{chunking_key()}"
    if size:
        key += "|" + "|".join(sorted(titles)) + "|" + "|".join(DISTRACTORS.get(name, ()))
    home = CACHE / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    ids = DISTRACTORS.get(name, ())
    ingest_once(
        name, home, home / "ingested",
        lambda: write_reduced(name, titles, home / "reduced.jsonl", size, ids=ids) if size else dump,
    )  # fmt: skip
    return home


def system(name: str, home: Path, loaded: dict[str, Assistant]):
    """Ours with a backend ("judge": the local one with the LLM judge's veto, asked in a
    llama.cpp context of its own; "judge-shared": asked in the answer's context, as
    before, evicting its cached prompt prefix), or the baseline; the local systems share
    one index and one loaded GGUF."""
    backend = "local" if name in ("baseline", "judge", "judge-shared") else name
    if backend not in loaded:
        loaded[backend] = Assistant(Settings(home=home, llm=backend))
    if name == "baseline":
        from evals.baseline import CitationBaseline

        return CitationBaseline(loaded["local"])
    if name == "judge":
        return loaded["local"].variant(judge="all")
    if name == "judge-shared":
        local = loaded["local"]  # its scorer is the lexical one (RAG_JUDGE off)
        judged = local.variant(judge="all")
        judged.scorer = LLMJudgeScorer(local.scorer, lambda: local.generator, mode="all")
        return judged
    return loaded[backend]


def sizes(spec: str, suites: list[str]) -> dict[str, int]:
    """ "4000" -> every suite 4000; "bbc=0,reuters=4000" -> per suite (0 for one not named)."""
    if "=" not in spec:
        return dict.fromkeys(suites, int(spec))
    given = {name.strip(): int(n) for name, n in (part.split("=", 1) for part in spec.split(","))}
    return {name: given.get(name, 0) for name in suites}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suites", default="bbc,reuters")
    parser.add_argument("--split", default="test", help="dev, test, or all")
    parser.add_argument("--systems", default="extractive,local,baseline")
    parser.add_argument(
        "--size", default="0",
        help="a reduced archive of N articles (0: the whole dump); per suite as bbc=0,reuters=4000",
    )  # fmt: skip
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    args = parser.parse_args(argv)
    results: dict[str, dict] = {}
    suites = args.suites.split(",")
    size_of = sizes(args.size, suites)
    for suite_name in suites:
        suite = SUITES / f"{suite_name}.jsonl"
        items = load_suite(suite, "" if args.split == "all" else args.split)[: args.limit or None]
        home = archive_home(suite_name, size_of[suite_name], {t for i in load_suite(suite) for t in i.titles})
        loaded: dict[str, Assistant] = {}
        scorer = system("extractive", home, loaded).scorer
        for name in args.systems.split(","):
            began = time.perf_counter()
            run = score(run_suite(system(name, home, loaded), items), scorer)
            results[f"{suite_name}/{name}"] = {**run.aggregate, "seconds": round(time.perf_counter() - began, 1)}
            print(f"{suite_name}/{name}: {len(items)} questions in {time.perf_counter() - began:.0f} s")
            write(
                f"archive_{suite_name}_{name}",
                {"aggregate": run.aggregate, "records": [r.to_dict() for r in run.records]},
            )
    print(f"split: {args.split}")
    print("suite/system            " + " ".join(f"{k[:10]:>10s}" for k in SHOWN))
    for key, agg in results.items():
        row = " ".join(f"{agg[k]:10.3f}" if isinstance(agg.get(k), float) else f"{'-':>10s}" for k in SHOWN)
        print(f"{key:23s} {row}")
    write("archive_eval", {"split": args.split, "size": size_of, "results": results})
    return results


if __name__ == "__main__":
    main()
