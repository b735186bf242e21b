"""Per-sentence verification: what is supported stays, what is invented goes."""

from __future__ import annotations

from index.types import Passage
from lang.text import find_markers, names, strip_markers
from rag.types import Evidence
from rag.verify import LexicalEmbeddingScorer, split_answer, verify_answer
from tests.fakes import HashEmbedder


def ev(quote: str) -> Evidence:
    return Evidence(
        article_id="a1",
        title="T",
        quote=quote,
        start=0,
        end=len(quote),
        chunk_id="c1",
        passage=quote,
        passage_start=0,
    )


EVIDENCE = [
    ev("Marco Rubio and Steve Witkoff flew to France to meet Emmanuel Macron."),
    ev("Andriï Irmak went to Paris with the foreign minister Andriï Sybiga."),
    ev("A Russian bombardment on Soumy killed at least 35 civilians."),
]


def scorer():
    return LexicalEmbeddingScorer(HashEmbedder(), threshold=0.5)


def test_markers_parse_in_all_common_shapes():
    assert find_markers("He went [1][3] and [2, 4].") == [1, 3, 2, 4]
    assert strip_markers("He went [1] to Paris [2].") == "He went to Paris."
    assert split_answer("Rubio flew to France [1]. Irmak went too. [2]") == [
        ("Rubio flew to France.", [1]),
        ("Irmak went too.", [2]),
    ]


def test_names_ignore_sentence_function_words():
    assert names("The talks in Paris included Rubio’s team on Monday.") == {"paris", "rubio"}


def test_supported_sentences_are_kept_with_their_citations():
    got = verify_answer("Rubio and Witkoff flew to France to meet Macron [1].", EVIDENCE, scorer())
    assert not got.abstained
    assert got.sentences[0].supported and got.sentences[0].citations == [1]


def test_fabricated_name_is_dropped_even_when_cited():
    text = "Rubio and Witkoff flew to France [1]. Olaf Scholz also attended the talks [1]."
    got = verify_answer(text, EVIDENCE, scorer())
    assert [s.text for s in got.sentences] == ["Rubio and Witkoff flew to France."]


def test_fabricated_number_is_flagged_when_kept():
    text = "A bombardment on Soumy killed at least 350 civilians [3]."
    got = verify_answer(text, EVIDENCE, scorer(), keep_unsupported=True)
    assert got.abstained
    assert got.sentences[0].supported is False
    assert "350" in got.sentences[0].reason


def test_wrong_or_missing_citation_is_corrected():
    got = verify_answer("Irmak went to Paris with Sybiga [3]. Rubio flew to France.", EVIDENCE, scorer())
    assert [s.citations for s in got.sentences] == [[2], [1]]
    assert got.sentences[0].reason == "citation corrected"
    assert got.sentences[1].reason == "citation added"


def test_sentence_needing_two_sources_gets_both():
    got = verify_answer(
        "Rubio, Witkoff, Irmak and Sybiga were there.", EVIDENCE, scorer(), question="Who was in Paris?"
    )
    assert got.sentences and got.sentences[0].citations == [1, 2]


def test_general_knowledge_answer_with_a_fake_citation_abstains():
    got = verify_answer("The capital of Australia is Canberra [1].", EVIDENCE, scorer())
    assert got.abstained and got.sentences == []


def test_out_of_range_citation_is_not_trusted():
    got = verify_answer("Rubio flew to France to meet Macron [9].", EVIDENCE, scorer())
    assert got.sentences[0].citations == [1]


def test_markers_after_the_full_stop_belong_to_the_sentence_before():
    text = "Rubio flew to France. [1] Irmak went to Paris. [2][3] Done [1]."
    assert split_answer(text) == [("Rubio flew to France.", [1]), ("Irmak went to Paris.", [2, 3]), ("Done.", [1])]


def test_names_match_across_small_spelling_differences():
    from rag.verify import name_in

    assert name_in("sumy", {"soumy", "killed"})
    assert name_in("sybiha", {"sybiga"})
    assert not name_in("scholz", {"sauter", "plotner"})


def test_a_question_name_needs_the_cited_passage_to_name_it():
    s = LexicalEmbeddingScorer(None, threshold=0.5)
    quote = "On Monday he claimed that the talks were on the point of making progress."
    claim = "Macron said the talks were on the point of making progress."
    question = "What did Macron say after the talks?"
    assert not s.score(claim, [quote], question, context="Witkoff has met Putin. " + quote).supported
    assert s.score(claim, [quote], question, context="Macron hosted the talks. " + quote).supported


def test_how_many_answers_need_a_number_and_when_answers_a_time():
    from rag.verify import answers_the_kind_asked

    assert not answers_the_kind_asked("How many soldiers will the force have?", "The force will deploy in Ukraine.")
    assert answers_the_kind_asked("How many countries?", "About thirty countries.")
    assert answers_the_kind_asked("How many were killed?", "At least 35 civilians were killed.")
    assert not answers_the_kind_asked("When did it start?", "It started after the talks.".replace("after", "with"))
    assert answers_the_kind_asked("When did the war begin?", "It began in 2022.")
    assert answers_the_kind_asked("Who went?", "Rubio went.")
    # A day of a month is a time, not an amount; an amount given on that day still is one.
    paid = "How much was Chris Rock paid to host the Oscars?"
    assert not answers_the_kind_asked(paid, "Rock said he will steer clear of bad language on 27 February.")
    assert answers_the_kind_asked(paid, "Rock was paid $50,000 for the show on 27 February.")


def test_words_given_to_the_wrong_speaker_are_not_supported():
    from rag.verify import misattributed

    claim = "Macron said the talks went well."
    quote = "Witkoff said the talks went well, and Macron agreed to host the next round."
    assert misattributed(claim, ["Witkoff said the talks went well."]) == "Witkoff"
    assert misattributed("Macron said the talks went well.", ["The talks went well, said Witkoff."]) == "Witkoff"
    # Citing, beside the quote, a sentence that merely names Macron changes nothing.
    beside = "Witkoff is set to meet French President Emmanuel Macron in Paris."
    assert misattributed(claim, [beside, "Witkoff said the talks went well."]) == "Witkoff"
    support = LexicalEmbeddingScorer().score(
        claim, [beside, "Witkoff said the talks went well."], "What did Macron say?"
    )
    assert not support.supported and "Witkoff" in support.reason
    # The carrying sentence names Macron too: not judged here (the name check applies).
    assert misattributed(claim, [quote]) is None


def test_the_right_speaker_or_no_speaker_passes():
    from rag.verify import misattributed

    assert misattributed("Witkoff said the talks went well.", ["Witkoff said the talks went well."]) is None
    assert misattributed("The talks went well.", ["Witkoff said the talks went well."]) is None
    quote = "Irmak, the right arm of President Volodymyr Zelensky, said on Telegram that he had planned meetings."
    assert misattributed("Irmak said he had planned meetings.", [quote]) is None
    # "told" takes an object: Reuters is the listener, not a second speaker.
    assert misattributed("Macron told Reuters the talks went well.", ["Macron said the talks went well."]) is None
    # A pronoun speaker with no sentence before it in the passage is not resolved.
    assert misattributed("Macron said the talks went well.", ["He said the talks went well."]) is None
    # The sentence before names the claim's speaker too: who "he" is stays open.
    before = ["Rubio met Macron on Thursday."]
    assert misattributed("Macron said the talks went well.", ["He said the talks went well."], before) is None


def test_a_pronoun_speaker_is_read_from_the_sentence_before():
    from rag.verify import misattributed

    # The sample corpus: "he claimed" follows a sentence about Witkoff, and Macron is
    # named elsewhere in the same passage, so the name check alone lets the claim pass.
    quote = "On Monday 14 April he claimed that the talks were on the point of making progress."
    before = "Witkoff has already met Putin three times, the last one at the beginning of the month."
    context = "Rubio and Witkoff met French President Emmanuel Macron at the Elysee. " + before + " " + quote
    claim = "Macron said the talks were on the point of making progress."
    assert misattributed(claim, [quote], [before]) == "Witkoff"
    assert misattributed("Witkoff said the talks were on the point of making progress.", [quote], [before]) is None
    # Titles and nationalities before the subject's name are skipped.
    titled = "US Special Envoy Steve Witkoff arrived on Thursday."
    assert misattributed(claim, [quote], [titled]) == "Steve Witkoff"
    support = LexicalEmbeddingScorer().score(claim, [quote], "What did Macron say?", context, [before])
    assert not support.supported and "Witkoff" in support.reason
    assert LexicalEmbeddingScorer().score(claim, [quote], "What did Macron say?", context).supported


def test_the_sentence_before_a_quote_is_found_in_another_chunk_of_its_article():
    from rag.evidence import passage_sentences
    from rag.verify import verify_answer

    article = (
        "Kiev delegations in Paris\n\n"
        "Macron hosted the talks at the Elysee on Thursday. "
        "Witkoff has already met Putin three times this year. "
        "On Monday he claimed that the talks were on the point of making progress. "
        "Rubio flew on to Africa afterwards."
    )
    cut = article.index("Witkoff")
    second = article.index("On Monday")
    # Chunks overlap by one sentence; the one opening with the quote is retrieved first.
    later = Passage("c2", "a1", "t", article[second:], second, len(article), 0.8)
    earlier = Passage("c1", "a1", "t", article[:second].strip(), 0, second - 1, 0.6)
    sentences = {ev.quote: ev for ev in passage_sentences([later, earlier])}
    quote = "On Monday he claimed that the talks were on the point of making progress."
    assert sentences[quote].before == article[cut : second - 1]
    # A heading is nobody's antecedent; the first sentence after it has none.
    assert sentences["Macron hosted the talks at the Elysee on Thursday."].before == ""
    evidence = [sentences[quote]]
    claim = "Macron said the talks were on the point of making progress [1]."
    verified = verify_answer(claim, evidence, LexicalEmbeddingScorer(), "What did Macron say?")
    assert verified.abstained
    right = verify_answer(
        claim.replace("Macron", "Witkoff"), evidence, LexicalEmbeddingScorer(), "What did Witkoff say?"
    )
    assert not right.abstained


def test_a_number_may_be_spelled_out_in_the_source():
    s = LexicalEmbeddingScorer()
    source = "The fourth season of The Crown was released by Netflix on 15 November 2020."
    question = "When does season 4 of The Crown premiere?"
    assert s.score("Season 4 of The Crown premiered on 15 November 2020.", [source], question).supported
    wrong = s.score("Season 5 of The Crown premiered on 15 November 2020.", [source], question)
    assert not wrong.supported and "5" in wrong.reason
    assert s.score("Four people died.", ["Four people died in the blast."]).supported


def test_a_number_the_question_holds_may_be_in_the_passage_around_the_quote():
    # The model names the game the question asks about; the quote says "It".
    s = LexicalEmbeddingScorer()
    quote = "It was released on July 21, 2017, for the Nintendo Switch."
    passage = "Splatoon 2 is a shooter game by Nintendo. " + quote
    claim = "Splatoon 2 was released on July 21, 2017."
    assert s.score(claim, [quote], "When was Splatoon 2 released?", passage).supported
    # Not asked, the number must be in the quote itself; asked, it must be around it.
    unasked = s.score(claim, [quote], "When was Splatoon released?", passage)
    assert not unasked.supported and "2" in unasked.reason
    elsewhere = s.score(claim, [quote], "When was Splatoon 2 released?", quote.replace("It", "Splatoon"))
    assert not elsewhere.supported and "2" in elsewhere.reason


def test_a_sum_of_money_must_be_money_in_the_source():
    s = LexicalEmbeddingScorer()
    question = "What was Tesla's revenue in Q1 2021?"
    production = "Tesla vehicle production ; 2018, 254,530 ; 2019, 365,232 ; 2020, 509,737."
    context = "Tesla results for Q1 2021. " + production
    wrong = s.score("Tesla's revenue in Q1 2021 was $365,232.", [production], question, context)
    assert not wrong.supported and "365232" in wrong.reason
    revenue = "Tesla posted revenue of $10.4 billion in the first quarter of 2021 (Q1 2021)."
    assert s.score("Tesla's revenue in Q1 2021 was $10.4 billion.", [revenue], question).supported
    in_words = revenue.replace("$10.4 billion", "10.4 billion dollars")
    assert s.score("Tesla's revenue in Q1 2021 was $10.4 billion.", [in_words], question).supported


def test_the_commas_a_model_puts_between_markers_go_with_them():
    """The local model writes "2019 [1], [2], [3]." and the answer read "2019,,,."."""
    assert split_answer("The iPhone 11 was released on September 20, 2019 [1], [2], [3].") == [
        ("The iPhone 11 was released on September 20, 2019.", [1, 2, 3])
    ]
    assert split_answer("Rubio [1], Witkoff [2] and Barrot [3] attended.") == [
        ("Rubio, Witkoff and Barrot attended.", [1, 2, 3])
    ]


def test_a_question_name_may_stand_for_the_surname_the_passage_uses():
    """Asked about "Adrian Mutu", a passage saying "Mutu" names him; one whose "Collins" is
    another Collins does not, and neither does a lower-case word ("portable")."""
    s = LexicalEmbeddingScorer(None, threshold=0.5)
    quote = "It emerged that Mutu had failed a drugs test on October 18."
    claim = "Adrian Mutu failed the drugs test on October 18."
    assert s.score(claim, [quote], "On what date did Adrian Mutu fail the drugs test?", context=quote).supported
    # Without the question naming him so, "Adrian" is a name the source lacks.
    assert not s.score(claim, [quote], "On what date did Mutu fail the drugs test?", context=quote).supported

    other = "Michelle Collins said she would run in the 200m final on Sunday."
    assert not s.score(
        "Dave Collins said she would run in the 200m final on Sunday.",
        [other],
        "What did Dave Collins say?",
        context=other,
    ).supported

    from rag.verify import named_by_its_last_word

    assert named_by_its_last_word(
        "great", "Where was Great Britain's Davis Cup tie played?", "Britain lost in Tel Aviv."
    )
    assert not named_by_its_last_word("playstation", "When will Sony's PlayStation Portable launch?", "a portable")
    assert not named_by_its_last_word("mutu", "When did Adrian Mutu fail?", "Mutu failed.")  # the last word itself


def test_a_hyphenated_name_is_named_where_each_of_its_parts_is():
    from rag.verify import name_in

    assert name_in("volkswagen-ford", {"volkswagen", "and", "ford", "venture"})
    assert not name_in("volkswagen-ford", {"volkswagen", "venture"})


def test_a_detail_the_source_does_not_give_is_not_supported():
    source = [ev("The Kelso plant has been closed since March because of a dispute over pay, the union said.")]
    text = "The Kelso plant has been closed since March because of flood damage to its boilers [1]."
    got = verify_answer(text, source, scorer(), "Why is the Kelso plant closed?", keep_unsupported=True)
    assert not got.sentences[0].supported
    assert "adds what the source does not say" in got.sentences[0].reason
    # Control: the same sentence with the source's own reason.
    text = "The Kelso plant has been closed since March because of a dispute over pay [1]."
    assert not verify_answer(text, source, scorer(), "Why is the Kelso plant closed?").abstained


def test_the_question_agent_must_be_the_claims():
    trip = [
        ev("Steve Witkoff will meet Emmanuel Macron, while Marco Rubio will speak with Jean-Noël Barrot."),
    ]
    question = "Who will Rubio speak with?"
    text = "Steve Witkoff will speak with Emmanuel Macron [1]."
    swapped = verify_answer(text, trip, scorer(), question, keep_unsupported=True)
    assert not swapped.sentences[0].supported
    assert "asks about Rubio" in swapped.sentences[0].reason
    # Controls: the agent named, a pronoun subject, and a bare answer.
    for text in ["Rubio will speak with Jean-Noël Barrot [1].", "He will speak with Jean-Noël Barrot [1].",
                 "Jean-Noël Barrot [1]."]:  # fmt: skip
        assert not verify_answer(text, trip, scorer(), question).abstained, text


def test_a_name_may_be_given_by_its_initials():
    source = [ev("General Motors Corp will cut 5,000 jobs at its plants in Michigan next year.")]
    question = "How many jobs will be cut in Michigan?"
    assert not verify_answer("GM will cut 5,000 jobs in Michigan [1].", source, scorer(), question).abstained
    initials = [ev("GM will cut 5,000 jobs at its plants in Michigan next year.")]
    text = "General Motors will cut 5,000 jobs in Michigan [1]."
    assert not verify_answer(text, initials, scorer(), question).abstained
    # Control: initials the source does not spell out are another company.
    assert verify_answer("GE will cut 5,000 jobs in Michigan [1].", source, scorer(), question).abstained


def test_a_sentence_opening_adverb_is_no_name():
    assert names("Nearly a quarter of users own one. Earlier, Brown said so.") == {"brown"}
    # Controls: words that can be names keep their capital's meaning at a sentence's start.
    assert names("Best scored twice. Sharp said so.") == {"best", "sharp"}
    assert names("Rubio arrived nearly late.") == {"rubio"}


def test_an_opening_adverb_is_neither_a_subject_nor_another_name():
    """Read from the claim set's dev half (c0150, c0075)."""
    from lang.text import first_name
    from rag.verify import named_by_its_last_word

    assert first_name("Almost a quarter of those with broadband have players, compared to 9%.") is None
    assert first_name("Nearly a quarter of Americans own MP3 players.") == "Americans"
    eastwood = "Instead, Eastwood took his second Oscar for best director after winning for Unforgiven in 1993."
    asked = "How many best director Oscars has Clint Eastwood won?"
    assert named_by_its_last_word("clint", asked, eastwood)
    assert named_by_its_last_word("clint", asked, " " + eastwood)  # after the passage's other text
    # Control: another name before the last word is another person.
    assert not named_by_its_last_word("clint", asked, "Instead, Scott Eastwood took the prize.")


def test_a_name_may_be_clipped_or_given_by_its_people():
    source = [ev("Baker declined to say whether Reagan would reappoint Volcker as chairman of the Federal Reserve.")]
    text = "Baker declined to say if Reagan would reappoint Volcker as Fed chairman [1]."
    assert not verify_answer(text, source, scorer()).abstained
    # Control: a short name that begins no word of the source is another name.
    assert verify_answer(text.replace("Fed", "Bundesbank"), source, scorer()).abstained
    poll = [ev("A quarter of adults in the US own an MP3 player, the survey found.")]
    question = "How many adults own MP3 players?"
    assert not verify_answer("A quarter of American adults own an MP3 player [1].", poll, scorer(), question).abstained
    # Control: another people is not named by the US.
    assert verify_answer("A quarter of French adults own an MP3 player [1].", poll, scorer(), question).abstained


def test_question_words_and_dotted_initials_are_read_as_such():
    assert names("Whose record did Andrew Murray break?") == {"andrew", "murray"}
    assert split_answer("J.P. Morgan and Co reported a net income of 219.2 mln dlrs [1].") == [
        ("J.P. Morgan and Co reported a net income of 219.2 mln dlrs.", [1])
    ]
    # Control: a full stop after a word still ends the sentence.
    assert len(split_answer("Prices rose 5 pct at J.P. Morgan. Sales fell [1].")) == 2


def test_a_change_the_story_words_otherwise_is_spoken_of():
    from rag.answer_kind import Asked
    from rag.verify import unspoken_relation

    asked = Asked.of("Which rating did Moody's cut Texaco's debt to?")
    story = "Moody's reduced Texaco's senior debt to Caa from Ba-1, the agency said."
    assert unspoken_relation("Moody's cut Texaco's debt to Caa.", asked, story) == []
    # Control: a story of another change never speaks of a cut.
    assert unspoken_relation("Moody's cut Texaco's debt to Caa.", asked, story.replace("reduced", "raised")) == ["cut"]


def test_the_articles_date_gives_the_day_a_question_names():
    from dataclasses import replace

    fix = replace(ev("The dollar was fixed at 1.8063 marks, with no Bundesbank intervention."), date="1987-03-30")
    question = "At what rate was the dollar fixed on March 30, 1987?"
    text = "The dollar was fixed at 1.8063 marks on March 30, 1987 [1]."
    assert not verify_answer(text, [fix], scorer(), question).abstained
    # Controls: a story of another day, and a year alone the question names.
    assert verify_answer(text, [replace(fix, date="1987-03-27")], scorer(), question).abstained
    text = "The dollar was fixed at 1.8063 marks in 1987 [1]."
    assert verify_answer(text, [fix], scorer(), "At what rate was the dollar fixed in 1987?").abstained


def test_a_question_subject_the_article_gives_by_its_initials():
    from rag.answer_kind import Asked
    from rag.verify import off_subject

    asked = Asked.of("Who is the buffer stock manager of the International Natural Rubber Organization?")
    story = "INRO buffer stock manager Aldo Hofmeister said the quality of rubber in stock was acceptable."
    assert off_subject(asked, story) == []
    # Control: initials of something else.
    assert off_subject(asked, story.replace("INRO", "ICCO")) == ["international", "natural", "organization"]


def test_a_month_the_question_names_is_given_by_a_story_of_that_month():
    from rag.verify import the_days_asked

    assert the_days_asked("What surplus was reported in October 1987?", ["1987-10-05", "1987-09-30"]) == "October 1987"
    # Controls: another month, and a year alone.
    assert the_days_asked("What surplus was reported in October 1987?", ["1987-11-02"]) == ""
    assert the_days_asked("What surplus was reported in 1987?", ["1987-10-05"]) == ""


# Two Reuters stories of 1987 (reuters21578-13112 and -18298), as the claim set's c0193 cites them.
SEARS_OWN = 'Sears said it was "optimistic" about prospects for 1987.'
SEARS_ANALYST = "Sears, Roebuck and Co's stock was downgraded one notch, said E.F. Hutton analyst Bernard Sosnick."
SOSNICK_ASKED = "What did E.F. Hutton analyst Bernard Sosnick say about Sears' prospects for 1987?"


def test_the_speaker_is_read_from_the_sentence_carrying_what_is_said():
    from rag.verify import misattributed

    claim = "E.F. Hutton analyst Bernard Sosnick said Sears was optimistic about its prospects for 1987."
    # The analyst's own sentence shares more of the claim's words, but not what he is said to have said.
    assert misattributed(claim, [SEARS_ANALYST, SEARS_OWN]) == "Sears"
    assert misattributed("Bernard Sosnick said the stock was downgraded one notch.", [SEARS_ANALYST]) is None


def test_a_claim_whose_answer_its_source_does_not_give_is_not_supported():
    from rag.verify import answer_unstated

    claim = "E.F. Hutton analyst Bernard Sosnick said Sears was optimistic about its prospects for 1987."
    assert answer_unstated(claim, SOSNICK_ASKED, SEARS_ANALYST) == "optimistic"
    claim = "E.F. Hutton analyst Bernard Sosnick said Sears was optimistic about its prospects."
    support = LexicalEmbeddingScorer().score(claim, [SEARS_ANALYST], SOSNICK_ASKED.replace(" for 1987", ""))
    assert not support.supported and "does not give: optimistic" in support.reason
    # Controls: a source that gives the answer; a figure as the answer; a part of a hyphened word.
    assert answer_unstated(claim, SOSNICK_ASKED, SEARS_OWN) == ""
    shares = "Allied Domecq shares in London rose 4% by 1200 GMT, while Pernod shares in Paris slipped 1.2%."
    asked = "How did Allied Domecq's shares react to talk of a Pernod Ricard takeover?"
    assert answer_unstated("Pernod's shares in Paris fell 1.2%.", asked, shares) == ""
    fifth = "The Conservative Party would cut the number of MPs by about one-fifth, Michael Howard has said."
    asked = "By how much would the Conservatives cut the number of MPs?"
    assert answer_unstated("Howard said the Tories would cut the number of MPs by a fifth.", asked, fifth) == ""


def test_the_report_a_question_names_is_not_what_the_article_must_speak_of():
    """Reuters dev: asked "according to the Commerce Department report released in October
    1987", a right draft repeating "released" was dropped because the story (reuters21578-20116)
    says "the Commerce Department said". Which report is meant is not the relation asked."""
    from rag.answer_kind import Asked
    from rag.verify import unspoken_relation

    story = (
        "U.S. HOUSING STARTS ROSE 4.4 PCT IN SEPTEMBER. WASHINGTON, Oct 20 - U.S. housing starts rose 4.4 pct "
        "in September to a seasonally adjusted annual rate of 1,669,000 units, the Commerce Department said."
    )
    asked = Asked.of(
        "According to the U.S. Commerce Department report released in October 1987, what seasonally adjusted "
        "annual rate did housing starts reach?"
    )
    draft = (
        "According to the U.S. Commerce Department report released in October 1987, housing starts reached a "
        "seasonally adjusted annual rate of 1,669,000 units."
    )
    assert unspoken_relation(draft, asked, story) == []
    # Controls: what is asked of the subject still must be spoken of; so must a film's release.
    assert unspoken_relation(
        "Housing starts were forecast at 1,669,000 units.",
        Asked.of("What rate were housing starts forecast to reach?"),
        story,
    ) == ["forecast"]
    film = Asked.of("When was the film released in Britain?")
    assert unspoken_relation("The film was released on 4 June.", film, "The film opens in Britain on 4 June.") == [
        "released"
    ]


def test_a_name_the_question_gave_is_named_by_its_initials_in_the_passage_around():
    """Reuters dev (reuters21578-10030): the story says "GM" around the cited sentence and
    "General Motors" in its opening; a draft spelling out the name the question gave, with
    the company's legal form, was dropped as naming what the source does not."""
    from rag.verify import LexicalEmbeddingScorer

    cited = "Assembly of the medium trucks is scheduled to move to Janesville, Wis., in 1990, Chronin said."
    passage = (
        "Bus-manufacturing operations at one of the three plants--the Pontiac Central facility--are being sold "
        f"to Greyhound Corp <G>, although GM will retain the facility. {cited}"
    )
    question = "Where is General Motors scheduled to move assembly of the medium trucks in 1990?"
    claim = "General Motors Corp. will move assembly of the medium trucks to Janesville, Wis., in 1990."
    support = LexicalEmbeddingScorer().score(claim, [cited], question, context=passage)
    assert support.supported, support.reason
    # Controls: a passage that never names GM; a name the question did not give.
    alone = LexicalEmbeddingScorer().score(claim, [cited], question, context=cited)
    assert alone.reason == "not in the cited source: general, motors"
    other = LexicalEmbeddingScorer().score(claim, [cited], question.replace("General Motors", "the company"), passage)
    assert not other.supported and "general" in other.reason


def test_wire_copy_sums_are_money():
    """Reuters dev (reuters21578-10798): "a 1.3 mln dlrs payment" is money, so a draft saying
    "$1.3 million" states what the story does; it was dropped as money the source holds
    only as a plain number."""
    from rag.verify import LexicalEmbeddingScorer

    source = (
        "Workers agreed to a settlement that provided for a 1.3 mln dlrs payment to workers by the No. 1 carmaker "
        "for an alleged violation of a 1984 contract."
    )
    question = "How much did General Motors agree to pay workers to settle the strike?"
    support = LexicalEmbeddingScorer().score("The carmaker agreed to pay workers $1.3 million.", [source], question)
    assert "not money" not in support.reason
    for wire in ("450 mln stg", "100 mln marks", "5.0 mln dls"):
        assert (
            "not money"
            not in LexicalEmbeddingScorer()
            .score(f"The bank lent {wire}.", [f"The bank lent {wire} to the company."], "How much did the bank lend?")
            .reason
        )
    # Control: a count of people is still no sum of money.
    counted = LexicalEmbeddingScorer().score(
        "The carmaker agreed to pay workers $1.3 million.",
        ["About 1.3 mln workers were idled by the strike."],
        question,
    )
    assert counted.reason == "not money in the cited source: 1.3"


def test_a_short_verb_is_spoken_of_by_its_noun():
    """Reuters dev: asked how much GM agreed to pay workers, "a 1.3 mln dlrs payment" speaks
    of paying (four-letter stems meet "settle" and "settlement" already, not "pay" and "payment")."""
    from rag.answer_kind import Asked
    from rag.verify import unspoken_relation

    asked = Asked.of("How much did General Motors agree to pay workers to settle the strike?")
    story = "Workers agreed to a settlement that provided for a 1.3 mln dlrs payment to workers by the carmaker."
    assert unspoken_relation("General Motors agreed to pay workers $1.3 million.", asked, story) == []
    # Control: a story that never speaks of paying.
    assert unspoken_relation("General Motors agreed to pay workers $1.3 million.", asked, "GM settled.") == [
        "pay", "workers"
    ]  # fmt: skip
