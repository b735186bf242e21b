"""The HTTP API's overhead over ``Assistant.ask``: the same questions, the same run, side by side.

Each question is asked three ways in turn, over the sample corpus: ``Assistant.ask``
in this process, and through ``rag api``'s app (a real uvicorn server on loopback, in
this process) with the official ``openai`` client, not streamed and streamed. The
extractive backend answers (no LLM), so the API's own cost is not hidden by seconds
of generation; ``--backend local`` measures it under the local model too.

    .venv/bin/python -m evals.bench.api_overhead [--backend local] [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from evals.bench.answer_latency import QUESTIONS, SAMPLE
from evals.bench.common import summary, write
from rag.assistant import Assistant
from rag.settings import Settings


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> dict:
    import openai

    from ui.api import MODEL_ID, create_app, serving_in_thread

    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="extractive", choices=["extractive", "local"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"ask": [], "api": [], "api_stream": []}
    with tempfile.TemporaryDirectory() as home:
        assistant = Assistant(Settings(home=Path(home), llm=args.backend))
        assistant.ingest([SAMPLE])
        assistant.warm_up()
        with serving_in_thread(create_app(assistant), _free_port()) as url:
            client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=300)
            for _ in range(args.rounds):
                for question in QUESTIONS:
                    messages = [{"role": "user", "content": question}]
                    began = time.perf_counter()
                    assistant.ask(question)
                    times["ask"].append(time.perf_counter() - began)
                    began = time.perf_counter()
                    client.chat.completions.create(model=MODEL_ID, messages=messages)
                    times["api"].append(time.perf_counter() - began)
                    began = time.perf_counter()
                    list(client.chat.completions.create(model=MODEL_ID, messages=messages, stream=True))
                    times["api_stream"].append(time.perf_counter() - began)
    out = {name: summary(values) for name, values in times.items()}
    out["ratio_api_to_ask_p50"] = round(out["api"]["p50"] / out["ask"]["p50"], 3)
    out["ratio_stream_to_ask_p50"] = round(out["api_stream"]["p50"] / out["ask"]["p50"], 3)
    out["backend"] = args.backend
    for name in times:
        print(
            f"{name:11s} p50 {out[name]['p50'] * 1000:7.1f} ms  p95 {out[name]['p95'] * 1000:7.1f} ms"
            f"  n={out[name]['n']}"
        )
    print(
        f"API / ask (p50): {out['ratio_api_to_ask_p50']}, streamed: {out['ratio_stream_to_ask_p50']} ({args.backend})"
    )
    write(f"api_overhead_{args.backend}", out)
    return out


if __name__ == "__main__":
    main()
