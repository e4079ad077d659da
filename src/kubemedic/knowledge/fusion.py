"""Reciprocal rank fusion: merge ranked lists without comparing their scores.

BM25 scores and cosine similarities live on different scales; RRF uses only each item's rank in each list,
score(d) = sum over lists of 1 / (k + rank), with k = 60 as in Cormack, Clarke and Buettcher (SIGIR 2009).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = 60
T = TypeVar("T", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[T]], k: int = K) -> list[tuple[T, float]]:
    """Items of every ranking (best first), fused and sorted best first; ties keep first-seen order."""
    scores: dict[T, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
