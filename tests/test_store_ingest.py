"""Ingestion into a real Chroma (embedded, in tmp_path): idempotent, edits replace, deletes remove."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest import Ingestor
from index.loader import load_file
from index.store import ChunkStore
from tests.fakes import HashEmbedder


def make(tmp_path: Path, embedder=None) -> Ingestor:
    return Ingestor(ChunkStore(tmp_path / "chroma"), embedder or HashEmbedder(), chunk_chars=400)


def test_ingest_twice_changes_nothing_and_embeds_nothing(tmp_path, sample_dir):
    embedder = HashEmbedder()
    ingestor = make(tmp_path, embedder)
    first = ingestor.ingest_paths([sample_dir])
    count = ingestor.store.count()
    assert len(first.added) == 2 and first.chunks_added == count > 4
    calls = len(embedder.calls)
    second = ingestor.ingest_paths([sample_dir])
    assert len(second.unchanged) == 2 and second.chunks_added == 0
    assert ingestor.store.count() == count
    assert len(embedder.calls) == calls  # no re-embedding


def test_state_survives_reopening_the_store(tmp_path, sample_dir):
    make(tmp_path).ingest_paths([sample_dir])
    reopened = ChunkStore(tmp_path / "chroma")
    assert {a["title"][:5] for a in reopened.articles()} == {"Rubio", "Donal"}


def test_edited_article_replaces_its_old_chunks(tmp_path, sample_dir):
    ingestor = make(tmp_path)
    ingestor.ingest_paths([sample_dir])
    path = sample_dir / "rubio-witkoff-heading-to-france.txt"
    old_id = load_file(path).article_id
    path.write_text(path.read_text().replace("Jean-Noël Barrot", "Jean-Noël Barrot and nobody else"))
    report = ingestor.ingest_paths([sample_dir])
    new_id = load_file(path).article_id
    assert report.replaced == [new_id] and len(report.unchanged) == 1
    assert ingestor.store.chunk_ids(article_id=old_id) == set()
    texts = ingestor.store.collection.get(where={"article_id": new_id})["documents"]
    assert any("nobody else" in t for t in texts)
    assert len(ingestor.store.articles()) == 2


def test_delete_article_removes_all_its_chunks(tmp_path, sample_dir):
    ingestor = make(tmp_path)
    ingestor.ingest_paths([sample_dir])
    article_id = load_file(sample_dir / "paris-talks-rubio-witkoff-macron.txt").article_id
    before = ingestor.store.count()
    removed = ingestor.store.delete_article(article_id)
    assert removed > 0 and ingestor.store.count() == before - removed
    assert article_id not in {a["article_id"] for a in ingestor.store.articles()}


def test_bad_file_is_reported_and_the_rest_ingested(tmp_path, sample_dir):
    (sample_dir / "broken.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    report = make(tmp_path).ingest_paths([sample_dir, tmp_path / "nowhere.txt"])
    assert len(report.added) == 2
    assert {Path(s.path).name for s in report.skipped} == {"broken.txt", "nowhere.txt"}


def test_query_returns_cosine_scores_best_first_and_filters_by_date(tmp_path, sample_dir):
    from datetime import date

    from rag.retriever import Filters

    embedder = HashEmbedder()
    ingestor = make(tmp_path, embedder)
    ingestor.ingest_paths([sample_dir])
    vec = embedder.embed(["Witkoff proposed acknowledging Russia's claim over four contested regions"])[0]
    hits = ingestor.store.query(vec, 3)
    assert "four contested regions" in hits[0].text
    assert hits[0].score >= hits[1].score >= hits[2].score and 0 < hits[0].score <= 1
    dated = ingestor.store.query(vec, 20, where=Filters(since=date(2025, 4, 1)).where())
    assert dated and all(h.date == "2025-04-17" for h in dated)
    assert ingestor.store.query(vec, 20, where=Filters(until=date(2024, 1, 1)).where()) == []


def test_sync_removes_articles_whose_files_are_gone_but_keeps_unreadable_ones(tmp_path, sample_dir):
    ingestor = make(tmp_path)
    ingestor.ingest_paths([sample_dir])
    gone = sample_dir / "paris-talks-rubio-witkoff-macron.txt"
    gone_id = load_file(gone).article_id
    kept = sample_dir / "rubio-witkoff-heading-to-france.txt"
    kept_id = load_file(kept).article_id
    gone.unlink()
    plain = ingestor.ingest_paths([sample_dir])
    assert plain.removed_articles == [] and ingestor.store.chunk_ids(article_id=gone_id)
    kept.write_bytes(b"\x00binary now")  # unreadable this time: its old article stays
    synced = ingestor.ingest_paths([sample_dir], sync=True)
    assert synced.removed_articles == [gone_id]
    assert ingestor.store.chunk_ids(article_id=gone_id) == set()
    assert ingestor.store.chunk_ids(article_id=kept_id)


def test_near_duplicate_article_is_reported_not_doubled(tmp_path, sample_dir):
    ingestor = make(tmp_path)
    ingestor.ingest_paths([sample_dir])
    count = ingestor.store.count()
    text = (sample_dir / "rubio-witkoff-heading-to-france.txt").read_text()
    (sample_dir / "wire-copy.txt").write_text(text.replace("By Staff, Agencies", "By Staff, Agencies (AFP)"))
    report = ingestor.ingest_paths([sample_dir])
    assert len(report.duplicates) == 1 and "near-duplicate of" in report.duplicates[0].reason
    assert ingestor.store.count() == count


def test_the_same_article_twice_in_one_batch_is_written_once(tmp_path):
    corpus = tmp_path / "twice"
    corpus.mkdir()
    text = "The ferry service resumed on Sunday after repairs to the pier, the operator said."
    (corpus / "a.txt").write_text(text)
    (corpus / "b.txt").write_text(text)
    ingestor = make(tmp_path)
    report = ingestor.ingest_paths([corpus])
    assert len(report.added) == 1 and len(report.unchanged) == 1
    assert ingestor.store.count() == 1


def test_two_records_differing_only_in_spacing_are_one_article_on_every_run(tmp_path):
    """The BBC dump holds such a pair: the second copy replaced the first on every re-run."""
    import json

    story = "Davenport hits out at Wimbledon.\n\nThe world number one said the prize money was unfair. "
    records = [
        {"title": "Davenport hits out at Wimbledon", "text": story},
        {"title": "Ferry resumes", "text": "The ferry service resumed on Sunday after repairs, the operator said."},
        {"title": "Davenport hits out at Wimbledon", "text": story.replace("\n\n", " ")},
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records))
    reports = []
    for _ in range(2):
        ingestor = Ingestor(ChunkStore(tmp_path / "chroma"), HashEmbedder(), chunk_chars=400, batch_chunks=1)
        reports.append(ingestor.ingest_paths([dump]))
    first, second = reports
    assert len(first.added) == 2 and len(first.unchanged) == 1 and first.chunks_added == 2
    assert second.chunks_added == second.chunks_removed == 0 and second.replaced == []
    assert len(second.unchanged) == 3 and ingestor.store.count() == 2


def test_a_near_duplicate_within_one_batch_is_reported_not_doubled(tmp_path):
    corpus = tmp_path / "wires"
    corpus.mkdir()
    story = (
        "The ferry service between the islands resumed on Sunday after three weeks of repairs to the "
        "northern pier, the operator said, adding that timetables would return to normal by Friday."
    )
    (corpus / "a-first.txt").write_text(story)
    (corpus / "b-wire-copy.txt").write_text(story.replace("the operator said", "the operator said on Sunday"))
    (corpus / "c-other.txt").write_text("The city council approved a new budget for road maintenance on Tuesday.")
    ingestor = make(tmp_path)
    report = ingestor.ingest_paths([corpus])
    assert len(report.added) == 2, report
    assert len(report.duplicates) == 1 and "b-wire-copy" in str(report.duplicates[0].path)
    assert "near-duplicate of" in report.duplicates[0].reason


def test_a_skipped_near_duplicate_stays_skipped_when_closer_articles_arrive_later(tmp_path):
    """Re-ingesting changes nothing, whatever the near-duplicate check decided the first time.

    The copy is checked against the three nearest stored chunks. On the first run only
    its twin is stored; on a second run three later stories (same words, other figures:
    not near-duplicates) are nearer, and without a record of the first decision the
    copy came in (Reuters: 20,922 -> 20,923 articles on a second run).
    """
    corpus = tmp_path / "wires"
    corpus.mkdir()
    story = (
        "The ferry service between the islands resumed on Sunday after three weeks of repairs to the "
        "northern pier, the operator said, adding that timetables would return to normal by Friday."
    )
    copy = story.replace("the operator said", "the operator said on Sunday")
    (corpus / "a-first.txt").write_text(story)
    (corpus / "b-wire-copy.txt").write_text(copy)
    for n in (4, 5, 6):  # nearer to the copy than its twin is, but other figures
        (corpus / f"c-{n}-weeks.txt").write_text(copy.replace("three weeks", f"{n} weeks"))
    embedder = HashEmbedder()
    ingestor = Ingestor(ChunkStore(tmp_path / "chroma"), embedder, chunk_chars=400, batch_chunks=1)
    first = ingestor.ingest_paths([corpus])
    assert len(first.added) == 4 and [Path(d.path).name for d in first.duplicates] == ["b-wire-copy.txt"]
    count, calls = ingestor.store.count(), len(embedder.calls)

    again = Ingestor(ChunkStore(tmp_path / "chroma"), embedder, chunk_chars=400, batch_chunks=1)
    second = again.ingest_paths([corpus])
    assert second.chunks_added == 0 and again.store.count() == count, second.summary()
    assert [Path(d.path).name for d in second.duplicates] == ["b-wire-copy.txt"]
    assert first.duplicates[0].reason == second.duplicates[0].reason
    assert len(embedder.calls) == calls  # the copy is not embedded again

    # Its twin deleted, the copy is nobody's duplicate any more: the next run takes it in.
    again.delete_article(load_file(corpus / "a-first.txt").article_id)
    (corpus / "a-first.txt").unlink()
    third = again.ingest_paths([corpus])
    assert third.added == [load_file(corpus / "b-wire-copy.txt").article_id] and third.duplicates == []
    assert again.store.count() == count


def _dump(path: Path, n: int, bad: dict[int, str] | None = None) -> Path:
    """A JSONL dump of n distinct short articles; ``bad`` replaces some lines (numbered from 1)."""
    import json

    towns = ["Arlon", "Bree", "Cask", "Dorn", "Elm", "Fenwick", "Galt"]
    lines = [
        json.dumps({"title": f"Budget {i}", "date": "2024-03-01", "text":
                    f"The council of {towns[i % 7]} approved budget number {i} on Tuesday. "
                    f"Spending on item {i * 7} rises by {i % 13 + 1} percent, the mayor said."})
        for i in range(n)
    ]  # fmt: skip
    for number, line in (bad or {}).items():
        lines[number - 1] = line
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_dump_is_committed_batch_by_batch_with_progress(tmp_path):
    """Batches commit inside one file: the store grows while the file is still being read."""
    dump = _dump(tmp_path / "dump.jsonl", 200)
    store = ChunkStore(tmp_path / "chroma")
    ingestor = Ingestor(store, HashEmbedder(), chunk_chars=400, batch_chunks=32)
    seen = []
    report = ingestor.ingest_paths([dump], progress=lambda s: seen.append((s.bytes_done, s.fraction, store.count())))
    assert len(report.added) == 200 and report.chunks_added == store.count() == 200
    mid_file = [count for done, fraction, count in seen if 0 < fraction < 1]
    assert len(mid_file) >= 5 and 0 < mid_file[0] < mid_file[-1] < 200, seen
    assert [d for d, *_ in seen] == sorted(d for d, *_ in seen) and seen[-1][1] == 1.0


def test_freed_memory_is_handed_back_after_every_batch(tmp_path, monkeypatch):
    """The embedding model's working memory goes back to the system batch by batch
    (index/memory.py; `make bench`'s ingest_dump measures what it saves)."""
    import index.ingest
    from index.memory import release_freed_memory

    assert release_freed_memory() is True  # glibc, on the machines CI runs on
    calls = []
    monkeypatch.setattr(index.ingest, "release_freed_memory", lambda: calls.append(1) or True)
    ingestor = Ingestor(ChunkStore(tmp_path / "chroma"), HashEmbedder(), chunk_chars=400, batch_chunks=32)
    report = ingestor.ingest_paths([_dump(tmp_path / "dump.jsonl", 200)])
    assert report.chunks_added == 200 and len(calls) >= 200 // 32


def test_bad_records_inside_a_dump_are_named_and_skipped(tmp_path, monkeypatch):
    import index.loader

    monkeypatch.setattr(index.loader, "MAX_LINE_BYTES", 8192)
    bad = {
        3: '{"text": "A story with an impossible date stamp, kept without it.", "date": NaN}',
        4: '{"text": "A story dated beyond the calendar, also kept.", "date": 1e20}',
        5: "[" * 4000 + "]" * 4000,
        6: '{"text": "' + "word " * 2000 + '"}',  # over the (patched) line limit
        7: '{"title": "no text here"}',
        8: "{oops",
    }
    dump = _dump(tmp_path / "dump.jsonl", 20, bad)
    with dump.open("ab") as f:  # one Latin-1 line in a UTF-8 file
        f.write('{"text": "Le conseil a voté après le débat sur la dette."}\n'.encode("latin-1"))
    report = make(tmp_path).ingest_paths([dump])
    reasons = {s.path.rsplit("#", 1)[1]: s.reason for s in report.skipped}
    assert set(reasons) == {"5", "6", "7", "8"}, reasons
    assert "nested too deeply" in reasons["5"] and "over" in reasons["6"] and "no text" in reasons["7"]
    assert "not valid JSON" in reasons["8"]
    assert len(report.added) == 20 - 4 + 1
    store = make(tmp_path).store
    assert any("après" in c.text for c in store.iter_chunks())
    assert {r["date"] for r in store.articles() if "calendar" in (r["title"] or "")} == {None}


def test_the_collection_records_its_embedding_model_and_refuses_another(tmp_path, sample_dir):
    from index.store import StoreError

    class OtherEmbedder(HashEmbedder):
        name = "another-model"

    ingestor = Ingestor(ChunkStore(tmp_path / "chroma", embedding_model="hash-embedder"), HashEmbedder())
    ingestor.ingest_paths([sample_dir])
    assert ChunkStore(tmp_path / "chroma", embedding_model="hash-embedder").recorded_model == "hash-embedder"
    other = ChunkStore(tmp_path / "chroma", embedding_model=OtherEmbedder.name)
    with pytest.raises(StoreError, match="embedded with 'hash-embedder', not the configured 'another-model'"):
        other.query(OtherEmbedder().embed(["Witkoff"])[0], 3)
    # A collection written before models were recorded is read as it is.
    legacy = ChunkStore(tmp_path / "legacy")
    Ingestor(legacy, HashEmbedder()).ingest_paths([sample_dir])
    assert ChunkStore(tmp_path / "legacy", embedding_model="another-model").count() == legacy.count()


@pytest.mark.slow  # loads the real embedding model
def test_cli_names_the_model_mismatch_instead_of_answering(tmp_path, sample_dir):
    from click.testing import CliRunner

    from rag.cli import main

    env = {"RAG_HOME": str(tmp_path / "home"), "RAG_LLM": "extractive"}
    assert CliRunner().invoke(main, ["ingest", str(sample_dir)], env=env).exit_code == 0
    folder = tmp_path / "other-model"
    folder.mkdir()
    result = CliRunner().invoke(main, ["search", "Witkoff"], env={**env, "RAG_EMBED_MODEL_PATH": str(folder)})
    assert result.exit_code != 0 and "embedded with 'all-MiniLM-L6-v2'" in result.output, result.output
