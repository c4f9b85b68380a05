"""Text indexes and $text through pymongo: terms, phrases, negation, stemming, case and diacritics,
textScore, and the index kept current by writes."""
from __future__ import annotations

import pytest
from pymongo.errors import OperationFailure

ARTICLES = [
    {"_id": 1, "title": "Coffee shop opens", "body": "The best coffee in town, brewed daily"},
    {"_id": 2, "title": "Tea time", "body": "Green tea and black tea are served"},
    {"_id": 3, "title": "Café culture", "body": "Coffee and cake: a European CAFÉ tradition"},
    {"_id": 4, "title": "Running", "body": "Morning runs before breakfast"},
]


@pytest.fixture
def articles(coll):
    coll.insert_many(ARTICLES)
    coll.create_index([("title", "text"), ("body", "text")])
    return coll


def ids(cursor) -> list:
    return sorted(d["_id"] for d in cursor)


def test_text_search_matches_any_term(articles):
    assert ids(articles.find({"$text": {"$search": "coffee tea"}})) == [1, 2, 3]


def test_text_search_phrase_must_appear(articles):
    assert ids(articles.find({"$text": {"$search": '"black tea"'}})) == [2]
    assert ids(articles.find({"$text": {"$search": '"tea black"'}})) == []


def test_text_search_negated_term_excludes(articles):
    assert ids(articles.find({"$text": {"$search": "coffee -cake"}})) == [1]


def test_text_search_stems_and_ignores_case_and_diacritics(articles):
    assert ids(articles.find({"$text": {"$search": "run"}})) == [4]  # "runs"
    assert ids(articles.find({"$text": {"$search": "CAFE"}})) == [3]


def test_text_search_combines_with_other_conditions(articles):
    assert ids(articles.find({"$text": {"$search": "coffee"}, "_id": {"$gt": 1}})) == [3]


def test_text_score_projection_and_sort(articles):
    docs = list(articles.find({"$text": {"$search": "coffee"}}, {"score": {"$meta": "textScore"}})
                .sort([("score", {"$meta": "textScore"})]))
    assert {d["_id"] for d in docs} == {1, 3}
    scores = [d["score"] for d in docs]
    assert all(isinstance(s, float) and s > 0 for s in scores) and scores == sorted(scores, reverse=True)


def test_text_index_follows_updates_and_deletes(articles):
    articles.update_one({"_id": 4}, {"$set": {"body": "Morning coffee"}})
    articles.delete_one({"_id": 1})
    assert ids(articles.find({"$text": {"$search": "coffee"}})) == [3, 4]
    assert articles.count_documents({"$text": {"$search": "coffee"}}) == 2
    assert articles.delete_many({"$text": {"$search": "coffee"}}).deleted_count == 2
    assert ids(articles.find({"$text": {"$search": "coffee"}})) == []


def test_aggregate_match_text_with_meta(articles):
    out = list(articles.aggregate([{"$match": {"$text": {"$search": "tea"}}},
                                   {"$project": {"s": {"$meta": "textScore"}}}]))
    assert [d["_id"] for d in out] == [2] and out[0]["s"] > 0


def test_text_query_without_text_index_fails_with_27(coll):
    coll.insert_one({"_id": 1, "t": "coffee"})
    with pytest.raises(OperationFailure) as e:
        list(coll.find({"$text": {"$search": "coffee"}}))
    assert e.value.code == 27


def test_second_text_index_on_a_collection_conflicts(articles):
    with pytest.raises(OperationFailure) as e:
        articles.create_index([("other", "text")])
    assert e.value.code == 85


def test_text_index_listed_as_mongodb_stores_it(articles):
    spec = next(ix for ix in articles.list_indexes() if ix["name"] == "title_text_body_text")
    assert dict(spec["key"]) == {"_fts": "text", "_ftsx": 1}
    assert dict(spec["weights"]) == {"title": 1, "body": 1}
    assert spec["default_language"] == "english"


def test_dropping_the_text_index_stops_text_queries(articles):
    articles.drop_index("title_text_body_text")
    with pytest.raises(OperationFailure) as e:
        list(articles.find({"$text": {"$search": "coffee"}}))
    assert e.value.code == 27
