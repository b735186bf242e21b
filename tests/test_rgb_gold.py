"""RGB as a corpus and a gold set: one article per passage, and fixed dev and test halves."""

from __future__ import annotations

import json

from evals.gold import load_suite
from evals.rgb import build


def test_even_ids_are_the_dev_half_and_odd_ids_the_test_half(tmp_path):
    source = tmp_path / "en_fact.jsonl"
    rows = [
        {"id": n, "query": f"Question {n}?", "answer": [[f"A{n}", f"a{n}"]], "positive": [f"P{n}."],
         "negative": [f"N{n}.", f"M{n}."]}
        for n in range(4)
    ]  # fmt: skip
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))

    corpus, suite = build(source, tmp_path / "out")

    assert len(list(corpus.glob("*.txt"))) == 12
    assert [i.question for i in load_suite(suite, "dev")] == ["Question 0?", "Question 2?"]
    assert [i.question for i in load_suite(suite, "test")] == ["Question 1?", "Question 3?"]
    assert load_suite(suite, "dev")[0].answers == ["A0", "a0"]
