"""The chat and corpus handlers without a browser, and the escaping of everything rendered."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SAMPLE
from tests.fakes import source_number
from ui.app import ChatHandler, CorpusHandler, parse_auth
from ui.render import escape


def test_escape_neutralises_html_and_markdown():
    out = escape('<script>alert(1)</script> <img src=x onerror="x()"> [link](http://e) **b**')
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert "](" not in out and "**" not in out


def test_control_characters_of_wire_copy_are_not_shown():
    from rag.printing import format_answer
    from rag.types import Answer, AnswerSentence, Citation
    from ui.render import sources_html

    passage = "The bank said the network would link 31 banks.\n Reuter\n\x03"
    quote = passage[:47]
    cite = Citation(1, "wire-1", "Texas\x03 bank", quote, 0, 47, "wire-1-0", passage, 0)
    answer = Answer("q", "The bank said the network would link 31 banks [1].", False, [cite],
                    [AnswerSentence("The bank said the network would link 31 banks.", [1], True, 1.0)])  # fmt: skip
    assert "\x03" not in sources_html(answer) and "Reuter" in sources_html(answer)
    assert "\x03" not in format_answer(answer)
    assert escape("Reuter\n\x03") == "Reuter"


def test_chat_streams_then_shows_the_answer_with_markers_and_source_cards(fake_assistant, sample_dir):
    assistant = fake_assistant()
    assistant.ingest([sample_dir])
    question = "Where will Witkoff fly on Saturday?"
    n = source_number(assistant, question, "fly to Rome")
    assistant.generator.replies.append(f"Witkoff will fly to Rome on Saturday [{n}].")
    outputs = list(ChatHandler(assistant).respond(question, []))
    assert len(outputs) > 2  # drafts while generating, then the verified answer
    chat, cards, box = outputs[-1]
    assert box == "" and chat[0] == {"role": "user", "content": escape(question)}
    assert 'href="#cite-1"' in chat[-1]["content"] and "Rome" in chat[-1]["content"]
    assert 'id="cite-1"' in cards and "<sup>[1]</sup>Witkoff will fly to Rome on Saturday" in cards
    # Before any draft: the source cards and the verified preview, then the draft under it.
    first_chat, first_cards, _ = outputs[0]
    assert "Preview" in first_chat[-1]["content"] and "Rome" in first_chat[-1]["content"]
    assert first_cards.count('class="card"') >= 1 and f'id="cite-{n}"' in first_cards
    assert "Draft, being verified" in outputs[1][0][-1]["content"]


def test_what_verification_cut_from_the_draft_is_shown_with_its_reason(fake_assistant, sample_dir):
    assistant = fake_assistant()
    assistant.ingest([sample_dir])
    question = "Where will Witkoff fly on Saturday?"
    n = source_number(assistant, question, "fly to Rome")
    assistant.generator.replies.append(f"Witkoff will fly to Rome on Saturday [{n}]. He will meet 12 cardinals [{n}].")
    chat, _, _ = list(ChatHandler(assistant).respond(question, []))[-1]
    shown = chat[-1]["content"]
    assert "1 drafted sentence not shown" in shown and "<li>He will meet 12 cardinals." in shown


def test_abstention_is_shown_with_what_was_searched(fake_assistant, sample_dir):
    assistant = fake_assistant("NOT IN SOURCES")
    assistant.ingest([sample_dir])
    chat, cards, _ = list(ChatHandler(assistant).respond("Where will Witkoff fly on Saturday?", []))[-1]
    assert "The articles do not say" in chat[-1]["content"] and "Searched the articles for" in chat[-1]["content"]
    assert "(the model found no answer in the sources.)" in chat[-1]["content"]
    assert "No sources" in cards


def test_follow_up_uses_the_conversation(fake_assistant, sample_dir):
    assistant = fake_assistant("NOT IN SOURCES", "NOT IN SOURCES")
    assistant.ingest([sample_dir])
    handler = ChatHandler(assistant)
    chat, _, _ = list(handler.respond("Where will Witkoff fly on Saturday?", []))[-1]
    list(handler.respond("Who will he meet there?", chat))
    question, evidence = assistant.generator.seen[-1]
    assert "Where will Witkoff fly on Saturday?" in question  # the fallback keeps the earlier turn
    assert any("Araghchi" in e.quote for e in evidence)


def test_filters_reach_retrieval_and_bad_dates_are_explained(fake_assistant, sample_dir):
    assistant = fake_assistant("NOT IN SOURCES")
    assistant.ingest([sample_dir])
    handler = ChatHandler(assistant)
    list(handler.respond("Where will Witkoff fly on Saturday?", [], since="2025-04-17", until="2025-04-17"))
    _, evidence = assistant.generator.seen[-1]
    assert evidence and all(e.date == "2025-04-17" for e in evidence)
    chat, _, _ = list(handler.respond("Where?", [], since="April"))[-1]
    assert "must be a date like 2025-04-17" in chat[-1]["content"]


def test_unsupported_sentences_are_flagged_when_kept(fake_assistant, sample_dir):
    assistant = fake_assistant()
    assistant.settings = assistant.settings.model_copy(update={"keep_unsupported": True})
    assistant.ingest([sample_dir])
    question = "Where will Witkoff fly on Saturday?"
    n = source_number(assistant, question, "fly to Rome")
    assistant.generator.replies.append(
        f"Witkoff will fly to Rome on Saturday [{n}]. He will meet Pope Leo there [{n}]."
    )
    chat, _, _ = list(ChatHandler(assistant).respond(question, []))[-1]
    assert "(unsupported)" in chat[-1]["content"]


def test_article_html_is_escaped_in_chat_and_cards(fake_assistant, tmp_path):
    corpus = tmp_path / "evil"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "The mayor of Springfield announced a new <img src=x onerror=alert(1)> bridge on Monday. "
        "The bridge <script>alert(2)</script> will open in 2027 and cost 40 million dollars."
    )
    assistant = fake_assistant()
    assistant.ingest([corpus])
    question = "What did the mayor of Springfield announce?"
    assistant.ask(question)
    assistant.generator.replies.append("The mayor of Springfield announced a new bridge on Monday [1].")
    chat, cards, _ = list(ChatHandler(assistant).respond(question, []))[-1]
    for rendered in (chat[-1]["content"], cards):
        assert "<img" not in rendered and "<script" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in cards


def test_errors_are_shown_not_raised(fake_assistant):
    class Broken:
        name = "broken"

        def generate(self, question, evidence):
            raise RuntimeError("server <down>")

    assistant = fake_assistant()
    assistant._generator = Broken()
    assistant.ingest([SAMPLE])
    chat, _, _ = list(ChatHandler(assistant).respond("Where will Witkoff fly on Saturday?", []))[-1]
    assert "Error" in chat[-1]["content"] and "&lt;down&gt;" in chat[-1]["content"]


def test_corpus_upload_reports_bad_files_and_lists_and_deletes(fake_assistant, tmp_path):
    assistant = fake_assistant()
    good = tmp_path / "good.md"
    good.write_text("# Harbour reopens\n\nThe harbour reopened after the storm, officials said on Monday.")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    handler = CorpusHandler(assistant)
    told = []
    message, rows = handler.upload([str(good), str(bad)], progress=lambda fraction, desc: told.append((fraction, desc)))
    assert "1 added" in message and "bad.txt" in message and "binary" in message
    assert [f for f, _ in told] == sorted(f for f, _ in told) and told[-1][0] == 1.0, told
    assert "2 articles, 1 chunk " in told[-1][1] and "of 2 files" in told[-1][1], told
    assert [r[1] for r in rows] == ["Harbour reopens"]
    # A corrected file of the same name (from another temporary folder, as browsers send
    # them) replaces the earlier version instead of keeping both searchable.
    (tmp_path / "again").mkdir()
    fixed = tmp_path / "again" / "good.md"
    fixed.write_text("# Harbour reopens on Tuesday\n\nThe harbour reopened after the storm, officials said on Tuesday.")
    message, rows = handler.upload([str(fixed)])
    assert "1 updated" in message and "replaced" in message, message
    assert [r[1] for r in rows] == ["Harbour reopens on Tuesday"]
    message, rows = handler.delete(rows[0][0])
    assert "Removed" in message and rows == []
    assert "No article" in handler.delete("nope")[0]


def test_auth_setting_is_parsed_strictly():
    assert parse_auth("ann:s3cret") == ("ann", "s3cret")
    assert parse_auth(None) is None
    with pytest.raises(ValueError):
        parse_auth("no-colon")


def test_only_http_links_are_rendered_on_cards():
    from rag.types import Citation
    from ui.render import _card, web_link

    assert web_link("https://www.bbc.co.uk/news/1") and web_link("HTTP://example.org/a?b=c")
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x",
                "//evil.example/x", "https://a.example/\nx", None, ""):  # fmt: skip
        assert not web_link(bad), bad
    citation = Citation(n=1, article_id="a1", title="T", quote="Q.", start=0, end=2, chunk_id="c1", passage="Q.",
                        passage_start=0,
                        url="javascript:alert(document.cookie)")  # fmt: skip
    assert "<a " not in _card([citation]) and "javascript" not in _card([citation])


def test_sources_are_grouped_one_card_per_article_with_every_quote_highlighted():
    from rag.printing import format_answer
    from rag.types import Answer, Citation
    from ui.render import sources_html

    passage = "Rubio met Barrot. Witkoff met Macron. They flew home."
    other = "The talks in Rome begin on Saturday."

    def cite(n, quote, article="paris", text=passage, title="Paris talks"):
        start = text.index(quote)
        return Citation(n=n, article_id=article, title=title, quote=quote, start=100 + start,
                        end=100 + start + len(quote), chunk_id="c", passage=text, passage_start=100)  # fmt: skip

    citations = [cite(1, "Rubio met Barrot."), cite(2, "The talks in Rome begin on Saturday.", "rome", other, "Rome"),
                 cite(3, "Witkoff met Macron.")]  # fmt: skip
    answer = Answer(question="Who met?", answer="Rubio met Barrot [1]. Talks begin [2]. Witkoff met Macron [3].",
                    abstained=False, citations=citations)  # fmt: skip
    cards = sources_html(answer)
    assert cards.count('class="card"') == 2  # two articles, not three citations
    paris = cards[: cards.index("Rome</b>")]
    assert "[1][3]" in paris and paris.count("<mark") == 2 and paris.count("Rubio met Barrot.") == 1
    assert paris.index('id="cite-1"') < paris.index('id="cite-3"') and 'id="cite-2"' in cards
    printed = format_answer(answer)
    assert (
        printed.count("Paris talks") == 1 and "[1][3] Paris talks" in printed and "[3] “Witkoff met Macron.”" in printed
    )


def test_the_page_config_carries_nothing_of_the_corpus(fake_assistant, tmp_path):
    """Sources and articles are filled on page load (after login), not built into the page."""
    from ui.app import build_app

    dump = tmp_path / "wire.jsonl"
    dump.write_text('{"title": "Harbour reopens", "source": "Secret Wire Service", "text": "The harbour reopened."}\n')
    assistant = fake_assistant()
    assistant.ingest([dump])
    app = build_app(assistant)
    assert "Secret Wire" not in json.dumps(app.get_config_file()) and "Harbour reopens" not in str(app.config)
    load = next(fn for fn in app.fns.values() if fn.name == "<lambda>" and len(fn.outputs) == 2)
    choices, rows = load.fn()
    assert "Secret Wire Service" in choices["choices"] and rows[0][1] == "Harbour reopens"
