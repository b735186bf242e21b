"""A source must state the claim's relation: numbers bound to what is said of them, polarity kept."""

from __future__ import annotations

from rag.relations import (
    forecast_as_fact,
    hedged_as_fact,
    left_open,
    number_named_elsewhere,
    number_of_another,
    paired_with_another,
    polarity_conflict,
    reversed_range,
    unbound_numbers,
)

BA = (
    "Reporting its results for the three months to 31 December 2004, the airline made a pre-tax profit "
    "of £75m ($141m) compared with £125m a year earlier."
)
BA_QUESTION = "What pre-tax profit did British Airways make in the three months to 31 December 2004?"


def test_a_number_said_of_something_else_is_not_bound():
    claim = "British Airways made a pre-tax profit of £125m in the three months to 31 December 2004."
    assert unbound_numbers(claim, [BA], BA_QUESTION) == ["125"]
    # Control: the figure the source does give for that profit, and its conversion.
    assert unbound_numbers("BA made a pre-tax profit of £75m ($141m) in the quarter.", [BA], BA_QUESTION) == []


def test_words_beside_a_number_are_matched_by_their_forms():
    """Read from the claim set's dev half (c0075): "won" in the claim, "winning" in the source."""
    source = "Instead, Eastwood took his second Oscar for best director after winning for Unforgiven in 1993."
    claim = "Eastwood won his second Oscar, having first won it for Unforgiven in 1993."
    assert unbound_numbers(claim, [source]) == []
    assert unbound_numbers("Eastwood lost a Bafta for Unforgiven in 1993.", [source]) == ["1993"]


def test_a_number_from_another_sentence_of_the_article_is_not_bound():
    sales = "TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn."
    aol = "However, the company said AOL's underlying profit before exceptional items rose 8%."
    claim = "TimeWarner said its fourth quarter sales rose 8% to $11.1bn."
    assert unbound_numbers(claim, [sales, aol]) == ["8"]
    assert unbound_numbers("TimeWarner said its fourth quarter sales rose 2% to $11.1bn.", [sales, aol]) == []


def test_words_after_another_number_belong_to_it_and_units_bind_nothing():
    quote = "The deficit is expected to be 2.45 billion dlrs, below a December forecast of 2.91 billion dlrs."
    assert unbound_numbers("The deficit was 2.91 billion dlrs.", [quote]) == ["2.91"]
    assert unbound_numbers("The deficit is expected to be 2.45 billion dlrs.", [quote]) == []


def test_a_denial_is_not_an_assertion():
    source = "He also denied that Kuwait was pumping above its OPEC quota of 948,000 barrels a day."
    assert polarity_conflict("Kuwait's minister admitted Kuwait was pumping above its quota.", source)
    assert polarity_conflict("Sales did not rise in March.", "Sales rose 4% in March.")
    assert polarity_conflict("Sales rose 4% in March.", "Sales did not rise in March.")
    assert polarity_conflict("Sales rose 4% in March.", "Sales rose 4% in March, analysts said.") is None


def test_a_denial_meets_the_irregular_form_it_denies():
    """A claim-set negation item (Reuters): "did not think" denies "thought" (lemminflect: think)."""
    source = "In other comments, Baker said he did not think a tax rise was a good idea and nor did President Reagan."
    assert polarity_conflict("James Baker said he thought a tax rise was a good idea.", source)
    assert polarity_conflict("Baker said he did not think a tax rise was a good idea.", source) is None
    assert polarity_conflict("The team won the final.", "The team did not win the final.")
    assert polarity_conflict("The company sold the unit.", "The company has not sold the unit.")


def test_an_opposite_counts_only_when_said_of_the_same_thing():
    source = "Allied Domecq shares in London rose 4%, while Pernod shares in Paris slipped 1.2%."
    assert polarity_conflict("Pernod shares in Paris fell 1.2%.", source) is None
    assert polarity_conflict("Allied Domecq shares in London fell 4%.", source)
    fed = "The Federal Reserve decided on 2 February to boost interest rates by a quarter of a point."
    assert polarity_conflict("The Federal Reserve cut interest rates by a quarter of a point.", fed)


def test_what_a_source_declines_to_say_is_not_stated():
    source = "The chairman declined to say whether the company would cut its dividend to 10 pence this year."
    assert left_open("The chairman said the company would cut its dividend to 10 pence this year.", source)
    # Controls: reporting it as open, and a claim about the part of the sentence that is stated.
    assert left_open("The chairman would not say whether the dividend would be cut.", source) is None
    stated = "Profits rose 5% to 40 mln dlrs, but the chairman declined to comment on whether jobs would go."
    assert left_open("Profits rose 5% to 40 mln dlrs.", stated) is None
    assert left_open("The chairman said jobs would go.", stated)


def test_a_change_given_the_other_way_round_is_not_stated():
    source = "The bank cut its growth forecast for 2005 from 2.8% to 2.1%."
    assert reversed_range("The bank raised its growth forecast from 2.1% to 2.8%.", [source])
    assert reversed_range("The bank cut its growth forecast from 2.8% to 2.1%.", [source]) is None
    assert reversed_range("The forecast was 2.1%.", [source]) is None


def test_a_number_another_subject_gives_is_not_the_claims():
    bids = [
        "Gulf Holdings received an offer from Atlas Corp of 40 dlrs a share.",
        "Zenith Partners has offered 44 dlrs a share for the whole company.",
    ]
    assert number_of_another("Atlas Corp offered 44 dlrs a share for Gulf Holdings.", bids) == ["44"]
    assert number_of_another("Atlas Corp offered 40 dlrs a share for Gulf Holdings.", bids) == []
    assert number_of_another("Atlas Corp offered 44 dlrs.", ["US investor Zenith Partners has offered 44 dlrs."])
    # A sentence that does not open with its subject's name may carry the claim's number.
    assert number_of_another("Atlas Corp offered 44 dlrs a share.", [bids[0], "It has offered 44 dlrs."]) == []
    assert (
        number_of_another("Chelsea sacked Mutu in 2004.", ["The club, owned by Roman Abramovich, sacked him in 2004."])
        == []
    )
    # A common word opening a sentence is no subject when the passage writes it in lower case.
    quoted = ["Rights will be traded from March 23, and the new shares will be quoted from June 4."]
    claim = "The new Atlas Gold shares will be quoted from June 4."
    assert number_of_another(claim, quoted, around="Atlas plans a one-for-three issue of rights.") == []
    assert number_of_another(claim, quoted, around="Atlas plans a one-for-three issue.") == ["4"]


def test_a_number_given_beside_other_names_is_not_the_claims():
    """Read from the claim set's dev half (c0125): 4.88m was cleared in Birmingham, not Lievin."""
    lievin = "Isinbayeva broke her own indoor world record by clearing 4.89 metres in Lievin on Saturday."
    birmingham = "It came days after she cleared 4.88m at the Norwich Union Grand Prix in Birmingham."
    claim = "Isinbayeva broke her indoor world record by clearing 4.88 metres in Lievin."
    assert number_named_elsewhere(claim, [lievin, birmingham]) == ["4.88"]
    # Controls: the right place; a source naming nothing beside the number; one sharing a name.
    assert number_named_elsewhere(claim.replace("Lievin", "Birmingham"), [birmingham]) == []
    assert number_named_elsewhere("Chelsea paid £15.8m for Mutu.", ["The club paid £15.8m for him."]) == []
    assert number_named_elsewhere("Chelsea paid £15.8m for Mutu.", ["It paid £15.8m to Parma for Mutu."]) == []


def test_a_figure_keeps_the_qualifier_that_follows_it():
    """Read from the claim set's dev half (c0152): 1 April is for businesses, 17 February for homes."""
    source = "The new speeds start to come into effect on 17 February for home customers and 1 April for businesses."
    claim = "BT's new broadband speeds come into effect for home customers on 1 April."
    assert paired_with_another(claim, [source]) == ["1"]
    # Controls: the right pairs; a qualifier the enumeration does not give another figure.
    assert paired_with_another(claim.replace("1 April", "17 February"), [source]) == []
    assert paired_with_another("The speeds come into effect for businesses on 1 April.", [source]) == []
    assert paired_with_another("Sales in Asia rose 5 pct.", ["Sales rose 7 pct in Asia and 5 pct in Europe."]) == ["5"]
    assert paired_with_another("Sales in Europe rose 5 pct.", ["Sales rose 7 pct in Asia and 5 pct in Europe."]) == []
    assert paired_with_another("Sales in Asia rose 5 pct.", ["Sales rose 5 pct in Europe."]) == []


def test_a_forecast_figure_is_not_a_fact():
    """Read from Reuters dev (Taiwan's reserves); it also held on the test half (Brazil's surplus)."""
    source = "Reserves have hit a record high and are likely to soar to 72 billion U.S. Dlrs by the year end."
    assert forecast_as_fact("Taiwan's reserves totalled 72 billion U.S. dlrs.", [source]) == ["72"]
    decimal = "Officials said the deficit could reach 2.5 billion dlrs this year."
    assert forecast_as_fact("The deficit was 2.5 billion dlrs this year.", [decimal]) == ["2.5"]
    # Controls: a claim that forecasts too; a figure given as a fact.
    assert forecast_as_fact("Reserves are expected to reach 72 billion dlrs.", [source]) == []
    assert (
        forecast_as_fact("Reserves totalled 69 billion dlrs.", ["The reserves totalled about 69 billion dlrs."]) == []
    )


def test_a_dotted_initialism_is_one_word_beside_a_figure():
    # Wire copy writes "U.S.", an answer "US": both are the word "us", not the letters
    # "u" and "s", so the qualifier "for U.S. customers" is the claim's "for US customers".
    source = "The fees start on 17 February for U.S. customers and 1 April for businesses."
    assert paired_with_another("The fees start for US customers on 1 April.", [source]) == ["1"]
    assert paired_with_another("The fees start for US customers on 17 February.", [source]) == []


def test_a_plan_or_a_possibility_is_not_an_event():
    """Claim set, second batch, dev (c0263): a report that Rank could unveil plans to demerge."""
    source = "Leisure group Rank could unveil plans to demerge its film services unit and sell its media business."
    assert hedged_as_fact("Leisure group Rank has demerged its film services unit.", source)
    # Controls: a claim that hedges too; what the hedge does not stand before; May the month.
    assert hedged_as_fact("Rank could demerge its film services unit.", source) is None
    assert hedged_as_fact("Rank plans to demerge its film services unit.", source) is None
    assert hedged_as_fact("Rank will demerge its film services unit.", source) is None
    assert hedged_as_fact("Leisure group Rank has a film services unit.", source) is None
    assert hedged_as_fact("The film opened in May.", "The film opened in May and won awards.") is None
    assert hedged_as_fact("Sony cut 500 jobs.", "Sony may cut 500 jobs.")
    assert hedged_as_fact("Sony cut 500 jobs.", "Sony said it cut 500 jobs in May.") is None
    # A plan, a hope or talks hedge only the verb they govern ("to buy", "selling").
    assert hedged_as_fact("WPP bought NOP.", "WPP is in talks to buy NOP.")
    assert hedged_as_fact("Rank sold its media arm.", "Rank is considering selling its media arm.")
    assert hedged_as_fact("Nike's profits rose 5%.", "Nike posted better-than-expected profits, up 5%.") is None
    assert hedged_as_fact("Negotiations broke down.", "The talks broke down on Monday.") is None
    assert hedged_as_fact("The council approved the scheme.", "The plan was approved by the council.") is None


def test_a_nomination_a_bid_and_criticism_are_not_a_win_a_purchase_and_praise():
    """Claim set, second batch, dev (c0265, c0267, c0295)."""
    nominated = "The actor was nominated for an Oscar the following year for his role in Last Tango in Paris."
    assert polarity_conflict("Marlon Brando won an Oscar the following year for his role in Last Tango.", nominated)
    assert polarity_conflict("He was nominated for an Oscar for Last Tango.", nominated) is None
    bid = "Martin Sorrell told Reuters that WPP had submitted a proposal for the NOP World research unit."
    assert polarity_conflict("Martin Sorrell told Reuters that WPP had bought the NOP World research unit.", bid)
    praised = "Academy president Frank Pierson praised Gibson's move for resisting crass commercialisation."
    assert polarity_conflict("Frank Pierson criticised Gibson's move.", praised)
    assert polarity_conflict("Frank Pierson praised Gibson's move.", praised) is None


def test_words_in_another_clause_are_not_said_of_a_figure():
    """Claim set, second batch, dev (c0281): the selling price is the figure after "but"."""
    source = (
        "Total production costs were £1.30 per gigajoule, UK Coal said, "
        "but the average selling price was just £1.18 per gigajoule."
    )
    assert unbound_numbers("UK Coal said its average selling price was £1.30 per gigajoule.", [source]) == ["1.30"]
    assert unbound_numbers("UK Coal said its average selling price was £1.18 per gigajoule.", [source]) == []
    assert unbound_numbers("UK Coal's total production costs were £1.30 per gigajoule.", [source]) == []
