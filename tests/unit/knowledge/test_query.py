"""Queries are typed by humans and pasted from logs: FTS5 syntax must never leak through or raise."""

from __future__ import annotations

import pytest

from kubemedic.domain import InputError
from kubemedic.knowledge import KnowledgeBase
from kubemedic.knowledge.query import terms, to_match

NASTY = [
    '"unbalanced quote',
    "-exclude this",
    "column:value",
    "prefix*",
    "(parenthesis",
    "a AND b OR NOT c NEAR(d e)",
    "^start",
    'x509: certificate signed by "unknown" authority (code -1) *',
    "pods is forbidden: User \"system:serviceaccount:ci:runner\" cannot list resource 'pods'",
    "naïve ünïcödé 日本語 ошибка",
    "AND",
    "NEAR",
]


@pytest.mark.parametrize("query", NASTY)
def test_syntax_characters_never_raise(builtin_kb: KnowledgeBase, query: str) -> None:
    builtin_kb.search(query, 5)


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_a_clear_input_error(builtin_kb: KnowledgeBase, query: str) -> None:
    with pytest.raises(InputError, match="empty"):
        builtin_kb.search(query)


def test_query_of_only_punctuation_says_so(builtin_kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match="no word"):
        builtin_kb.search("?!* -- ()")
    with pytest.raises(InputError, match="no word"):
        builtin_kb.search("{}[]<>|&;$`\\")


def test_query_made_only_of_stopwords_still_searches() -> None:
    assert to_match("what is it") == '"what" OR "is" OR "it"'


def test_terms_drop_question_words_and_keep_error_tokens() -> None:
    assert terms("Why is my pod getting OOMKilled with exit code 137?") == [
        "pod",
        "oomkilled",
        "exit",
        "code",
        "137",
    ]


def test_overlong_query_is_rejected() -> None:
    with pytest.raises(InputError, match="limit"):
        to_match("word " * 1000)


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_limit_out_of_range_is_rejected(builtin_kb: KnowledgeBase, limit: int) -> None:
    with pytest.raises(InputError, match="limit"):
        builtin_kb.search("oom", limit)


def test_results_are_best_first_and_bounded(builtin_kb: KnowledgeBase) -> None:
    hits = builtin_kb.search("certificate expired x509", limit=4)
    assert 1 <= len(hits) <= 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].category == "tls"


def test_per_document_limits_passages_from_one_runbook(builtin_kb: KnowledgeBase) -> None:
    hits = builtin_kb.search("OOMKilled memory limit exit code 137", limit=10, per_document=1)
    docs = [h.doc_id for h in hits]
    assert len(docs) == len(set(docs))


def test_random_pasted_text_never_reaches_fts5_as_syntax(builtin_kb: KnowledgeBase) -> None:
    import random
    import string

    rng = random.Random(6)
    alphabet = string.printable + "«»“”—…ßøπ日本"
    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        try:
            builtin_kb.search(query, 3)
        except InputError as exc:  # only ever the clear "no word" / "empty" answers
            assert "no word" in str(exc) or "empty" in str(exc)
