"""Embeddings fused with BM25: the plumbing with a small deterministic embedder (always), the real packaged
MiniLM model when the [embeddings] extra is installed (skipped otherwise)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from kubemedic.domain import InputError
from kubemedic.knowledge import KnowledgeBase, default_embedder, extra_installed, packaged_embedder
from kubemedic.knowledge.minilm import MiniLMEmbedder

SYNONYMS = {"kaput": "zorbulator", "broken": "zorbulator"}


class WordHashEmbedder:
    """Bag of hashed words, with a synonym table so a query can match a passage sharing no word with it."""

    dimension = 64

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                word = SYNONYMS.get(word, word)
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] /= norm or 1.0
        return out


def test_fusion_finds_a_passage_that_shares_no_word_with_the_query(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "z.md").write_text("# Zorbulator\n\nThe zorbulator needs a reboot every Tuesday.\n")
    embedder = WordHashEmbedder()
    with KnowledgeBase.open(tmp_path / "kb.db", embedder=embedder) as kb:
        assert kb.uses_embeddings
        kb.add_directory(notes)
        hits = kb.search("kaput OOMKilled", limit=10)
        assert any(h.source.endswith("z.md") for h in hits), "semantic-only match missing from fused results"
        assert any(h.category == "oom" for h in hits), "keyword match missing from fused results"
    with KnowledgeBase.open(None) as plain:
        assert not any(h.source.endswith("z.md") for h in plain.search("kaput OOMKilled", limit=10))


def test_vectors_are_computed_once_and_only_for_new_passages(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    with KnowledgeBase.open(db, embedder=WordHashEmbedder()):
        pass
    again = WordHashEmbedder()
    with KnowledgeBase.open(db, embedder=again) as kb:
        assert again.calls == 0  # built-in runbooks already have vectors
        kb.search("certificate expired", 3)
        assert again.calls == 1  # the query only


def test_vectors_of_another_embedder_are_recomputed(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    with KnowledgeBase.open(db, embedder=WordHashEmbedder()):
        pass

    class Wider(WordHashEmbedder):
        dimension = 32

    with KnowledgeBase.open(db, embedder=Wider()) as kb:
        assert kb.search("certificate expired", 3)[0].category == "tls"


def test_enabling_embeddings_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kubemedic.knowledge.embeddings.extra_installed", lambda: False)
    assert default_embedder(False) is None
    with pytest.raises(InputError, match=r"\[embeddings\] extra"):
        default_embedder(True)


@pytest.mark.skipif(not extra_installed(), reason="the [embeddings] extra is not installed")
def test_numpy_encoder_reproduces_the_published_similarities_of_the_model() -> None:
    # The cosine similarities sentence-transformers documents for all-MiniLM-L6-v2 (computed with torch).
    model = packaged_embedder()
    sentences = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    vectors = model.embed(sentences)
    sims = vectors @ vectors.T
    assert np.allclose([sims[0, 1], sims[0, 2], sims[1, 2]], [0.6660, 0.1046, 0.1411], atol=1e-4)


@pytest.mark.skipif(not extra_installed(), reason="the [embeddings] extra is not installed")
def test_packaged_minilm_gives_unit_vectors_that_rank_meaning() -> None:
    model = packaged_embedder()
    vectors = model.embed(
        [
            "the pod ran out of memory",
            "container killed for exceeding its memory limit",
            "TLS certificate expired",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.5 > sims[0, 2]
    # Batching and padding do not change a text's vector.
    alone = model.embed(["the pod ran out of memory"])[0]
    assert float(alone @ vectors[0]) > 0.9999


def test_model_directory_without_weights_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"config\.json"):
        MiniLMEmbedder(tmp_path)
