"""The assistant: explain a finding, answer a question about a cluster - grounded, cited, offline first."""

from kubemedic.assistant.answer import Answer, Citation, CitationKind, Intent, answer_dict
from kubemedic.assistant.ask import answer_offline, ask, ask_offline, explain_target
from kubemedic.assistant.chat import LoopLimits, StreamPiece, ask_llm, offline_pieces, stream_llm
from kubemedic.assistant.explain import explain
from kubemedic.assistant.facts import Diagnosis, Facts, Knowledge, LogSource, TimelineItem, TimelineSource
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
    "ask_llm",
    "ask_offline",
    "explain",
    "explain_target",
    "offline_pieces",
    "parse",
    "stream_llm",
]
