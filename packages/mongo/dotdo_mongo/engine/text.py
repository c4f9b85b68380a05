"""Text indexes and `$text`: SQLite FTS5 (porter stemming, case- and diacritic-insensitive, as
MongoDB's English text indexes are) kept in the same transaction as the documents.

A collection has at most one text index. Each document is one FTS5 row holding the text of the
indexed fields (a field of weight w appears w times, so weights raise its terms' relevance); a map
table ties rows to documents so a write replaces its document's row by key (tables: storage.py). `$search` follows
MongoDB: any of the terms, every "quoted phrase", none of the -negated terms. `{$meta:
"textScore"}` is FTS5's bm25 relevance: the order follows MongoDB's (more and rarer matches rank
higher), the values differ from MongoDB's."""
from __future__ import annotations

import re
from typing import Any, Iterator

from .common.paths import MISSING, get_value
from .errors import MongoError

LANGUAGES = {"english", "en"}
MAX_REPEAT = 10  # a field's weight repeats its text at most this often
SCORE_KEY = "$textScore"  # the variable a query's scores travel under (by encoded _id)


def is_text_key(key: dict) -> bool:
    return any(v == "text" for v in key.values())


def normalize(spec: dict) -> dict:
    """A createIndexes spec of a text index as MongoDB stores it: key {_fts, _ftsx}, weights, language."""
    key = spec["key"]
    fields = [k for k, v in key.items() if v == "text"]
    if len(fields) != len(key):
        raise MongoError(238, "compound text indexes (text with other keys) are not supported by dotdo")
    weights = dict(spec.get("weights") or {})
    for f in fields:
        weights.setdefault(f, 1)
    for f, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 1 <= w < 100_000:
            raise MongoError(67, f"text index weight must be in the exclusive interval (0,99999) but found: {w}")
    language = spec.get("default_language", "english")
    if language not in LANGUAGES:
        raise MongoError(238, f"text index default_language '{language}' is not supported by dotdo (english only)")
    return {"key": {"_fts": "text", "_ftsx": 1}, "weights": {f: int(w) if w == int(w) else w for f, w in
                                                                 weights.items()},
            "default_language": "english", "language_override": spec.get("language_override", "language"),
            "textIndexVersion": 3}


class TextIndex:
    def __init__(self, spec: dict) -> None:
        self.name: str = spec["name"]
        self.weights: dict[str, float] = dict(spec["weights"])

    def text_of(self, doc: dict) -> str:
        parts: list[str] = []
        for field, weight in self.weights.items():
            strings = list(_strings(doc if field == "$**" else get_value(doc, field), field == "$**"))
            if strings:
                parts.extend(strings * max(1, min(MAX_REPEAT, round(weight))))
        return "\n".join(parts)

    # -- maintenance (inside the writing transaction) -----------------------------------
    def add(self, tx, coll: str, id_key: bytes, doc: dict) -> None:
        text = self.text_of(doc)
        if not text:
            return
        tx.execute("INSERT INTO _mongo_text_map(coll, id_key) VALUES (?, ?)", (coll, id_key))
        tx.execute("INSERT INTO _mongo_text(rowid, content) VALUES (?, ?)", (tx.conn.last_insert_rowid(), text))

    def remove(self, tx, coll: str, id_key: bytes) -> None:
        row = tx.execute("SELECT rid FROM _mongo_text_map WHERE coll = ? AND id_key = ?", (coll, id_key)).fetchone()
        if row is not None:
            tx.execute("DELETE FROM _mongo_text WHERE rowid = ?", (row[0],))
            tx.execute("DELETE FROM _mongo_text_map WHERE rid = ?", (row[0],))

    # -- queries -----------------------------------------------------------------------
    def search(self, conn, coll: str, spec: Any) -> dict[bytes, float]:
        """Encoded _id -> textScore of the documents `spec` ($text's argument) matches."""
        match = fts_query(spec)
        if match is None:
            return {}
        rows = conn.execute(
            "SELECT m.id_key, bm25(_mongo_text) FROM _mongo_text JOIN _mongo_text_map m ON m.rid = _mongo_text.rowid "
            "WHERE _mongo_text MATCH ? AND m.coll = ?", (match, coll))
        return {bytes(id_key): -score for id_key, score in rows}


def _strings(value: Any, deep: bool) -> Iterator[str]:
    if value is MISSING:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, deep)
    elif deep and isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, deep)


TEXT_OPTIONS = {"$search", "$language", "$caseSensitive", "$diacriticSensitive"}
_TOKEN = re.compile(r'"([^"]*)"|(-?)([^\s"]+)')


def fts_query(spec: Any) -> str | None:
    """FTS5 MATCH syntax for a `$text` argument (None: it can match nothing)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("$search"), str):
        raise MongoError(2, "$search required and must be a string" if isinstance(spec, dict) else
                         "$text expects an object")
    for k, v in spec.items():
        if k not in TEXT_OPTIONS:
            raise MongoError(2, f"extra fields in $text: {k}")
        if k in ("$caseSensitive", "$diacriticSensitive") and v:
            raise MongoError(238, f"$text with {k}: true is not supported by dotdo")
        if k == "$language" and v not in LANGUAGES:
            raise MongoError(238 if isinstance(v, str) else 14, f"$text $language '{v}' is not supported by dotdo")
    terms, phrases, negated = [], [], []
    for phrase, minus, word in _TOKEN.findall(spec["$search"]):
        if phrase:
            words = _words(phrase)
            if words:
                phrases.append('"' + " ".join(words) + '"')
            continue
        for w in _words(word):
            (negated if minus else terms).append(f'"{w}"')
    positive = phrases or terms
    if not positive:
        return None
    query = " AND ".join(phrases) if phrases else "(" + " OR ".join(terms) + ")"
    for n in negated:
        query += f" NOT {n}"
    return query


def _words(text: str) -> list[str]:
    """Words as the tokenizer sees them (so no FTS5 syntax can be injected)."""
    return [w for w in re.split(r"[^\w]+", text) if w]
