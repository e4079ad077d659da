"""Retrieval quality: natural SRE questions find the runbook that answers them (BM25 alone)."""

from __future__ import annotations

from pathlib import Path

import yaml

from kubemedic.knowledge import KnowledgeBase

QUESTIONS = Path(__file__).with_name("retrieval_questions.yaml")


def _questions() -> list[tuple[str, str]]:
    data = yaml.safe_load(QUESTIONS.read_text())
    return [(item["q"], item["expect"]) for item in data]


def test_question_set_is_large_and_points_at_real_runbooks(builtin_kb: KnowledgeBase) -> None:
    questions = _questions()
    assert len(questions) >= 40
    missing = {expect for _, expect in questions if builtin_kb.runbook(expect) is None}
    assert not missing


def test_recall_at_3_with_bm25_is_at_least_90_percent(builtin_kb: KnowledgeBase) -> None:
    questions = _questions()
    misses = []
    for question, expect in questions:
        top = [p.category for p in builtin_kb.search(question, limit=3, per_document=1)]
        if expect not in top:
            misses.append((question, expect, top))
    recall = 1 - len(misses) / len(questions)
    assert recall >= 0.9, f"recall@3 = {recall:.3f}; misses: {misses}"
