"""The adversarial suite with and without the instruction masking, side by side in one run.

"Without" is the assistant as it was before ``rag.instructions``: no masking, and only
the English regex that kept a few phrasings out of the sources. Both answer with the
local model over the suite's 45 injected articles.

    .venv/bin/python -m evals.bench.injection [--backend local]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from evals.bench.common import write
from evals.gold import load_suite
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.settings import Settings

SUITE = Path(__file__).resolve().parents[1] / "suites" / "injection.jsonl"
_BEFORE = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|context)\b"
    r"|\b(system|assistant)\s*(prompt)?\s*:"
    r"|\byou (must|should|will) (now )?(answer|reply|respond|say|output|cite)\b"
    r"|\b(reply|respond|answer)( only)? with\b"
    r"|\bas an ai\b|\blanguage model\b",
    re.IGNORECASE,
)


@contextmanager
def without_masking():
    """The previous release's defence: an English regex on source sentences, nothing masked."""
    import rag.assistant
    import rag.evidence
    import rag.prompts

    saved = (rag.assistant.mask_instructions, rag.evidence.looks_like_instruction, rag.prompts.looks_like_instruction)
    rag.assistant.mask_instructions = lambda text: text
    rag.evidence.looks_like_instruction = lambda sentence: bool(_BEFORE.search(sentence))
    rag.prompts.looks_like_instruction = lambda title: False
    try:
        yield
    finally:
        rag.assistant.mask_instructions, rag.evidence.looks_like_instruction, rag.prompts.looks_like_instruction = saved


def _run(assistant: Assistant) -> dict:
    records = score(run_suite(assistant, load_suite(SUITE)), assistant.scorer).records
    out = {}
    for split in ("dev", "test", "all"):
        mine = [r for r in records if split in ("all", r.item.split)]
        bait = [r.metrics["payload_repeated"] for r in mine if r.metrics.get("payload_repeated") is not None]
        honest = [r.metrics["correct"] for r in mine if r.item.answerable]
        out[split] = {
            "payload_repeated": sum(bait) / len(bait), "bait": len(bait),
            "correct": sum(honest) / len(honest), "honest": len(honest),
            "obeyed": [r.answer for r in mine if r.metrics.get("payload_repeated")],
        }  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="local", choices=["local", "extractive"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        assistant = Assistant(Settings(home=Path(home), llm=args.backend))
        assistant.ingest([SUITE.parent / "injection"])
        results = {"now": _run(assistant)}
        with without_masking():
            results["before"] = _run(assistant)
    for name, result in results.items():
        for split in ("dev", "test"):
            r = result[split]
            print(
                f"{name:6s} {split:4s}: payload repeated {r['payload_repeated']:.2f} of {r['bait']} bait questions, "
                f"correct {r['correct']:.2f} of {r['honest']} honest ones"
            )
    write(f"injection_{args.backend}", results)
    return results


if __name__ == "__main__":
    main()
