"""The prompt's source block: numbered sentences, each article's date and heading written once."""

from rag.prompts import NOT_FOUND, build_messages, format_sources, says_not_found
from rag.types import Evidence


def _ev(article: str, quote: str, date: str | None = None, heading: str | None = None) -> Evidence:
    return Evidence(
        article_id=article, title=article, quote=quote, start=0, end=len(quote), chunk_id=f"{article}:0",
        passage=quote, passage_start=0, date=date, heading=heading,
    )  # fmt: skip


def test_an_articles_date_is_written_once_and_articles_are_set_apart():
    evidence = [
        _ev("a", "Rubio will fly to Paris.", date="2025-04-17"),
        _ev("a", "He will meet Macron.", date="2025-04-17"),
        _ev("b", "Witkoff  met\nPutin.", date="2025-04-16"),
        _ev("b", "The talks lasted five hours.", date="2025-04-16"),
    ]
    assert format_sources(evidence) == (
        "[1] (2025-04-17) Rubio will fly to Paris.\n"
        "[2] He will meet Macron.\n"
        "\n"
        "[3] (2025-04-16) Witkoff met Putin.\n"
        "[4] The talks lasted five hours."
    )


def test_a_heading_is_written_where_it_changes():
    evidence = [
        _ev("a", "Irmak went to Paris.", heading="Kiev delegations in Paris"),
        _ev("a", "He met the allies.", heading="Kiev delegations in Paris"),
        _ev("a", "Prices rose.", heading="Markets"),
        _ev("b", "No date here."),
    ]
    assert format_sources(evidence).splitlines() == [
        "[1] (Kiev delegations in Paris) Irmak went to Paris.",
        "[2] He met the allies.",
        "[3] (Markets) Prices rose.",
        "",
        "[4] No date here.",
    ]


def test_an_article_seen_again_after_another_gets_its_date_again():
    evidence = [_ev("a", "One.", date="2025-01-01"), _ev("b", "Two."), _ev("a", "Three.", date="2025-01-01")]
    assert format_sources(evidence).splitlines()[-1] == "[3] (2025-01-01) Three."


def test_the_question_and_its_sources_come_last_after_the_fixed_prefix():
    evidence = [_ev("a", "Rubio will fly to Paris.", date="2025-04-17")]
    messages = build_messages("Where will Rubio fly?", evidence)
    prefix = build_messages("", [])
    assert messages[:-1] == prefix[:-1]  # the part llama.cpp keeps cached between questions
    assert "[1] (2025-04-17) Rubio will fly to Paris." in messages[-1]["content"]
    assert messages[-1]["content"].endswith("Question: Where will Rubio fly?\nAnswer with citations:")
    assert says_not_found(f"Sorry, {NOT_FOUND.lower()}.") and not says_not_found("Rubio [1].")
