"""A persistent keyword (BM25) index over the same chunks as the vector store.

SQLite's FTS5 gives BM25 ranking, incremental inserts and deletes, and a file under
``RAG_HOME`` that survives restarts; no rebuild is needed. (llama-index's
``BM25Retriever.from_defaults(index=...)`` cannot work on a Chroma-backed index,
whose docstore is empty.) Accents are folded by the tokenizer ("Plötner" matches
"Plotner"), and a second column holds spelling-variant keys of names, so that
"Yermak" finds "Irmak" and "Sybiha" finds "Sybiga".
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from index.types import Chunk

_WORD = re.compile(r"\w+", re.UNICODE)
SCHEMA_VERSION = 2  # 2: an FTS row's rowid is its chunk's rowid in ``chunks``
# FTS5 scores every row a query matches (~6-9 microseconds each on 2 cores): a search
# ranks about this many rows at most (see ``KeywordIndex.search``).
RANK_BUDGET = 10_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, date_int INTEGER, source TEXT
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    chunk_id UNINDEXED, text, variants, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_vocab USING fts5vocab(chunk_fts, 'col');
"""


def variant_key(word: str) -> str | None:
    """A spelling-variant key for a capitalised name, or None for other words.

    Transliterations differ mostly in vowels and in a few consonant pairs (Ukrainian
    г as h or g, и/і as y or i, Yermak/Irmak, Umerov/Oumerov). The key keeps the
    consonant skeleton after the first letter's vowel sound, with g/h and k/c/q merged.
    """
    if len(word) < 4 or not word[0].isupper():
        return None
    from lang.text import fold

    w = fold(word)
    w = re.sub(r"[^a-z]", "", w)
    w = w.translate(str.maketrans("ghcqkxwv", "hhkkkkvv"))
    w = w.replace("ph", "f").replace("ts", "s").replace("tz", "s")
    skeleton = re.sub(r"[aeiouy]", "", w)
    skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
    return f"v{skeleton}" if len(skeleton) >= 3 else None


def variants(text: str) -> str:
    keys = (variant_key(m.group()) for m in _WORD.finditer(text))
    return " ".join(k for k in keys if k)


def _fold_token(word: str) -> str:
    """A word as the unicode61 tokenizer (remove_diacritics 2) stores it."""
    from lang.text import fold

    return fold(word)


def _match_terms(query: str) -> list[tuple[str, str]]:
    """The query's searchable terms as (column, token): its words, and the variant keys of its names.

    A question typed all in lower case ("who is yermak?") says nothing by case about
    which words are names, so each of its words is read as one might be ("Irmak").
    """
    from lang.text import STOPWORDS, fold

    uncased = query.strip()[1:] == query.strip()[1:].lower()
    terms = []
    for m in _WORD.finditer(query):
        word = m.group()
        if fold(word) in STOPWORDS or len(word) < 2:
            continue
        terms.append(("text", _fold_token(word)))
        key = variant_key(word[0].upper() + word[1:] if uncased else word)
        if key:
            terms.append(("variants", key))
    return list(dict.fromkeys(terms))


def _expression(terms: Sequence[tuple[str, str]]) -> str:
    return " OR ".join(f'{column}:"{token}"' for column, token in terms)


def _match_expression(query: str) -> str | None:
    """An FTS5 query: any of the query's words, or any variant key of its names."""
    return _expression(_match_terms(query)) or None


class KeywordIndex:
    """BM25 search over chunk texts, kept in step with the vector store by the ingestor."""

    def __init__(self, path: Path, rank_budget: int | None = None) -> None:
        self.path = path
        self.rank_budget = RANK_BUDGET if rank_budget is None else rank_budget
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            _migrate(conn)
            self._conn = conn
        return self._conn

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Add (or replace) chunks in one transaction: all of them or none.

        The write lock is taken first (``BEGIN IMMEDIATE``, waiting for another writer as
        long as the busy timeout allows): a transaction that reads before it writes (each
        replace looks up the old row) cannot be upgraded in WAL mode once another process
        has written, and would fail with "database is locked".
        """
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                for c in chunks:
                    _delete(conn, c.chunk_id)
                    row = conn.execute(
                        "INSERT INTO chunks VALUES (?, ?, ?, ?)",
                        (c.chunk_id, c.article_id, c.metadata.get("date_int"), c.metadata.get("source")),
                    ).lastrowid
                    conn.execute(
                        "INSERT INTO chunk_fts (rowid, chunk_id, text, variants) VALUES (?, ?, ?, ?)",
                        (row, c.chunk_id, c.text, variants(c.text)),
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            for chunk_id in ids:
                _delete(conn, chunk_id)
            conn.execute("COMMIT")

    def has(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` the index holds."""
        ids = list(ids)
        held: set[str] = set()
        with self._lock:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                marks = ",".join("?" * len(part))
                held.update(
                    r[0] for r in self.conn.execute(f"SELECT chunk_id FROM chunks WHERE chunk_id IN ({marks})", part)
                )
        return held

    def get_state(self, key: str, default: int = 0) -> int:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else default

    def set_state(self, key: str, value: int) -> None:
        with self._lock:
            self.conn.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, int(value)))

    def ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT chunk_id FROM chunks")}

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def document_count(self, word: str, column: str = "text") -> int:
        """How many chunks hold ``word`` (as the tokenizer folds it) in ``column``."""
        token = _fold_token(word) if column == "text" else word
        row = self.conn.execute("SELECT doc FROM chunk_vocab WHERE term = ? AND col = ?", (token, column)).fetchone()
        return int(row[0]) if row else 0

    def search(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """``(chunk_id, bm25)`` pairs, best first (higher is better).

        FTS5 scores every row a query matches before it sorts them, so a word a third
        of a million chunks hold would cost seconds. When the query's words match more
        rows than ``rank_budget`` in all, the rarest words are kept while they fit in it
        and the commoner ones left out (their weight in BM25 is small: their inverse
        document frequency is low); when even the rarest does not fit, only the newest
        ``rank_budget`` matches are ranked. Archives of ten thousand chunks or so are
        ranked in full, as before.
        """
        terms = _match_terms(query)
        if not terms:
            return []
        held = {term: self.document_count(term[1], term[0]) for term in terms}
        chosen, bounded = terms, False
        if sum(held.values()) > self.rank_budget:
            chosen, total = [], 0
            for term in sorted((t for t in terms if held[t]), key=held.__getitem__):
                if total + held[term] > self.rank_budget:
                    break
                chosen.append(term)
                total += held[term]
            chosen, bounded = chosen or terms, not chosen
        conditions = _conditions(where)
        sql = "SELECT f.chunk_id, -bm25(chunk_fts, 0.0, 1.0, 0.6) AS score FROM chunk_fts f "
        sql += "JOIN chunks c ON c.rowid = f.rowid " if conditions else ""  # the filters' columns
        sql += "WHERE chunk_fts MATCH ?"
        params: list[Any] = [_expression(chosen)]
        for column, op, value in conditions:
            sql += f" AND c.{column} {op} ?"
            params.append(value)
        if bounded:
            sql = f"SELECT chunk_id, score FROM ({sql} ORDER BY f.rowid DESC LIMIT {int(self.rank_budget)})"
        sql += " ORDER BY score DESC LIMIT ?"
        params.append(k)
        with self._lock:
            return [(row[0], float(row[1])) for row in self.conn.execute(sql, params)]


def _delete(conn: sqlite3.Connection, chunk_id: str) -> None:
    """Remove a chunk from both tables, found by its id's index (an FTS5 column has none)."""
    row = conn.execute("SELECT rowid FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
    if row:
        conn.execute("DELETE FROM chunk_fts WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM chunks WHERE rowid = ?", (row[0],))


def _migrate(conn: sqlite3.Connection) -> None:
    """Give an index written before version 2 its rowid link (each FTS row's rowid is its chunk's).

    Version 1 found a chunk's FTS row by its (unindexed) id column, one scan of the
    whole table per write: writes slowed with the size of the index.
    """

    def current() -> bool:
        row = conn.execute("SELECT value FROM state WHERE key = 'schema'").fetchone()
        return bool(row) and int(row[0]) >= SCHEMA_VERSION

    if current():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if current():  # another process migrated it while this one waited
            conn.execute("COMMIT")
            return
        if conn.execute("SELECT count(*) FROM chunks").fetchone()[0]:
            conn.execute("CREATE TEMP TABLE old_fts AS SELECT chunk_id, text, variants FROM chunk_fts")
            conn.execute("DELETE FROM chunk_fts")
            conn.execute(
                "INSERT INTO chunk_fts (rowid, chunk_id, text, variants) "
                "SELECT c.rowid, o.chunk_id, o.text, o.variants FROM old_fts o JOIN chunks c USING (chunk_id)"
            )
            conn.execute("DROP TABLE old_fts")
        conn.execute("INSERT OR REPLACE INTO state VALUES ('schema', ?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _conditions(where: dict[str, Any] | None) -> list[tuple[str, str, Any]]:
    """Translate the Chroma ``where`` clauses that retrieval uses into SQL conditions."""
    if not where:
        return []
    clauses = where.get("$and", [where])
    out = []
    ops = {"$gte": ">=", "$lte": "<=", "$eq": "="}
    for clause in clauses:
        for field, cond in clause.items():
            column = {"date_int": "date_int", "source": "source"}[field]
            if isinstance(cond, dict):
                for op, value in cond.items():
                    out.append((column, ops[op], value))
            else:
                out.append((column, "=", cond))
    return out
