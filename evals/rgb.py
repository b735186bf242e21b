"""The RGB benchmark (Chen et al. 2023, en_fact split) as a corpus and a gold set.

RGB is CC BY-NC-SA 4.0 and is used here for evaluation only; it is read from
``../shared/benchmarks/rgb/`` at run time and never copied into the project.
Every positive and negative passage of every item becomes one article; each query
becomes a gold question whose evidence is its item's positive passages. Items with an
even id are the dev half (rules may be read from their misses), odd ids the test half.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# ../shared/ beside the repository (as on the developers' machines and in CI);
# RAG_RGB_SOURCE points elsewhere.
DEFAULT_SOURCE = Path(
    os.environ.get("RAG_RGB_SOURCE")
    or Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "rgb" / "en_fact.jsonl"
)


def gold_answers(raw) -> list[str]:
    """An item's ``answer`` flattened: a string, or a list of lists of spellings."""
    if isinstance(raw, str):
        return [raw]
    flat: list[str] = []
    for part in raw:
        flat.extend(part if isinstance(part, list) else [part])
    return [str(a) for a in flat]


def build(source: Path, out_dir: Path) -> tuple[Path, Path]:
    """Write ``out_dir/corpus/*.txt`` and ``out_dir/rgb.jsonl``; return both paths."""
    corpus = out_dir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    suite = out_dir / "rgb.jsonl"
    with suite.open("w", encoding="utf-8") as gold:
        for line in source.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            for kind in ("positive", "negative"):
                for j, passage in enumerate(item[kind]):
                    (corpus / f"{item['id']:03d}-{kind}-{j}.txt").write_text(passage, encoding="utf-8")
            gold.write(
                json.dumps(
                    {
                        "question": item["query"],
                        "answers": gold_answers(item["answer"]),
                        "answerable": True,
                        "evidence": [" ".join(p.split()) for p in item["positive"]],
                        "kind": "rgb",
                        "split": "dev" if item["id"] % 2 == 0 else "test",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return corpus, suite
