"""The answer-kind reading of questions and the reranking built on it."""

from __future__ import annotations

import pytest

from index.types import Passage
from rag.answer_kind import Asked, question_kind
from rag.rerank import Weights, agreement, rerank


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who attended the Paris talks?", "name"),
        ("Which country won the most medals at the 2018 Winter Olympics?", "name"),
        ("What movie won the Oscar for Best Animated Film in 2020?", "name"),
        ("When was Diablo 3 released?", "date"),
        ("What is the release date of Cyberpunk 2077?", "date"),
        ("In which year did the war begin?", "date"),
        ("How many soldiers will the force have?", "number"),
        ("How old is Steve Witkoff?", "number"),
        ("How much is the minerals agreement worth?", "amount"),
        ("What was Tesla's revenue in Q1 2021?", "amount"),
        ("Where is Rubio flying on Saturday?", "place"),
        ("What did Macron say at the press conference?", None),
        # An auxiliary is not the thing asked for: what someone said is an open question.
        ("What did President Reagan say about the contras?", None),
        ("Which French club did he join?", "name"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_a_name_the_question_already_holds_is_no_answer():
    asked = Asked.of("Who won Wimbledon in 2021?")
    assert asked.held_in("Wimbledon was played in 2021.") == 0.0
    assert asked.held_in("Ashleigh Barty won Wimbledon.") == 1.0


def test_a_full_date_counts_more_than_the_question_s_own_year():
    asked = Asked.of("When was the 2021 NBA Draft?")
    assert asked.held_in("The 2021 NBA Draft was held on July 29, 2021.") == 1.0
    assert asked.held_in("The 2021 NBA Draft drew a record audience.") == 0.0
    assert asked.held_in("The draft moved to 2022.") == 0.5


def test_a_date_without_its_year_answers_when_only_in_part():
    asked = Asked.of("When was Diablo 3 released?")
    assert asked.held_in("Diablo 3 was released on May 15, 2012.") == 1.0
    assert asked.held_in("It came out on 15 May 2012 in Europe.") == 1.0
    assert asked.held_in("Diablo 3 was released on May 15.") == 0.5
    assert asked.held_in("Diablo 3 was released in 2012.") == 0.5


def test_a_dateline_is_not_an_answer_to_when():
    from rag.rerank import DEFAULT_WEIGHTS, _read, terms

    question = "When was Assassin's Creed Valhalla released?"
    asked = Asked.of(question)
    dateline = "Nov 21, 2022 ... Assassin's Creed Valhalla will arrive on Steam next month."
    assert _read(asked, terms(question), dateline, DEFAULT_WEIGHTS) == (0.0, set())
    # The same date in the body of the passage is an answer.
    body = "Assassin's Creed Valhalla was released on Nov 10, 2020 for consoles."
    best, answers = _read(asked, terms(question), body, DEFAULT_WEIGHTS)
    assert best > 0.5 and answers == {"11-10", "2020"}


def test_answers_are_normalised_so_that_two_texts_can_agree():
    asked = Asked.of("When was Xenoblade Chronicles 2 released?")
    assert asked.answers_in("It was released on Dec. 1, 2017.") == {"12-1", "2017"}
    assert asked.answers_in("Released 1 December 2017 worldwide.") == {"12-1", "2017"}
    assert asked.answers_in("It sold well on November 21st.") == {"11-21"}
    who = Asked.of("Who won Wimbledon in 2021?")
    assert who.answers_in("Ashleigh Barty won Wimbledon on Jan 3.") == {"ashleigh", "barty"}
    assert Asked.of("What did Macron say?").answers_in("Macron said 3 things.") == set()


def test_agreement_counts_articles_not_passages():
    # Answer "x" is given by two articles, "y" by one article three times.
    answers = [{"x"}, {"x"}, {"y"}, {"y"}, {"y"}, set()]
    articles = ["a1", "a2", "a3", "a3", "a3", "a4"]
    assert agreement(answers, articles) == [1.0, 1.0, 0.5, 0.5, 0.5, 0.0]
    assert agreement([set(), set()], ["a1", "a2"]) == [0.0, 0.0]


def test_amounts_need_a_unit_to_count_fully():
    asked = Asked.of("What was Tesla's revenue in Q1 2021?")
    assert asked.held_in("Revenue was $10.4 billion.") == 1.0
    assert asked.held_in("Tesla delivered 184,800 cars.") == 0.5
    assert asked.held_in("Revenue grew strongly.") == 0.0


def _passage(n: int, text: str, score: float) -> Passage:
    return Passage(f"c{n}", f"a{n}", f"t{n}", text, 0, len(text), score)


def test_rerank_lifts_the_passage_that_holds_the_answer_kind():
    topical = _passage(1, "Wimbledon women's singles: players by number of titles won since 1968.", 0.62)
    answer = _passage(2, "Ashleigh Barty won the women's singles title at Wimbledon in 2021.", 0.60)
    other = _passage(3, "Tickets for Wimbledon sell out every year in the public ballot.", 0.55)
    order = rerank("Who won the women's singles Wimbledon in 2021?", [topical, answer, other])
    assert order[0] is answer
    # The same passages, their scores still the cosine similarities abstention reads.
    assert sorted((p.chunk_id, p.score) for p in order) == [("c1", 0.62), ("c2", 0.60), ("c3", 0.55)]


def test_rerank_needs_the_answer_near_the_question_s_words():
    # Both hold a date; the one whose dated sentence is about what was asked wins.
    elsewhere = _passage(1, "Diablo III is an action game. The studio moved offices on March 3, 2010.", 0.60)
    on_topic = _passage(2, "Diablo III was released on May 15, 2012 for Windows and Mac.", 0.58)
    assert rerank("When was Diablo III released?", [elsewhere, on_topic])[0] is on_topic


def test_open_questions_keep_the_fused_order():
    first, second = _passage(1, "Macron spoke of progress.", 0.4), _passage(2, "Rubio said talks went well.", 0.9)
    assert rerank("What did Macron say?", [first, second]) == [first, second]


def test_a_strong_retrieval_lead_is_not_overturned_by_a_stray_name():
    lead = _passage(1, "Ashleigh Barty won the women's singles title at Wimbledon in 2021.", 0.80)
    stray = _passage(2, "Roger Federer and Serena Williams attended a charity gala.", 0.20)
    assert rerank("Who won Wimbledon in 2021?", [lead, stray])[0] is lead


def test_an_answer_other_articles_give_wins_over_a_lone_one():
    # Two dated answers of equal standing; the date two more articles give wins. With
    # the agreement weight at zero the fused order stands, so the test can fail.
    lone = _passage(1, "Xenoblade Chronicles 2 was released on September 14, 2018.", 0.60)
    agreed = _passage(2, "Xenoblade Chronicles 2 was released on December 1, 2017.", 0.60)
    support = [
        _passage(3, "Reviews: Xenoblade Chronicles 2 is out since Dec. 1, 2017.", 0.40),
        _passage(4, "Xenoblade Chronicles 2 launched worldwide on 1 December 2017.", 0.40),
    ]
    question = "When was Xenoblade Chronicles 2 released?"
    assert rerank(question, [lone, agreed, *support])[0] is agreed
    assert rerank(question, [lone, agreed, *support], Weights(agreement=0.0))[0] is lone


def test_a_label_is_read_with_the_value_after_it():
    # "Release date." then the date: read apart, the date's sentence shares no word of
    # the question and the passage loses to one dating something else.
    listing = _passage(1, "Xenoblade Chronicles 2 game page. Release date. December 1, 2017. Players: 1.", 0.60)
    other = _passage(2, "Monolith Soft opened a studio in Kyoto on April 29, 2015.", 0.60)
    question = "When was Xenoblade Chronicles 2 released?"
    assert rerank(question, [other, listing])[0] is listing
    with_periods = listing.text.replace("Release date.", "Release date is here.")
    assert rerank(question, [other, _passage(1, with_periods, 0.60)])[0] is other


def test_launched_answers_when_it_was_released():
    launched = _passage(1, "The game was launched on May 15, 2012. Console versions came later.", 0.60)
    moved = _passage(2, "Blizzard moved its offices on March 3, 2010.", 0.60)
    question = "When was Diablo 3 released?"
    assert rerank(question, [moved, launched])[0] is launched
    shipped = _passage(1, launched.text.replace("launched", "shipped"), 0.60)
    assert rerank(question, [moved, shipped])[0] is moved


def test_a_passage_holding_the_question_s_year_gains():
    # Equal answers of the kind asked; only one was written in the year the question names
    # (the dateline is not read as an answer, but it places the passage in its year).
    other_year = _passage(1, "Apr 25, 2021 ... Pixar's Soul won the Oscar for best animated feature.", 0.60)
    asked_year = _passage(2, "Feb 10, 2020 ... Toy Story 4 won the Oscar for best animated feature.", 0.60)
    question = "What movie won the Oscar for best animated film in 2020?"
    assert rerank(question, [other_year, asked_year])[0] is asked_year
    assert rerank(question, [other_year, asked_year], Weights(year=0.0))[0] is other_year
    text = asked_year.text.removeprefix("Feb 10, 2020 ... ")
    dated = Passage("c3", "a3", "t3", text, 0, len(text), 0.60, date="2020-02-10")
    assert rerank(question, [other_year, dated])[0] is dated


def test_a_wire_datelines_day_is_no_answer_to_when_and_its_place_stays():
    """ "NEW YORK, Oct 20 - " is when the story was filed: not the day a question asks for."""
    from rag.answer_kind import Asked, without_dateline

    asked = Asked.of("From what date will the new BHP Gold Mines shares be quoted?")
    first = "MELBOURNE, March 2 - The shares will be quoted from June 4, BHP said."
    assert asked.answers_in(first) == {"6-4"}
    assert without_dateline("PONTIAC, Mich., March 30 - United Auto Workers voted").startswith("PONTIAC, Mich.,")
    # Controls: a day in the sentence's own words is read; so is one after a dash mid-sentence.
    assert asked.answers_in("The shares will be quoted from March 2.") == {"3-2"}
    assert asked.answers_in("He said on March 3 - a Tuesday - that they would.") == {"3-3"}
