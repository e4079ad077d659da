"""all-MiniLM-L6-v2 in numpy: a 6-layer, 384-wide BERT encoder with mean pooling, no torch.

Weights are read with `safetensors`, text is split by the model's WordPiece file with `tokenizers`, and the
encoder runs as numpy matrix products. Pooling follows the model's `1_Pooling/config.json`: mean over real
tokens, then L2 normalisation, so a dot product is a cosine. It reproduces the similarities published for
the model (computed with torch) to 4 decimals. Imported only when embeddings are enabled.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kubemedic.domain import InputError

# The model was trained on 128-token inputs; longer passages are cut there (their heading and first lines
# are what the vector should capture, and it halves the cost of a 256-token passage).
MAX_TOKENS = 128
BATCH = 32
# Bounds the per-batch activations: the FFN's tokens x 1536 floats and their temporaries.
TOKENS_PER_BATCH = 2048


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): below float32 resolution, numpy has no erf of its own.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _gelu(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0)))), dtype=np.float32)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + eps) * weight + bias, dtype=np.float32)


class MiniLMEmbedder:
    """A BERT encoder in numpy for the packaged all-MiniLM-L6-v2 weights (or a same-shaped BERT folder)."""

    def __init__(self, model_dir: Path) -> None:
        files = {name: model_dir / name for name in ("config.json", "model.safetensors", "tokenizer.json")}
        for name, path in files.items():
            if not path.is_file():
                raise InputError(f"embedding model directory {model_dir} has no {name}")
        config = json.loads(files["config.json"].read_text())
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._layers_n = int(config["num_hidden_layers"])
        load_file: Any = importlib.import_module("safetensors.numpy").load_file
        raw: dict[str, np.ndarray] = load_file(str(files["model.safetensors"]))
        w = {k.removeprefix("bert."): np.asarray(v, dtype=np.float32) for k, v in raw.items()}
        del raw
        # Linear layers are stored (out, in); keep only a transposed copy so every call is x @ W.
        linear = [
            k for k, v in w.items() if k.startswith("encoder.") and k.endswith(".weight") and v.ndim == 2
        ]
        self._t = {k: np.ascontiguousarray(w.pop(k).T) for k in linear}
        self._w = w
        self._dim = int(w["embeddings.word_embeddings.weight"].shape[1])
        tokenizer_cls: Any = importlib.import_module("tokenizers").Tokenizer
        self._tok = tokenizer_cls.from_file(str(files["tokenizer.json"]))
        self._tok.enable_truncation(max_length=MAX_TOKENS)
        self._tok.no_padding()

    @property
    def dimension(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text, in input order. Texts are batched by length to limit padding."""
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        encoded = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        start = 0
        while start < len(order):
            # Shortest first; a batch grows while its padded size stays within the token budget.
            end = start + 1
            while end < len(order) and end - start < BATCH:
                if (end - start + 1) * len(encoded[order[end]].ids) > TOKENS_PER_BATCH:
                    break
                end += 1
            idx = order[start:end]
            start = end
            encodings = [encoded[i] for i in idx]
            length = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(idx), length), dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=np.float32)
            for row, enc in enumerate(encodings):
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1.0
            out[idx] = self._encode(ids, mask)
        return out

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # One 2-D GEMM over every token of the batch (a 3-D matmul would loop over the batch).
        flat = x.reshape(-1, x.shape[-1]) @ self._t[f"{name}.weight"]
        flat += self._w[f"{name}.bias"]
        return np.asarray(flat.reshape(*x.shape[:-1], flat.shape[-1]), dtype=np.float32)

    def _encode(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, eps = self._w, self._eps
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        head_dim = self._dim // self._heads
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for i in range(self._layers_n):
            p = f"encoder.layer.{i}"

            def heads(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self._heads, head_dim).transpose(0, 2, 1, 3)

            q = heads(self._linear(x, f"{p}.attention.self.query"))
            k = heads(self._linear(x, f"{p}.attention.self.key"))
            v = heads(self._linear(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head_dim)) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, self._dim)
            attn = self._linear(ctx, f"{p}.attention.output.dense")
            x = _layer_norm(
                x + attn,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
                eps,
            )
            inter = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = _layer_norm(
                x + self._linear(inter, f"{p}.output.dense"),
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
                eps,
            )
        summed = (x * mask[:, :, None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)
