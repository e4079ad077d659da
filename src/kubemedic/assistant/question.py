"""Read a question the way a person types it: what they want (intent), and which object, namespace
and time window they mean. Small explicit rules, no model: predictable, testable, instant.

The parser only extracts; whether a named object or namespace exists is checked against the state
later (resolve.py), so "why is deployment chekout down" can answer "no such deployment; did you mean
checkout?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from kubemedic.assistant.answer import Intent
from kubemedic.domain import InputError

MAX_QUESTION = 2000

KIND_ALIASES: dict[str, str] = {
    "deployment": "Deployment",
    "deployments": "Deployment",
    "deploy": "Deployment",
    "statefulset": "StatefulSet",
    "statefulsets": "StatefulSet",
    "sts": "StatefulSet",
    "daemonset": "DaemonSet",
    "daemonsets": "DaemonSet",
    "ds": "DaemonSet",
    "replicaset": "ReplicaSet",
    "rs": "ReplicaSet",
    "pod": "Pod",
    "pods": "Pod",
    "po": "Pod",
    "service": "Service",
    "services": "Service",
    "svc": "Service",
    "job": "Job",
    "jobs": "Job",
    "cronjob": "CronJob",
    "cronjobs": "CronJob",
    "cj": "CronJob",
    "node": "Node",
    "nodes": "Node",
    "ingress": "Ingress",
    "ing": "Ingress",
    "pvc": "PersistentVolumeClaim",
    "persistentvolumeclaim": "PersistentVolumeClaim",
    "pv": "PersistentVolume",
    "hpa": "HorizontalPodAutoscaler",
    "horizontalpodautoscaler": "HorizontalPodAutoscaler",
    "pdb": "PodDisruptionBudget",
    "poddisruptionbudget": "PodDisruptionBudget",
    "networkpolicy": "NetworkPolicy",
    "netpol": "NetworkPolicy",
    "configmap": "ConfigMap",
    "cm": "ConfigMap",
    "secret": "Secret",
}
_KINDS = "|".join(sorted(KIND_ALIASES, key=len, reverse=True))
NAME = r"[a-z0-9][a-z0-9.\-]*[a-z0-9]|[a-z0-9]"

_REF = re.compile(rf"\b(?P<kind>{_KINDS})/(?:(?P<ns>{NAME})/)?(?P<name>{NAME})\b")
_KIND_NAME = re.compile(rf"\b(?P<kind>{_KINDS})\s+(?P<name>{NAME})\b")
_NAMESPACE = re.compile(
    rf"(?:\bnamespace|\bns|(?<!\S)-n)\s+(?P<a>{NAME})|\b(?:in|of)\s+(?:the\s+)?(?P<b>{NAME})\s+namespace\b"
)
_WINDOW = re.compile(
    r"\b(?:last|past|previous|since|in the last)\s+(?:(?P<n>\d+)\s*)?"
    r"(?P<unit>m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\b"
)
_HEALTH = re.compile(
    rf"\b(?:is|are)\s+(?:the\s+)?(?:(?P<kind>{_KINDS})\s+)?(?P<name>{NAME})\s+(?:(?:{_KINDS})\s+)?"
    r"(?:healthy|ok|okay|fine|up|running|working|alive|ready|good)\b"
    rf"|\b(?:health|status)\s+of\s+(?:the\s+)?(?:(?P<kind2>{_KINDS})\s+)?(?P<name2>{NAME})\b"
)
_WHY = re.compile(
    rf"\bwhy\s+(?:is|are|does|do|did|isn'?t|aren'?t|won'?t|can'?t|doesn'?t|is\s+not)\s+(?:the\s+)?"
    rf"(?:my\s+)?(?:(?P<kind>{_KINDS})\s+)?(?P<name>{NAME})\b"
    rf"|\b(?:what(?:'s|\s+is)\s+wrong\s+with|what\s+happened\s+to|debug|diagnose|explain)\s+"
    rf"(?:the\s+)?(?:my\s+)?(?:(?P<kind2>{_KINDS})\s+)?(?P<name2>{NAME})\b"
)
_CHANGED = re.compile(
    r"\b(?:what\s+changed|changes?|changed|what\s+happened|recent(?:ly)?|deploy(?:ed|s)\s+lately)\b"
)
_RESTARTS = re.compile(r"\brestart(?:s|ed|ing)?\b")
_WRONG = re.compile(
    r"\b(?:wrong|broken|failing|fails|failed|problems?|issues?|errors?|unhealthy|down|not\s+ready|"
    r"diagnos\w*|overview|summary|status|anything\s+bad|crash\w*)\b"
)
# words after "why is"/"is" that are not object names
_NOT_NAMES = frozenset(
    {
        "ok",
        "okay",
        "healthy",
        "fine",
        "up",
        "down",
        "running",
        "working",
        "ready",
        "broken",
        "failing",
        "it",
        "this",
        "that",
        "there",
        "everything",
        "anything",
        "something",
        "my",
        "the",
        "a",
        "an",
        "cluster",
        "namespace",
        "all",
        "so",
        "things",
        "stuff",
        "we",
        "they",
        "you",
        "i",
        "not",
        "no",
    }
)
_STOP = frozenset(
    {
        "what",
        "whats",
        "why",
        "how",
        "is",
        "are",
        "the",
        "a",
        "an",
        "in",
        "of",
        "on",
        "to",
        "my",
        "it",
        "does",
        "do",
        "did",
        "with",
        "for",
        "and",
        "or",
        "there",
        "any",
        "can",
        "i",
        "me",
        "this",
        "that",
        "namespace",
        "cluster",
        "please",
        "show",
        "tell",
        "about",
        "which",
        "who",
        "when",
        "where",
        "be",
    }
)
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True, slots=True)
class Question:
    """A question as understood: intent, the object and namespace named, the time window, key terms."""

    text: str
    intent: Intent
    namespace: str | None = None
    kind: str | None = None
    name: str | None = None
    window: timedelta | None = None
    terms: tuple[str, ...] = ()


def parse(text: str, namespace: str | None = None) -> Question:
    """Understand a question. `namespace` (a CLI flag, an API field) wins over one named in the text.

    Raises InputError for an empty or oversized question."""
    raw = text.strip()
    if not raw:
        raise InputError('the question is empty; ask e.g. "what is wrong in namespace shop"')
    if len(raw) > MAX_QUESTION:
        raise InputError(f"the question is {len(raw)} characters long; at most {MAX_QUESTION} are accepted")
    q = " ".join(raw.lower().replace("?", " ").replace("`", " ").replace('"', " ").split())
    ns = namespace
    kind: str | None = None
    name: str | None = None
    if (m := _REF.search(q)) is not None:
        kind, name = KIND_ALIASES[m["kind"]], m["name"]
        ns = ns or m["ns"]
    if ns is None and (m := _NAMESPACE.search(q)) is not None:
        ns = m["a"] or m["b"]
    window = _window(q)
    terms = tuple(t for t in re.findall(r"[a-z0-9][a-z0-9.\-]*", q) if t not in _STOP and len(t) > 1)

    def named(m: re.Match[str] | None, k: str, n: str) -> tuple[str | None, str | None] | None:
        if m is None:
            return None
        found_name = m[n]
        if not found_name or found_name in _NOT_NAMES or found_name in KIND_ALIASES or found_name == ns:
            return None
        return (KIND_ALIASES[m[k]] if m[k] else None), found_name

    if _CHANGED.search(q) and not _WHY.search(q):
        return Question(raw, Intent.WHAT_CHANGED, ns, kind, name, window or timedelta(hours=1), terms)
    if _RESTARTS.search(q) and re.search(r"\b(?:most|which|top|often|many|frequent\w*)\b", q):
        return Question(raw, Intent.RESTARTS, ns, kind, name, window, terms)
    health = _HEALTH.search(q)
    if kind is None and (hit := named(health, "kind", "name") or named(health, "kind2", "name2")):
        kind, name = _kind_after(q, *hit)
    if health is not None and name is not None:
        return Question(raw, Intent.HEALTH, ns, kind, name, window, terms)
    if health is not None:  # "is everything ok", "is the cluster healthy"
        return Question(raw, Intent.WHATS_WRONG, ns, kind, name, window, terms)
    why = _WHY.search(q)
    if kind is None and name is None and (hit := named(why, "kind", "name") or named(why, "kind2", "name2")):
        kind, name = _kind_after(q, *hit)
    m = _KIND_NAME.search(q) if kind is None and name is None else None
    if m is not None and m["name"] not in _NOT_NAMES and m["name"] not in KIND_ALIASES:
        kind, name = KIND_ALIASES[m["kind"]], m["name"]
    if name is not None and (why is not None or _WRONG.search(q)):
        return Question(raw, Intent.WHY_NOT_READY, ns, kind, name, window, terms)
    if _WRONG.search(q) or why is not None or re.search(r"\bwhat'?s\s+up\b", q):
        return Question(raw, Intent.WHATS_WRONG, ns, kind, name, window, terms)
    if name is not None:
        return Question(raw, Intent.HEALTH, ns, kind, name, window, terms)
    return Question(raw, Intent.CLOSEST, ns, kind, name, window, terms)


def _kind_after(q: str, kind: str | None, name: str | None) -> tuple[str | None, str | None]:
    """ "the checkout service": a kind written after the name."""
    if kind is None and name is not None:
        m = re.search(rf"\b{re.escape(name)}\s+(?P<kind>{_KINDS})\b", q)
        if m is not None:
            return KIND_ALIASES[m["kind"]], name
    return kind, name


def _window(q: str) -> timedelta | None:
    m = _WINDOW.search(q)
    if m is None:
        if re.search(r"\btoday\b", q):
            return timedelta(days=1)
        if re.search(r"\b(?:an|the\s+last|the\s+past)\s+hour\b", q):
            return timedelta(hours=1)
        return None
    count = int(m["n"]) if m["n"] else 1
    return timedelta(seconds=count * _UNITS[m["unit"][0]])
