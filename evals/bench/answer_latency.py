"""Answer latency of the local model: end to end versus the bare llama.cpp call.

For each question of a fixed list over the sample corpus, the assistant answers
(retrieve, select evidence, generate, verify); then the same prompt goes to the
same llama.cpp model directly, with no retrieval and no verification. Both run in
this process, one after the other, so the ratio is measured side by side.

    .venv/bin/python -m evals.bench.answer_latency
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from evals.bench.common import peak_rss_mb, summary, write
from rag.assistant import Assistant
from rag.evidence import select_evidence
from rag.prompts import build_messages
from rag.settings import Settings
from rag.types import Sources

QUESTIONS = [
    "Who attended the Paris talks?",
    "Where will Witkoff fly on Saturday?",
    "Who is the French foreign minister?",
    "What did Witkoff propose to broker a ceasefire?",
    "How many civilians were killed in Soumy?",
    "Who did Witkoff meet before coming to France?",
    "What will the talks in France focus on?",
    "Who opposed Witkoff's plan?",
    "How many countries make up the coalition of the willing?",
    "What is the capital of Australia?",
]
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def main() -> dict:
    with tempfile.TemporaryDirectory() as home:
        assistant = Assistant(Settings(home=Path(home), llm="local"))
        assistant.ingest([SAMPLE])
        gen = assistant.generator
        warm_up = assistant.warm_up()  # both models loaded, the prompt's fixed prefix evaluated

        totals, firsts, sources, previews, bare, rows = [], [], [], [], [], []
        for question in QUESTIONS:
            gen.warm_up()  # the cache holds the fixed prefix, not the last question's prompt
            events = list(assistant.stream(question))
            answer = events[-1]
            previews.append(any(isinstance(e, Sources) and e.preview is not None for e in events))
            totals.append(answer.timings.total)
            if answer.timings.first_token is not None:
                firsts.append(answer.timings.first_token)
            if answer.timings.first_source is not None:
                sources.append(answer.timings.first_source)
            if answer.abstained and not answer.raw_answer:
                rows.append((question, answer.timings.total, None))
                continue
            # The same prompt, straight to llama.cpp.
            evidence = select_evidence(
                question, assistant.search(question), assistant.embedder, assistant.settings.evidence_sentences
            )
            # Same cache state as the assistant's call had: the fixed prefix cached, this
            # question's part not (otherwise llama.cpp would reuse the whole prompt).
            gen.warm_up()
            began = time.perf_counter()
            gen._load().create_chat_completion(
                messages=build_messages(question, evidence), max_tokens=gen.max_tokens, temperature=0.0
            )
            bare_s = time.perf_counter() - began
            bare.append(bare_s)
            rows.append((question, answer.timings.total, bare_s))

    paired = [(t, b) for _, t, b in rows if b]
    result = {
        "warm_up_s": round(warm_up, 2),
        "answer_total_s": summary(totals),
        "first_token_s": summary(firsts) if firsts else None,
        "first_source_s": summary(sources) if sources else None,
        "questions_with_a_preview": sum(previews),
        "bare_llama_cpp_s": summary(bare) if bare else None,
        "ratio_end_to_end_over_bare": round(sum(t for t, _ in paired) / sum(b for _, b in paired), 3)
        if paired
        else None,
        "peak_rss_mb": peak_rss_mb(),
        "questions": [{"question": q, "total_s": round(t, 2), "bare_s": b and round(b, 2)} for q, t, b in rows],
    }
    path = write("answer_latency", result)
    print(f"answer latency over {len(QUESTIONS)} questions (local model, 2 threads):")
    print(f"  end to end   p50 {result['answer_total_s']['p50']:.2f}s  p95 {result['answer_total_s']['p95']:.2f}s")
    if sources:
        print(f"  first source p50 {result['first_source_s']['p50']:.2f}s  p95 {result['first_source_s']['p95']:.2f}s")
    if firsts:
        print(f"  first token  p50 {result['first_token_s']['p50']:.2f}s  p95 {result['first_token_s']['p95']:.2f}s")
    if bare:
        print(
            f"  bare llama   p50 {result['bare_llama_cpp_s']['p50']:.2f}s  ratio {result['ratio_end_to_end_over_bare']}"
        )
    print(f"  a verified preview with the sources on {sum(previews)} of {len(QUESTIONS)} questions")
    print(f"  warm-up {result['warm_up_s']}s, peak RSS {result['peak_rss_mb']} MB -> {path}")
    return result


if __name__ == "__main__":
    main()
