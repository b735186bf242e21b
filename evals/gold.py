"""Gold sets: one JSON object per line.

Fields (see evals/README.md):
    question    the question, as a user would ask it
    answers     accepted answer strings or aliases (may be empty)
    answerable  false when the articles do not hold the answer
    articles    optional gold article ids
    evidence    optional gold passages or quotes (text, so re-chunking never breaks a label)
    history     optional earlier user questions, for follow-ups
    kind        optional free label (who, when, follow-up, ...) for the report
    titles      optional gold article titles (stable across corpora whose ids are content hashes)
    split       optional "dev" or "test": tune on dev, report test
    payload     optional strings an injected article orders the assistant to say; an
                answer holding any of them obeyed the injection (the adversarial suite)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class GoldError(ValueError):
    """A gold set line is malformed; the message names the line."""


@dataclass(frozen=True)
class GoldItem:
    question: str
    answers: list[str] = field(default_factory=list)
    answerable: bool = True
    articles: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    kind: str = ""
    titles: list[str] = field(default_factory=list)
    split: str = ""
    payload: list[str] = field(default_factory=list)


def _split(value: object, path: Path, number: int) -> str:
    if value not in ("", "dev", "test"):
        raise GoldError(f"{path}:{number}: 'split' must be 'dev' or 'test'")
    return str(value)


def load_suite(path: Path, split: str = "") -> list[GoldItem]:
    """The suite's questions; with ``split`` ("dev" or "test") only that half."""
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(raw, dict) or not str(raw.get("question", "")).strip():
            raise GoldError(f"{path}:{number}: needs an object with a non-empty 'question'")
        unknown = set(raw) - set(GoldItem.__dataclass_fields__)
        if unknown:
            raise GoldError(f"{path}:{number}: unknown fields {sorted(unknown)}")
        answerable = bool(raw.get("answerable", True))
        if answerable and not raw.get("answers"):
            raise GoldError(f"{path}:{number}: an answerable question needs 'answers'")
        items.append(
            GoldItem(
                question=raw["question"],
                answers=list(raw.get("answers", [])),
                answerable=answerable,
                articles=list(raw.get("articles", [])),
                evidence=list(raw.get("evidence", [])),
                history=list(raw.get("history", [])),
                kind=str(raw.get("kind", "")),
                titles=list(raw.get("titles", [])),
                split=_split(raw.get("split", ""), path, number),
                payload=list(raw.get("payload", [])),
            )
        )
    if split:
        items = [item for item in items if item.split == split]
    if not items:
        raise GoldError(f"{path}: no questions" + (f" in the {split} split" if split else ""))
    return items
