"""Questions as people type them -> intent, object, namespace, window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kubemedic.assistant import Intent, parse
from kubemedic.domain import InputError


@pytest.mark.parametrize(
    ("text", "intent", "kind", "name", "namespace"),
    [
        ("what is wrong in namespace shop", Intent.WHATS_WRONG, None, None, "shop"),
        ("What's broken?", Intent.WHATS_WRONG, None, None, None),
        ("any problems in the payments namespace", Intent.WHATS_WRONG, None, None, "payments"),
        ("why is deployment checkout not ready?", Intent.WHY_NOT_READY, "Deployment", "checkout", None),
        ("why is checkout down", Intent.WHY_NOT_READY, None, "checkout", None),
        ("why isn't sts/store/postgres starting", Intent.WHY_NOT_READY, "StatefulSet", "postgres", "store"),
        ("what's wrong with pod api-0", Intent.WHY_NOT_READY, "Pod", "api-0", None),
        ("is web healthy", Intent.HEALTH, None, "web", None),
        ("is the service cart ok?", Intent.HEALTH, "Service", "cart", None),
        ("status of node worker-1", Intent.HEALTH, "Node", "worker-1", None),
        ("which pods restart most in namespace shop", Intent.RESTARTS, None, None, "shop"),
        ("what changed in the last hour", Intent.WHAT_CHANGED, None, None, None),
        ("how do I rotate certificates", Intent.CLOSEST, None, None, None),
        ("why is the checkout service down", Intent.WHY_NOT_READY, "Service", "checkout", None),
        ("is everything ok in namespace shop", Intent.WHATS_WRONG, None, None, "shop"),
        ("is the cluster healthy", Intent.WHATS_WRONG, None, None, None),
        ("is the checkout service ok", Intent.HEALTH, "Service", "checkout", None),
    ],
)
def test_intents_objects_and_namespaces(
    text: str, intent: Intent, kind: str | None, name: str | None, namespace: str | None
) -> None:
    q = parse(text)
    assert (q.intent, q.kind, q.name, q.namespace) == (intent, kind, name, namespace)


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("what changed in the last hour", timedelta(hours=1)),
        ("what changed in the last 30 minutes", timedelta(minutes=30)),
        ("what changed since 2h", timedelta(hours=2)),
        ("what happened in the past 3 days", timedelta(days=3)),
        ("recent changes", timedelta(hours=1)),  # the default window
    ],
)
def test_time_windows(text: str, window: timedelta) -> None:
    assert parse(text).window == window


def test_a_namespace_flag_wins_over_the_text() -> None:
    assert parse("what is wrong in namespace shop", namespace="billing").namespace == "billing"


@pytest.mark.parametrize(("text", "message"), [("   ", "empty"), ("x" * 2001, "at most 2000")])
def test_unusable_questions_are_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse(text)
