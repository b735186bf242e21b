"""The replay harness's rule switches: each names a rule that exists, and switches it off."""

from __future__ import annotations

import pytest

import rag.assistant
import rag.verify
from evals.bench.replay import RULES, Replay
from rag.answer_kind import Asked


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_switch_patches_something_that_exists(rule):
    with RULES[rule]():  # mock.patch.object raises when a rule's function was renamed
        pass


def test_a_switched_off_rule_is_off_inside_and_back_after():
    asked = Asked.of("What profit did Time Warner report for 2005?")
    assert not rag.assistant.states_the_years(asked, [])
    with RULES["years"]():
        assert rag.assistant.states_the_years(asked, [])
    assert not rag.assistant.states_the_years(asked, [])
    with RULES["subject"]():
        assert rag.verify.off_subject(asked, "An article about BP.") == []
    assert rag.verify.off_subject(asked, "An article about BP.") == ["time", "warner"]


def test_the_replayed_generator_gives_each_question_its_recorded_draft():
    replay = Replay({"Who won?": "Maroon 5 won [1]."})
    assert "".join(replay.generate("Who won?", [])) == "Maroon 5 won [1]."


def test_a_metric_the_suite_has_no_questions_for_prints_as_a_dash():
    """RGB has no unanswerable questions: its abstention rate is None, which crashed the table."""
    from evals.bench.replay import _row

    assert _row({"correct": 0.5, "abstain_unanswerable": None}, ["correct", "abstain_unanswerable"]).split() == [
        "0.500",
        "-",
    ]
