"""The chat handler without a browser, and the escaping of everything rendered."""

from __future__ import annotations

from ui.app import ChatHandler
from ui.render import answer_markdown, escape


def test_escape_neutralises_html_and_markdown():
    out = escape('<script>alert(1)</script> <img src=x onerror="x()"> [link](http://e) **b**')
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert "](" not in out and "**" not in out


def test_chat_streams_then_shows_the_verified_answer_with_sources(fake_assistant, sample_dir):
    assistant = fake_assistant()
    assistant.ingest([sample_dir])
    question = "Where will Witkoff fly on Saturday?"
    assistant.ask(question)  # records the evidence numbering
    _, evidence = assistant.generator.seen[-1]
    n = next(i for i, e in enumerate(evidence, start=1) if "fly to Rome" in e.quote)
    assistant.generator.replies.append(f"Witkoff will fly to Rome on Saturday [{n}].")
    outputs = list(ChatHandler(assistant).respond(question, []))
    assert len(outputs) > 2  # streamed drafts, then the final answer
    final = outputs[-1]
    assert "Rome" in final and "<sup>[1]</sup>" in final and "**Sources**" in final
    assert "fly to Rome on Saturday" in final


def test_abstention_is_shown_with_what_was_searched(fake_assistant, sample_dir):
    assistant = fake_assistant("NOT IN SOURCES")
    assistant.ingest([sample_dir])
    final = list(ChatHandler(assistant).respond("Where will Witkoff fly on Saturday?", []))[-1]
    assert "The articles do not say" in final and "Searched for" in final


def test_article_html_is_escaped_in_the_sources(fake_assistant, tmp_path):
    corpus = tmp_path / "evil"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "The mayor of Springfield announced a new <img src=x onerror=alert(1)> bridge on Monday. "
        "The bridge will open in 2027 and cost 40 million dollars."
    )
    assistant = fake_assistant()
    assistant.ingest([corpus])
    question = "What did the mayor of Springfield announce?"
    assistant.ask(question)
    assistant.generator.replies.append("The mayor of Springfield announced a new bridge on Monday [1].")
    final = list(ChatHandler(assistant).respond(question, []))[-1]
    assert "<img" not in final and "&lt;img" in final


def test_errors_are_shown_not_raised(fake_assistant):
    class Broken:
        name = "broken"

        def generate(self, question, evidence):
            raise RuntimeError("server <down>")

    assistant = fake_assistant()
    assistant._generator = Broken()
    assistant.ingest([__import__("tests.conftest", fromlist=["SAMPLE"]).SAMPLE])
    final = list(ChatHandler(assistant).respond("Where will Witkoff fly on Saturday?", []))[-1]
    assert "Error" in final and "&lt;down&gt;" in final
