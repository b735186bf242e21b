"""Answer latency of the local model: end to end versus the bare llama.cpp call.

For each question of a fixed list over the sample corpus, the assistant answers
(retrieve, select evidence, generate, verify); then the same prompt goes to the
same llama.cpp model directly, streamed, with no retrieval and no verification. Both
run in this process, one after the other, so the ratios are measured side by side:
time to the first source (the sources event of ``Assistant.stream``), to the first
model token, and to the whole answer, each beside the bare call's.

The same prompt is also sent with the sources written as the release before wrote them
(date and heading repeated on every sentence): what writing them once per article buys.

``--sources 8,4`` repeats the measurement with that many source sentences in the
prompt (``RAG_EVIDENCE_SENTENCES``): what fewer sources buy in time to first token.

    .venv/bin/python -m evals.bench.answer_latency [--sources 8]
"""

from __future__ import annotations

import argparse
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


def bare_call(gen, messages) -> tuple[float, float]:
    """(seconds to the first token, seconds to the whole answer) of llama.cpp alone, streamed."""
    began, first = time.perf_counter(), None
    for chunk in gen._load().create_chat_completion(
        messages=messages, max_tokens=gen.max_tokens, temperature=0.0, stream=True
    ):
        if first is None and chunk["choices"][0]["delta"].get("content"):
            first = time.perf_counter() - began
    total = time.perf_counter() - began
    return (first if first is not None else total), total


def context_on_every_line(evidence) -> str:
    """The prompt's sources as the release before wrote them: date and heading repeated on
    every sentence, no blank line between articles (what writing them once buys)."""
    lines = []
    for n, ev in enumerate(evidence, start=1):
        context = ", ".join(x for x in (ev.date, ev.heading) if x)
        quote = " ".join(ev.quote.split())
        lines.append(f"[{n}] ({context}) {quote}" if context else f"[{n}] {quote}")
    return "\n".join(lines)


def measure(assistant: Assistant, sources_in_prompt: int) -> dict:
    assistant.settings = assistant.settings.model_copy(update={"evidence_sentences": sources_in_prompt})
    gen = assistant.generator
    totals, firsts, sources, previews, bare, bare_firsts, rows = [], [], [], [], [], [], []
    repeated_firsts = []
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
        evidence = select_evidence(question, assistant.search(question), assistant.embedder, sources_in_prompt)
        # Same cache state as the assistant's call had: the fixed prefix cached, this
        # question's part not (otherwise llama.cpp would reuse the whole prompt).
        gen.warm_up()
        first_s, bare_s = bare_call(gen, build_messages(question, evidence))
        bare.append(bare_s)
        bare_firsts.append(first_s)
        gen.warm_up()
        repeated_firsts.append(bare_call(gen, build_messages(question, evidence, context_on_every_line))[0])
        rows.append((question, answer.timings.total, bare_s))
    paired = [(t, b) for _, t, b in rows if b]
    return {
        "sources_in_prompt": sources_in_prompt,
        "answer_total_s": summary(totals),
        "first_token_s": summary(firsts) if firsts else None,
        "first_source_s": summary(sources) if sources else None,
        "questions_with_a_preview": sum(previews),
        "bare_llama_cpp_s": summary(bare) if bare else None,
        "bare_first_token_s": summary(bare_firsts) if bare_firsts else None,
        "bare_first_token_context_on_every_line_s": summary(repeated_firsts) if repeated_firsts else None,
        "ratio_end_to_end_over_bare": round(sum(t for t, _ in paired) / sum(b for _, b in paired), 3)
        if paired
        else None,
        "questions": [{"question": q, "total_s": round(t, 2), "bare_s": b and round(b, 2)} for q, t, b in rows],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", default="8", help="source sentences in the prompt, one run each: 8,4")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        assistant = Assistant(Settings(home=Path(home), llm="local"))
        assistant.ingest([SAMPLE])
        warm_up = assistant.warm_up()  # both models loaded, the prompt's fixed prefix evaluated
        runs = [measure(assistant, int(n)) for n in args.sources.split(",")]
    result = {"warm_up_s": round(warm_up, 2), "peak_rss_mb": peak_rss_mb(), "runs": runs}
    path = write("answer_latency", result)
    print(f"answer latency over {len(QUESTIONS)} questions (local model, 2 threads), p50 / p95 in seconds:")
    for run in runs:
        print(f"  {run['sources_in_prompt']} source sentences in the prompt:")
        for label, key in [("first source", "first_source_s"), ("first token", "first_token_s"),
                           ("bare first token", "bare_first_token_s"),
                           ("  date every line", "bare_first_token_context_on_every_line_s"),
                           ("end to end", "answer_total_s"),
                           ("bare llama.cpp", "bare_llama_cpp_s")]:  # fmt: skip
            if run[key]:
                print(f"    {label:17s} {run[key]['p50']:6.2f} {run[key]['p95']:6.2f}")
        print(f"    ratio end to end / bare {run['ratio_end_to_end_over_bare']}; "
              f"a verified preview on {run['questions_with_a_preview']} of {len(QUESTIONS)}")  # fmt: skip
    print(f"  warm-up {result['warm_up_s']}s, peak RSS {result['peak_rss_mb']} MB -> {path}")
    return result


if __name__ == "__main__":
    main()
