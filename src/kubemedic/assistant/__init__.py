"""The assistant: explain a finding, answer a question about a cluster - grounded, cited, offline first."""

from kubemedic.assistant.answer import Answer, Citation, CitationKind, Intent, answer_dict
from kubemedic.assistant.ask import answer_offline, ask_offline, explain_target
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
    "NoSuchObject",
    "Question",
    "TimelineItem",
    "TimelineSource",
    "answer_dict",
    "answer_offline",
    "ask_offline",
    "explain",
    "explain_target",
    "parse",
]
