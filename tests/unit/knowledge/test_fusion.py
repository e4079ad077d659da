"""Reciprocal rank fusion: items ranked well by both lists win; either list alone still counts."""

from __future__ import annotations

from kubemedic.knowledge.fusion import reciprocal_rank_fusion


def test_agreement_beats_a_single_first_place() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d", "a"]])
    assert [item for item, _ in fused][:2] == ["b", "a"]
    assert {item for item, _ in fused} == {"a", "b", "c", "d"}


def test_scores_use_k_60() -> None:
    [(item, score)] = reciprocal_rank_fusion([["x"]])
    assert item == "x" and abs(score - 1 / 61) < 1e-12
