"""Bounds of the LLM path and the pieces a streamed answer is made of.

Kept apart from chat.py so the offline faces (and their start-up time) never import a model client.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubemedic.assistant.answer import Answer


@dataclass(frozen=True, slots=True)
class LoopLimits:
    """Bounds of one LLM answer: model round trips, total seconds, context size in characters."""

    max_steps: int = 6
    max_seconds: float = 60.0
    budget_chars: int = 24_000
    tool_output_chars: int = 6_000


@dataclass(frozen=True, slots=True)
class StreamPiece:
    """One piece of a streamed answer: a text delta, a note, or (last) the whole answer."""

    delta: str = ""
    note: str = ""
    answer: Answer | None = None


def offline_pieces(answer: Answer) -> list[StreamPiece]:
    """An offline answer as stream pieces: its lines as deltas, then the whole answer."""
    lines = answer.text.splitlines(keepends=True)
    return [*(StreamPiece(delta=line) for line in lines), StreamPiece(answer=answer)]
