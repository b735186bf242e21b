"""The OpenAI-compatible HTTP API on a real uvicorn server on loopback, driven by the
official ``openai`` client and by plain HTTP (httpx).

Fast tests answer with the extractive backend and a hashing embedder over a real
embedded Chroma; the slow test at the end answers with the real local model.
"""

from __future__ import annotations

import json
import threading

import httpx
import openai
import pytest

from index.loader import load_file
from rag.assistant import Assistant
from rag.settings import Settings
from tests.conftest import SAMPLE
from tests.fakes import HashEmbedder
from tests.servers import serving
from ui.api import MODEL_ID, create_app

QUESTION = "Where will Witkoff fly on Saturday?"


@pytest.fixture
def assistant(settings):
    assistant = Assistant(settings, embedder=HashEmbedder())
    assistant.ingest([SAMPLE])
    return assistant


@pytest.fixture
def api(assistant):
    with serving(create_app(assistant)) as url:
        yield url


def client(url: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def test_chat_completion_carries_the_verified_citations(api, assistant):
    completion = client(api).chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}])
    text = completion.choices[0].message.content
    rag = completion.rag  # the extra field, kept by the client
    assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "stop"
    assert "Rome" in text and "[1]" in text and rag["abstained"] is False
    citation = rag["citations"][0]
    assert {"article_id", "title", "quote", "start", "end", "url", "passage"} <= set(citation)
    articles = {load_file(p).article_id: load_file(p).text for p in SAMPLE.glob("*.txt")}
    assert articles[citation["article_id"]][citation["start"] : citation["end"]] == citation["quote"]
    assert all(s["supported"] for s in rag["sentences"]) and rag["why"] == ""


def test_streamed_completion_sends_only_verified_text_then_the_citations(api):
    stream = client(api).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    draft = "".join(getattr(c.choices[0].delta, "rag_draft", None) or "" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    sources = chunks[1].choices[0].delta.rag_sources  # before any draft text
    assert sources["citations"][0]["n"] == 1 and sources["citations"][0]["quote"]
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].rag["citations"]
    plain = client(api).chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}])
    assert content == plain.choices[0].message.content and "Rome" in content  # the verified answer, whole
    assert "Rome" in draft  # the draft went first, apart from the content


def test_history_filters_and_content_parts_reach_the_assistant(assistant, monkeypatch):
    seen = {}
    original = assistant.stream

    def spy(question, filters=None, history=()):
        seen.update(question=question, filters=filters, history=list(history))
        yield from original(question, filters, history)

    monkeypatch.setattr(assistant, "stream", spy)
    with serving(create_app(assistant)) as url:
        client(url).chat.completions.create(
            model=MODEL_ID,
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Where will Witkoff fly?"},
                {"role": "assistant", "content": "To Rome [1]."},
                {"role": "user", "content": [{"type": "text", "text": "Who will he meet there?"}]},
            ],
            extra_body={"since": "2025-04-01", "until": "2025-04-30", "source": "Reuters"},
        )
    assert seen["question"] == "Who will he meet there?" and seen["history"] == ["Where will Witkoff fly?"]
    assert str(seen["filters"].since) == "2025-04-01" and seen["filters"].source == "Reuters"


def test_bad_requests_get_a_clear_4xx_and_never_a_traceback(api):
    cases = [
        ({"model": MODEL_ID, "messages": []}, "messages"),
        ({"model": MODEL_ID, "messages": [{"role": "assistant", "content": "hi"}]}, "last message must be a user"),
        ({"model": MODEL_ID, "messages": [{"role": "user", "content": "   "}]}, "last message must be a user"),
        ({"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}], "since": "yesterday"}, "since"),
        ({"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}], "since": "2025-05-01",
          "until": "2025-04-01"}, "after 'until'"),
    ]  # fmt: skip
    for body, message in cases:
        response = httpx.post(f"{api}/v1/chat/completions", json=body)
        assert response.status_code == 400, (body, response.text)
        assert message in response.json()["error"]["message"] and "Traceback" not in response.text
    broken = httpx.post(
        f"{api}/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and "error" in broken.json()
    missing = httpx.get(f"{api}/v1/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found_error"
    with pytest.raises(openai.BadRequestError, match="last message"):
        client(api).chat.completions.create(model=MODEL_ID, messages=[{"role": "assistant", "content": "x"}])


def test_api_key_is_required_when_set(assistant):
    with serving(create_app(assistant, api_key="s3cret")) as url:
        with pytest.raises(openai.AuthenticationError):
            client(url, "wrong").models.list()
        assert httpx.get(f"{url}/v1/articles").status_code == 401
        assert httpx.get(f"{url}/v1/articles", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert [m.id for m in client(url, "s3cret").models.list()] == [MODEL_ID]


def test_search_ingest_list_and_delete_over_plain_http(api, tmp_path):
    hits = httpx.post(f"{api}/v1/search", json={"query": "Witkoff Rome", "k": 3}).json()["data"]
    assert [h["rank"] for h in hits] == [1, 2, 3] and all(h["text"] and h["article_id"] for h in hits)
    assert httpx.post(f"{api}/v1/search", json={"query": ""}).status_code == 400

    story = tmp_path / "harbour.txt"
    story.write_text("date 2025-05-02 Harbour reopens\n\nThe Dover harbour reopened on Friday after the storm.")
    with story.open("rb") as f:
        report = httpx.post(f"{api}/v1/ingest", files={"file": ("harbour.txt", f, "text/plain")}).json()
    assert len(report["added"]) == 1 and report["skipped"] == []
    ferry = {"title": "Ferry strike ends", "text": "The ferry strike in Calais ended on Monday, unions said."}
    lines = [json.dumps(ferry), "{not json"]
    dump = httpx.post(f"{api}/v1/ingest?name=feed.jsonl", content="\n".join(lines).encode(),
                      headers={"content-type": "application/x-ndjson"}).json()  # fmt: skip
    assert len(dump["added"]) == 1 and "feed.jsonl#2" in dump["skipped"][0]["path"]
    assert httpx.post(f"{api}/v1/ingest", content=b"x", headers={"content-type": "text/plain"}).status_code == 415

    listed = httpx.get(f"{api}/v1/articles").json()["data"]
    assert len(listed) == 4
    harbour = next(a for a in listed if a["title"] == "Harbour reopens")
    deleted = httpx.delete(f"{api}/v1/articles/{harbour['article_id']}").json()
    assert deleted["deleted"] and deleted["chunks"] >= 1
    assert len(httpx.get(f"{api}/v1/articles").json()["data"]) == 3
    assert httpx.delete(f"{api}/v1/articles/{harbour['article_id']}").status_code == 404


def test_a_question_waiting_on_the_model_does_not_block_search(assistant):
    """The local model answers one question at a time; the other routes go on meanwhile."""
    release, generating = threading.Event(), threading.Event()
    generate = assistant.generator.generate

    def slow(question, evidence):
        generating.set()
        release.wait(60)
        yield from generate(question, evidence)

    assistant.generator.generate = slow
    with serving(create_app(assistant)) as url:
        done = {}
        body = {"messages": [{"role": "user", "content": QUESTION}]}
        asking = threading.Thread(
            target=lambda: done.update(r=httpx.post(f"{url}/v1/chat/completions", json=body, timeout=90))
        )
        asking.start()
        assert generating.wait(30)
        assert httpx.post(f"{url}/v1/search", json={"query": "Witkoff"}, timeout=30).status_code == 200
        assert httpx.get(f"{url}/v1/articles", timeout=30).status_code == 200
        assert "r" not in done  # the question is still waiting on the model
        release.set()
        asking.join(60)
    assert done["r"].status_code == 200 and "Rome" in done["r"].json()["choices"][0]["message"]["content"]


@pytest.mark.slow
def test_the_real_local_model_answers_through_the_openai_client(tmp_path, real_embedder, local_generator):
    assistant = Assistant(Settings(home=tmp_path / "home"), embedder=real_embedder, generator=local_generator)
    assistant.ingest([SAMPLE])
    with serving(create_app(assistant, api_key="k")) as url:
        completion = client(url, "k").chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}]
        )
        streamed = list(client(url, "k").chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}], stream=True))  # fmt: skip
    assert "Rome" in completion.choices[0].message.content and completion.rag["citations"]
    assert all(s["supported"] for s in completion.rag["sentences"])
    content = "".join(c.choices[0].delta.content or "" for c in streamed)
    assert "Rome" in content and "[" in content and streamed[-1].rag["citations"]
    assert any(getattr(c.choices[0].delta, "rag_draft", None) for c in streamed)  # the draft went first
