"""The assistant: explain a finding, answer a question about a cluster - grounded, cited, offline first.

`ask_llm` and `stream_llm` (the LLM path) are loaded on first use, so offline use never imports a model
client.
"""

from typing import Any

from kubemedic.assistant.answer import Answer, Citation, CitationKind, Intent, answer_dict
from kubemedic.assistant.ask import answer_offline, ask, ask_offline, explain_target
from kubemedic.assistant.explain import explain
from kubemedic.assistant.facts import Diagnosis, Facts, Knowledge, LogSource, TimelineItem, TimelineSource
from kubemedic.assistant.limits import LoopLimits, StreamPiece, offline_pieces
from kubemedic.assistant.question import Question, parse
from kubemedic.assistant.resolve import NoSuchObject

__all__ = [
    "Answer",
    "Citation",
    "CitationKind",
    "Diagnosis",
    "Facts",
    "Intent",
    "Knowledge",
    "LogSource",
    "LoopLimits",
    "NoSuchObject",
    "Question",
    "StreamPiece",
    "TimelineItem",
    "TimelineSource",
    "answer_dict",
    "answer_offline",
    "ask",
    "ask_offline",
    "explain",
    "explain_target",
    "offline_pieces",
    "parse",
]


def __getattr__(name: str) -> Any:
    if name in ("ask_llm", "stream_llm"):
        from kubemedic.assistant import chat

        return getattr(chat, name)
    raise AttributeError(f"module 'kubemedic.assistant' has no attribute {name!r}")
