"""Optional LLM-judge tier: claim-level faithfulness checked by an OpenAI-compatible model.

Runs only when an endpoint is configured (``OPENAI_BASE_URL``); otherwise the report
says, loudly, that the tier was skipped. The offline metrics never depend on it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from evals.records import Record

PROMPT = """Passage:
{passage}

Claim: {claim}

Is every fact in the claim stated in the passage? Answer with one word: yes or no."""


def judge(records: Sequence[Record], model: str, timeout: float = 60.0) -> dict[str, Any]:
    base_url = os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        return {"skipped": True, "reason": "no OpenAI-compatible endpoint configured (set OPENAI_BASE_URL)"}
    import openai

    client = openai.OpenAI(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY") or "none", timeout=timeout)
    yes = total = 0
    try:
        for record in records:
            for sentence in record.sentences:
                passage = "\n".join(record.citations.get(n, "") for n in sentence["citations"])
                reply = client.chat.completions.create(
                    model=model, temperature=0.0, max_tokens=3,
                    messages=[{"role": "user", "content": PROMPT.format(passage=passage, claim=sentence["text"])}],
                )  # fmt: skip
                total += 1
                yes += (reply.choices[0].message.content or "").strip().lower().startswith("yes")
    except openai.OpenAIError as exc:
        return {"skipped": True, "reason": f"the judge endpoint failed: {exc}"}
    return {"skipped": False, "faithfulness": round(yes / total, 4) if total else None, "claims": total}
