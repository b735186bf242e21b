"""What the llama.cpp build and its switches buy in time to the first token.

The prompts are the assistant's own: for each question of ``answer_latency`` over the
sample corpus, the evidence it selects (8 sentences) in the chat prompt it sends. Each
configuration (a llama-cpp-python build, flash attention off or on) runs in its own
process, the model loaded and its fixed prompt prefix evaluated, then every prompt
streamed with the prefix cached and the rest not, as in ``Assistant.stream``. The
configurations take turns round by round, so that the machine's load falls on all of
them alike. Reported: time to the first token and to the whole answer (p50/p95), prompt
tokens per second, and how many answers are word for word the first configuration's.

    .venv/bin/python -m evals.bench.llama_build [--builds avx2=/tmp/llama-avx2] [--rounds 2]

A build directory is a llama-cpp-python installed with ``pip install --target DIR``
(for instance one compiled with the old fixed flags,
``CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"``); the
installed build is always measured, as ``installed``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.bench.common import summary, write


def prompts(sources: int) -> list[list[dict[str, str]]]:
    from evals.bench.answer_latency import QUESTIONS, SAMPLE
    from rag.assistant import Assistant
    from rag.evidence import select_evidence
    from rag.prompts import build_messages
    from rag.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(Settings(data_dir=Path(tmp), llm="extractive"))
        assistant.ingest([SAMPLE])
        out = []
        for question in QUESTIONS:
            evidence = select_evidence(question, assistant.search(question), assistant.embedder, sources)
            if evidence:
                out.append(build_messages(question, evidence))
    return out


def worker(spec: dict) -> dict:
    """In a fresh process: load the model with the given switches and time every prompt."""
    import llama_cpp

    from rag.llm import make_generator
    from rag.settings import Settings

    # The assistant's own generator: the same llama.cpp settings, prefix and decoding.
    gen = make_generator(Settings(llm="local", llm_flash_attention=spec["flash"]))
    rows = []
    for messages in spec["prompts"]:
        gen.warm_up()  # the cached state the assistant has: the fixed prefix, not the last prompt
        began, first, text = time.perf_counter(), None, []
        for piece in gen.stream_chat(messages, gen.max_tokens):
            first = first if first is not None else time.perf_counter() - began
            text.append(piece)
        total = time.perf_counter() - began
        rows.append({"first": first if first is not None else total, "total": total, "text": "".join(text)})
    return {"system_info": llama_cpp.llama_print_system_info().decode(), "rows": rows}


def run_config(build: str | None, flash: bool, messages: list) -> dict:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(x for x in (build, root, env.get("PYTHONPATH")) if x)
    spec = json.dumps({"flash": flash, "prompts": messages})
    done = subprocess.run(
        [sys.executable, "-m", "evals.bench.llama_build", "--worker"], input=spec, capture_output=True,
        text=True, env=env, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"configuration build={build} flash={flash} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", default="", help="name=DIR,... other llama-cpp-python builds")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(sys.stdin.read()))))
        return {}

    builds = {"installed": None} | dict(item.split("=", 1) for item in args.builds.split(",") if item)
    configs = [(name, flash) for name in builds for flash in (False, True)]
    messages = prompts(args.sources)
    firsts: dict = {c: [] for c in configs}
    totals: dict = {c: [] for c in configs}
    texts: dict = {c: [] for c in configs}
    infos: dict = {}
    for _ in range(args.rounds):
        for name, flash in configs:
            got = run_config(builds[name], flash, messages)
            infos[name] = got["system_info"]
            firsts[(name, flash)] += [r["first"] for r in got["rows"]]
            totals[(name, flash)] += [r["total"] for r in got["rows"]]
            texts[(name, flash)] = [r["text"] for r in got["rows"]]
    reference = texts[configs[0]]
    results = []
    print(f"{len(messages)} prompts x {args.rounds} rounds, {args.sources} source sentences, p50 / p95 in seconds:")
    for name, flash in configs:
        same = sum(a == b for a, b in zip(texts[(name, flash)], reference, strict=True))
        row = {
            "build": name, "flash_attention": flash, "system_info": infos[name],
            "first_token_s": summary(firsts[(name, flash)]), "answer_s": summary(totals[(name, flash)]),
            "same_answer_as_first": f"{same}/{len(reference)}",
        }  # fmt: skip
        results.append(row)
        ft, tt = row["first_token_s"], row["answer_s"]
        print(
            f"  {name:10} flash {'on ' if flash else 'off'}  first token {ft['p50']:.2f} {ft['p95']:.2f}"
            f"  answer {tt['p50']:.2f} {tt['p95']:.2f}  same answers {row['same_answer_as_first']}"
        )
    for name, info in infos.items():
        print(f"  {name}: {info}")
    out = {"prompts": len(messages), "rounds": args.rounds, "sources": args.sources, "configs": results}
    print("->", write("llama_build", out))
    return out


if __name__ == "__main__":
    main()
