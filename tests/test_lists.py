"""Concise list answers: one sentence naming everyone, each name cited and verified on its own.

Fast tests with a hashing embedder; tests/test_end_to_end.py asks the real model the
Paris question and checks the same of its answer.
"""

from __future__ import annotations

from evals.gold import GoldItem
from evals.metrics import citation_metrics
from evals.records import Record
from rag.assistant import _with_markers
from rag.lists import cited_list, what_was_done
from rag.types import Answer, AnswerSentence, Citation, CitedItem
from rag.verify import verify_answer
from tests.test_one_source import ev, scorer
from ui.render import answer_markdown

QUESTION = "Who attended the Paris talks?"
PARIS = "In Paris, the talks brought Marco Rubio and Steve Witkoff to Emmanuel Macron."
KYIV = "The Paris talks also drew Andriï Sybiga and Roustem Oumerov from Kyiv."
TRIP = "Rubio will speak with his French counterpart, Jean-Noël Barrot, before heading to Africa."


def test_a_sentence_whose_items_carry_their_own_markers_is_read_as_a_list():
    listed = cited_list("The mayor, Ann Doucet [1], the singer Zaz [3] and Thierry Frémaux [3], were at the opening.")
    assert [(i.text, i.markers) for i in listed.items] == [
        ("The mayor, Ann Doucet", [1]),
        ("the singer Zaz", [3]),
        ("Thierry Frémaux", [3]),
    ]
    assert listed.items[1].claim == "the singer Zaz were at the opening."
    assert listed.written(["the singer Zaz", "Thierry Frémaux"]) == (
        "the singer Zaz and Thierry Frémaux, were at the opening."
    )
    opened = cited_list("The festival was opened by Ann Doucet [1] and Rachida Dati [2].")
    assert opened.head == "The festival was opened by "
    assert [i.claim for i in opened.items] == [
        "The festival was opened by Ann Doucet.",
        "The festival was opened by Rachida Dati.",
    ]


def test_a_bare_list_claims_what_the_question_says_was_done():
    listed = cited_list("Marco Rubio [1], Andriï Sybiga [2].", QUESTION)
    assert [i.claim for i in listed.items] == [
        "Marco Rubio attended the Paris talks.",
        "Andriï Sybiga attended the Paris talks.",
    ]
    assert what_was_done("Which officials went to Paris?") == "went to Paris"
    # Whom, not who: the question's subject did it, not the list's items.
    assert what_was_done("Who will Rubio speak with?") == ""
    assert what_was_done("Who is Barrot?") == ""
    assert what_was_done("Which two box-office flops dragged down profits?") == ""
    assert cited_list("Marco Rubio [1], Andriï Sybiga [2].", "Who will Rubio speak with?").items[0].claim == (
        "Marco Rubio."
    )


def test_sentences_that_are_not_lists_are_left_whole():
    assert cited_list("Macron [3] met with Witkoff [2] and Rubio [1].") is None  # a clause, not an item
    assert cited_list("Witkoff [1], who met Putin [2], will fly to Paris.") is None
    assert cited_list("Rubio and Witkoff flew to France [1][2].") is None  # markers only at the end
    assert cited_list("The delegation was led by 2 [1] and 3 [2].") is None  # items name nothing


def test_each_item_stands_on_its_own_source_and_the_others_are_left_out():
    evidence = [ev(PARIS, "paris-story"), ev(KYIV, "kyiv-story"), ev(TRIP, "trip-story")]
    draft = "Marco Rubio [1], Andriï Sybiga [2], Jean-Noël Barrot [3] and Roustem Oumerov [2]."
    got = verify_answer(draft, evidence, scorer(), QUESTION, keep_unsupported=True)
    listed, barrot = got.sentences
    assert listed.supported and listed.text == "Marco Rubio, Andriï Sybiga and Roustem Oumerov."
    assert [(i.text, i.citations) for i in listed.items] == [
        ("Marco Rubio", [1]),
        ("Andriï Sybiga", [2]),
        ("Roustem Oumerov", [2]),
    ]
    assert listed.citations == [1, 2]
    # Barrot's source never speaks of Paris: he is left out, with the reason.
    assert not barrot.supported and barrot.text == "Jean-Noël Barrot attended the Paris talks."
    assert "left out: Jean-Noël Barrot" in listed.reason


def test_an_item_cited_to_the_wrong_source_is_moved_to_the_one_that_names_it():
    evidence = [ev(PARIS, "paris-story"), ev(KYIV, "kyiv-story")]
    got = verify_answer("Marco Rubio [1] and Andriï Sybiga [1].", evidence, scorer(), QUESTION)
    assert [(i.text, i.citations) for i in got.sentences[0].items] == [("Marco Rubio", [1]), ("Andriï Sybiga", [2])]
    # Control: an item no source names is left out, not moved.
    got = verify_answer("Marco Rubio [1] and Olaf Scholz [1].", evidence, scorer(), QUESTION)
    assert [i.text for i in got.sentences[0].items] == ["Marco Rubio"]
    assert "Scholz" not in got.sentences[0].text


def test_a_list_whose_items_all_fail_is_not_shown():
    evidence = [ev(TRIP, "trip-story")]
    got = verify_answer("Olaf Scholz [1] and Jean-Noël Barrot [1].", evidence, scorer(), QUESTION)
    assert got.abstained and got.sentences == []


LISTED = AnswerSentence(
    "Marco Rubio, Andriï Sybiga and Roustem Oumerov attended.",
    [4, 7],
    True,
    0.8,
    items=[
        CitedItem("Marco Rubio", [4], "Marco Rubio attended."),
        CitedItem("Andriï Sybiga", [7], "Andriï Sybiga attended."),
        CitedItem("Roustem Oumerov", [7], "Roustem Oumerov attended."),
    ],
)


def test_a_list_is_written_with_each_items_markers_after_it():
    assert _with_markers(LISTED) == "Marco Rubio [4], Andriï Sybiga [7] and Roustem Oumerov [7] attended."
    renumbered = LISTED.renumbered({4: 1, 7: 2})
    assert _with_markers(renumbered) == "Marco Rubio [1], Andriï Sybiga [2] and Roustem Oumerov [2] attended."
    # A sentence without items keeps its markers at its end.
    plain = AnswerSentence("Rubio met Macron.", [1, 2], True, 0.9)
    assert _with_markers(plain) == "Rubio met Macron [1][2]."
    answer = Answer(QUESTION, "", False, sentences=[renumbered])
    shown = answer_markdown(answer)
    assert shown.index("Marco Rubio") < shown.index('href="#cite-1"') < shown.index("Andriï Sybiga")


def test_an_evaluation_scores_each_item_against_its_own_source():
    """The stitched-sentence metric sees each item's claim apart: a list citing two
    articles is not stitched, but an item its own source does not hold is ungrounded."""

    def record(sentence: AnswerSentence) -> Record:
        citations = [
            Citation(1, "paris-story", "T", PARIS, 0, len(PARIS), "c1", PARIS, 0),
            Citation(2, "kyiv-story", "T", KYIV, 0, len(KYIV), "c2", KYIV, 0),
        ]
        answer = Answer(QUESTION, _with_markers(sentence), False, citations=citations, sentences=[sentence])
        return Record.from_answer(GoldItem(question=QUESTION, answers=["Rubio"]), answer, [])

    good = AnswerSentence(
        "Marco Rubio and Andriï Sybiga attended.", [1, 2], True, 0.8,
        items=[CitedItem("Marco Rubio", [1], "Marco Rubio attended."),
               CitedItem("Andriï Sybiga", [2], "Andriï Sybiga attended.")],
    )  # fmt: skip
    got = record(good)
    assert [s["text"] for s in got.sentences] == ["Marco Rubio attended.", "Andriï Sybiga attended."]
    metrics = citation_metrics(got, scorer())
    assert metrics["stitched_rate"] == 0.0 and metrics["ungrounded_rate"] == 0.0
    # Negative control: Sybiga cited to the Paris story, which does not name him.
    swapped = AnswerSentence(
        good.text, [1], True, 0.8,
        items=[CitedItem("Marco Rubio", [1], "Marco Rubio attended."),
               CitedItem("Andriï Sybiga", [1], "Andriï Sybiga attended.")],
    )  # fmt: skip
    assert citation_metrics(record(swapped), scorer())["ungrounded_rate"] == 0.5


def test_the_list_benchmark_counts_names_given_and_names_cited_to_a_quote_that_holds_them():
    from evals.bench.list_answers import list_metrics

    citations = [
        Citation(1, "paris-story", "T", PARIS, 0, len(PARIS), "c1", PARIS, 0),
        Citation(2, "kyiv-story", "T", KYIV, 0, len(KYIV), "c2", KYIV, 0),
    ]
    gold = ["Marco Rubio", "Andriï Sybiga", "Roustem Oumerov", "Jens Plötner"]
    good = LISTED.renumbered({4: 1, 7: 2})
    got = list_metrics(Answer(QUESTION, _with_markers(good), False, citations=citations, sentences=[good]), gold)
    assert got["recall"] == 0.75 and got["all_named"] == 0.0 and got["sentences"] == 1.0
    assert got["cited_apart"] == 1.0
    # Negative control: every name cited to the Paris story, which names only Rubio.
    wrong = LISTED.renumbered({4: 1, 7: 1})
    got = list_metrics(Answer(QUESTION, _with_markers(wrong), False, citations=citations, sentences=[wrong]), gold)
    assert got["cited_apart"] == 1 / 3
    # One sentence citing both at its end: each name's citation is the sentence's.
    plain = AnswerSentence("Marco Rubio, Andriï Sybiga and Roustem Oumerov attended.", [1, 2], True, 0.8)
    got = list_metrics(Answer(QUESTION, _with_markers(plain), False, citations=citations, sentences=[plain]), gold)
    assert got["cited_apart"] == 1.0
    abstained = list_metrics(Answer(QUESTION, "The articles do not say.", True), gold)
    assert abstained["recall"] == 0.0 and abstained["answered"] == 0.0
