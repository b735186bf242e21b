"""Sources that disagree: found when they say the same thing with another value, not otherwise."""

from __future__ import annotations

import pytest

from index.similarity import near_duplicate
from rag.answer_kind import Asked
from rag.assistant import Assistant
from rag.conflicts import find_conflicts
from rag.printing import format_answer
from rag.settings import Settings
from rag.types import Evidence
from ui.render import answer_markdown


def source(article: str, quote: str, date: str | None = None) -> Evidence:
    return Evidence(article, f"Story {article}", quote, 0, len(quote), f"{article}-1", quote, 0, 0.5, date)


BRIDGE = "The Kelso harbour bridge will reopen to traffic on {}, the county council said."


def test_two_dates_for_one_event_are_a_conflict_with_each_side_cited():
    evidence = [
        source("a", BRIDGE.format("March 14"), "2025-03-02"),
        source("b", BRIDGE.format("March 21"), "2025-03-05"),
    ]
    asked = Asked.of("When will the Kelso harbour bridge reopen?")
    [conflict] = find_conflicts(asked, "The bridge will reopen on March 14.", {1}, evidence)
    assert [(s.says, s.sources) for s in conflict.sides] == [("March 14", [1]), ("March 21", [2])]
    assert conflict.lean == "The most recent report (2025-03-05) gives March 21."
    assert conflict.sentence().startswith("Reports differ: March 14 [1]; March 21 [2].")


def test_the_side_more_articles_give_is_said_and_the_other_still_shown():
    evidence = [
        source("a", BRIDGE.format("March 14")),
        source("b", BRIDGE.format("March 21")),
        source("c", "The Kelso harbour bridge will reopen to traffic on March 14, the county council said on Monday."),
        source("d", "Officials said the Kelso harbour bridge will reopen to traffic on March 14, the council said."),
    ]
    asked = Asked.of("When will the Kelso harbour bridge reopen?")
    [conflict] = find_conflicts(asked, "It reopens on March 14.", {1}, evidence)
    assert [(s.says, s.sources, s.articles) for s in conflict.sides] == [
        ("March 14", [1, 3, 4], 3),
        ("March 21", [2], 1),
    ]
    assert conflict.lean == "3 of 4 articles give March 14."


def test_a_conflict_the_answer_itself_cites_is_still_named():
    evidence = [source("a", BRIDGE.format("March 14")), source("b", BRIDGE.format("March 21"))]
    asked = Asked.of("When will the Kelso harbour bridge reopen?")
    [conflict] = find_conflicts(asked, "It reopens on March 14 or on March 21.", {1, 2}, evidence)
    assert [s.says for s in conflict.sides] == ["March 14", "March 21"]


def test_agreeing_sources_and_other_facts_of_the_story_are_no_conflict():
    asked = Asked.of("When will the Kelso harbour bridge reopen?")
    agree = [source("a", BRIDGE.format("March 14")), source("b", BRIDGE.format("March 14, 2025"))]
    assert find_conflicts(asked, "It reopens on March 14.", {1}, agree) == []
    other_fact = [
        source("a", BRIDGE.format("March 14")),
        source("b", "Repairs to the bridge began on October 2 after a barge struck one of its piers."),
    ]
    assert find_conflicts(asked, "It reopens on March 14.", {1}, other_fact) == []
    # The same article twice is one source, not two reports.
    same = [source("a", BRIDGE.format("March 14")), source("a", BRIDGE.format("March 21"))]
    assert find_conflicts(asked, "It reopens on March 14.", {1}, same) == []


def test_names_places_and_amounts_are_compared_as_written():
    place = Asked.of("Where was Super Bowl 2021 held?")
    stadium = "The game was played on February 7, 2021, at Raymond James Stadium in {}, the home of the Buccaneers."
    evidence = [source("a", stadium.format("Tampa, Florida")), source("b", stadium.format("Glendale, Arizona"))]
    [conflict] = find_conflicts(place, "It was held at Raymond James Stadium in Tampa, Florida.", {1}, evidence)
    assert [s.says for s in conflict.sides] == ["Tampa, Florida", "Glendale, Arizona"]
    amount = Asked.of("How much did Facebook pay for WhatsApp?")
    deal = "Facebook paid {} for WhatsApp in 2014, the company said in a filing."
    evidence = [source("a", deal.format("$19 billion")), source("b", deal.format("$16 billion"))]
    [conflict] = find_conflicts(amount, "Facebook paid $19 billion.", {1}, evidence)
    assert [s.says for s in conflict.sides] == ["$19 billion", "$16 billion"]
    buyer = Asked.of("Who acquired Instagram?")
    deal = "{} $1 billion acquisition of Instagram was a watershed moment for Big Tech."
    evidence = [source("a", deal.format("Facebook's")), source("b", deal.format("Apple's"))]
    [conflict] = find_conflicts(buyer, "Facebook's $1 billion acquisition of Instagram.", {1}, evidence)
    assert [s.says for s in conflict.sides] == ["Facebook", "Apple"]
    # An open question has no value to compare.
    assert find_conflicts(Asked.of("What did the council say?"), "It said so.", {1}, evidence) == []


def test_a_copy_with_another_place_is_kept_as_a_second_report_not_a_duplicate():
    stadium = "The game was played on February 7, 2021, at Raymond James Stadium in {}, the home of the Buccaneers."
    assert not near_duplicate(stadium.format("Tampa, Florida"), stadium.format("Glendale, Arizona"))
    assert near_duplicate(stadium.format("Tampa, Florida"), stadium.format("Tampa, Florida") + " Reuters")


def test_the_chat_shows_the_conflict_escaped_with_its_markers():
    from rag.types import Answer, AnswerSentence, Conflict, Side

    conflict = Conflict([Side("<b>March 14</b>", [1], 1), Side("March 21", [2], 1)], "The most recent gives March 21.")
    answer = Answer("q", "x", False, sentences=[AnswerSentence("It reopens on March 14.", [1], True, 1.0)],
                    conflicts=[conflict])  # fmt: skip
    shown = answer_markdown(answer)
    assert "Reports differ:" in shown and "&lt;b&gt;March 14&lt;/b&gt;" in shown and "<b>March" not in shown
    assert 'href="#cite-2"' in shown and "The most recent gives March 21." in shown


# -- with the real models -------------------------------------------------------------

BRIDGE_STORIES = {
    "bridge-early.txt": (
        "date 2025-03-02 Kelso harbour bridge to reopen\n\n"
        "The Kelso harbour bridge will reopen to traffic on March 14, the county council said on Sunday. "
        "Repairs began in October after a grain barge struck one of the bridge's stone piers. "
        "Ferry services laid on during the closure will stop once the bridge reopens."
    ),
    "bridge-later.txt": (
        "date 2025-03-05 Kelso bridge reopening\n\n"
        "The Kelso harbour bridge will reopen to traffic on March 21, the county council said on Wednesday. "
        "Engineers needed another week to test the new bearings, a council spokeswoman said. "
        "Local traders have complained about lost custom during the five-month closure."
    ),
    "market-one.txt": (
        "date 2025-04-01 Dunmore market hall\n\n"
        "The new Dunmore market hall will open on June 3, the town's mayor announced on Tuesday. "
        "The hall has room for sixty traders and a rooftop cafe."
    ),
    "market-two.txt": (
        "date 2025-04-02 Traders ready for Dunmore hall\n\n"
        "Stallholders are preparing to move in before the Dunmore market hall opens on June 3, the mayor said. "
        "Rents will be frozen for the first year to attract young traders."
    ),
}


@pytest.fixture(scope="module")
def conflicting(tmp_path_factory, real_embedder, local_generator):
    tmp = tmp_path_factory.mktemp("conflicts")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name, text in BRIDGE_STORIES.items():
        (corpus / name).write_text(text)
    assistant = Assistant(Settings(home=tmp / "home"), embedder=real_embedder, generator=local_generator)
    report = assistant.ingest([corpus])
    assert len(report.added) == 4, report.summary()
    return assistant


@pytest.mark.slow
def test_the_local_model_reports_two_dates_for_one_event_with_both_citations(conflicting):
    answer = conflicting.ask("When will the Kelso harbour bridge reopen?")
    assert not answer.abstained, answer.why
    [conflict] = answer.conflicts
    sides = {side.says: side for side in conflict.sides}
    assert set(sides) == {"March 14", "March 21"}, conflict
    titles = {says: {answer.citations[n - 1].title for n in side.sources} for says, side in sides.items()}
    assert titles == {"March 14": {"Kelso harbour bridge to reopen"}, "March 21": {"Kelso bridge reopening"}}
    assert "The most recent report (2025-03-05) gives March 21." in answer.answer
    assert "Reports differ:" in answer.answer and "Reports differ:" in format_answer(answer)
    assert answer.to_dict()["conflicts"][0]["sides"][0]["says"] in ("March 14", "March 21")


@pytest.mark.slow
def test_the_local_model_reports_no_conflict_where_the_articles_agree(conflicting):
    answer = conflicting.ask("When will the Dunmore market hall open?")
    assert not answer.abstained, answer.why
    assert "June 3" in answer.answer and answer.conflicts == [] and "Reports differ" not in answer.answer
