"""Turn free text typed by a human into a safe FTS5 MATCH expression.

FTS5 has its own query language (quotes, `-`, `:`, `*`, `^`, parentheses, AND/OR/NOT/NEAR). Users paste error
messages full of those characters, so we never hand their text to FTS5 as is: we keep only word tokens, drop
a short list of words that carry no meaning in a question, quote every token and join them with OR. BM25 then
ranks the passages that share the most, and the rarest, words with the query.
"""

from __future__ import annotations

import re

from kubemedic.domain import InputError

MAX_QUERY_CHARS = 2000
MAX_TERMS = 32
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

_STOPWORDS_TEXT = """
    a an and are as at be been but by can could did do does doing don for from had has have how i if in into
    is it its me my of on or our please should so some such than that the their them then there these they
    this those to too us was we were what when where which while who why will with would you your keeps keep
    getting get gets got still just any all also after before again about help mean means fix fixed wrong
    happening
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def terms(text: str) -> list[str]:
    """The meaningful lowercase word tokens of `text`, in order, without duplicates."""
    seen: dict[str, None] = {}
    for raw in _TOKEN.findall(text.lower()):
        if raw in STOPWORDS or (len(raw) == 1 and not raw.isdigit()):
            continue
        seen.setdefault(raw, None)
    return list(seen)[:MAX_TERMS]


def to_match(query: str) -> str:
    """FTS5 MATCH expression for a human query; InputError if it is empty or has no searchable word."""
    if not query or not query.strip():
        raise InputError("search query is empty: type a few words, e.g. 'pod restarting exit code 137'")
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"search query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}")
    words = terms(query)
    if not words:
        words = list(_TOKEN.findall(query.lower()))[:MAX_TERMS]
    if not words:
        raise InputError(f"search query {query!r} has no word to search for")
    return " OR ".join(f'"{w}"' for w in words)
