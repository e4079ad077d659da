"""Small readers for status fields that workload analyzers share: counts, condition ages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from kubemedic.state import ClusterState, Condition, KubeObject
from kubemedic.state.timeutil import human_duration, parse_time


def int_field(data: Mapping[str, Any], key: str, default: int = 0) -> int:
    """An integer field; `default` when missing or not an integer (bools are not counts)."""
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


def condition_age(state: ClusterState, cond: Condition) -> float | None:
    """Seconds since the condition last changed, None if the time is missing."""
    return state.age_seconds(parse_time(cond.last_transition))


def condition_since(state: ClusterState, cond: Condition) -> str:
    """`for 3h5m` (the kubectl way) or "" when the transition time is unknown."""
    age = condition_age(state, cond)
    return "" if age is None else f"for {human_duration_seconds(age)}"


def human_duration_seconds(seconds: float) -> str:
    return human_duration(timedelta(seconds=seconds))


def object_age(state: ClusterState, obj: KubeObject) -> float | None:
    return state.age_seconds(obj.created)


def condition_text(cond: Condition) -> str:
    """`False ProgressDeadlineExceeded: ReplicaSet "web-5d8f" has timed out progressing.`"""
    text = cond.status + (f" {cond.reason}" if cond.reason else "")
    return text + (f": {cond.message}" if cond.message else "")


def kubectl_ns(namespace: str) -> str:
    """`-n shop` for kubectl commands (empty for cluster-scoped objects)."""
    return f" -n {namespace}" if namespace else ""
