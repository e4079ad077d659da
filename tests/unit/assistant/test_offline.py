"""The offline explainer and intent answers on the broken-shop example: grounded, cited, honest."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from kubemedic.assistant import (
    CitationKind,
    Diagnosis,
    Facts,
    Intent,
    TimelineItem,
    ask_offline,
    explain,
)
from kubemedic.assistant.commands import fill
from kubemedic.assistant.tools import ToolError, run_tool
from kubemedic.domain import ObjectRef
from kubemedic.knowledge import KnowledgeBase
from kubemedic.state import ClusterState
from kubemedic.state.snapshot import load_snapshot
from tests.factory import secret, state

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"


@cache
def shop() -> ClusterState:
    return load_snapshot(EXAMPLE).state


@cache
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.open(None)


def facts(**kw: object) -> Facts:
    s = shop()
    return Facts(Diagnosis.of(s), clock=lambda: s.now, knowledge=knowledge(), **kw)  # type: ignore[arg-type]


def ask(text: str, f: Facts | None = None, namespace: str | None = None):  # type: ignore[no-untyped-def]
    return asyncio.run(ask_offline(text, f or facts(), namespace=namespace))


def test_explaining_a_symptom_leads_to_the_root_cause_with_its_evidence() -> None:
    f = facts()
    api = next(x for x in f.diagnosis.findings if x.object.name == "api" and x.category == "crash-loop")
    answer = explain(api, f)
    root = f.diagnosis.root_of(api)
    assert root is not None and root.object.name == "postgres"
    assert "Root cause (this finding is a symptom of it):" in answer.text
    assert f"StatefulSet shop/postgres: {root.title}" in answer.text
    kinds = [c.kind for c in answer.citations]
    assert kinds[:2] == [CitationKind.FINDING, CitationKind.OBJECT]
    assert any(c.kind is CitationKind.LOG and c.finding_id == root.id for c in answer.citations)
    assert any(c.kind is CitationKind.RUNBOOK for c in answer.citations)
    assert "kubectl logs postgres-0 -n shop -c postgres --previous" in answer.text
    assert "Fix the root cause first:" in answer.text


def test_explain_without_a_knowledge_base_still_answers() -> None:
    s = shop()
    f = Facts(Diagnosis.of(s), clock=lambda: s.now)
    oom = next(x for x in f.diagnosis.findings if x.category == "oom")
    answer = explain(oom, f)
    assert "Runbook:" not in answer.text and "kubectl describe deployment cache -n shop" in answer.text


def test_why_not_ready_for_a_healthy_object_says_so() -> None:
    answer = ask("why is deployment web not ready")
    assert answer.intent is Intent.WHY_NOT_READY
    assert answer.text.startswith("Deployment shop/web looks healthy: 2/2 replicas ready")


def test_a_name_that_does_not_exist_gets_close_names() -> None:
    answer = ask("why is deployment chekout not ready")
    assert answer.intent is Intent.NO_SUCH_OBJECT
    assert "no such Deployment 'chekout'" in answer.text and "shop/checkout" in answer.text


def test_a_name_of_another_kind_is_pointed_at() -> None:
    answer = ask("is the checkout service ok")
    assert answer.intent is Intent.NO_SUCH_OBJECT
    assert (
        answer.text
        == "There is no such Service 'checkout' in this cluster. With that name: Deployment shop/checkout."
    )
    assert [c.ref for c in answer.citations] == ["Deployment shop/checkout"]


def test_an_unknown_namespace_in_the_question_is_named() -> None:
    answer = ask("what is wrong in namespace shopp")
    assert answer.intent is Intent.NO_SUCH_OBJECT and "'shopp'" in answer.text and "shop" in answer.text


def test_restarts_are_ordered_with_how_the_last_run_ended() -> None:
    answer = ask("which pods restart most")
    lines = [line.split() for line in answer.text.splitlines()[1:]]
    counts = [int(parts[0]) for parts in lines]
    assert counts == sorted(counts, reverse=True) and lines[0][1] == "shop/postgres-0"
    assert "OOMKilled exit 137" in answer.text


class FakeTimeline:
    def __init__(self, items: list[TimelineItem]) -> None:
        self.items = items
        self.asked: list[datetime] = []

    async def recent(self, ref: ObjectRef | None, since: datetime) -> list[TimelineItem]:
        self.asked.append(since)
        return [i for i in self.items if i.at >= since]


def test_what_changed_reads_the_timeline_within_the_window() -> None:
    now = shop().now
    timeline = FakeTimeline(
        [
            TimelineItem(
                now - timedelta(minutes=5),
                ObjectRef("Deployment", "shop", "api"),
                "rollout",
                "image api:2.3.1",
            ),
            TimelineItem(
                now - timedelta(minutes=50), ObjectRef("Pod", "kube-system", "dns"), "restart", "1 restart"
            ),
            TimelineItem(now - timedelta(hours=3), ObjectRef("Deployment", "shop", "web"), "rollout", "old"),
        ]
    )
    answer = ask("what changed in the last hour in namespace shop", facts(timeline=timeline))
    assert answer.intent is Intent.WHAT_CHANGED and timeline.asked == [now - timedelta(hours=1)]
    assert "Deployment shop/api" in answer.text and "image api:2.3.1" in answer.text
    assert "kube-system" not in answer.text and "old" not in answer.text
    assert [c.kind for c in answer.citations] == [CitationKind.TIMELINE] and not answer.notes


def test_what_changed_without_a_timeline_says_so_and_uses_events() -> None:
    answer = ask("what changed in the last 10 minutes")
    assert any("No change history is recorded" in n for n in answer.notes)
    assert "BackOff" in answer.text and all(c.kind is CitationKind.EVENT for c in answer.citations)


def test_other_questions_get_labelled_closest_matches() -> None:
    answer = ask("postgres ownership")
    assert answer.intent is Intent.CLOSEST
    assert answer.text.startswith("I have no exact answer for that. Closest matches")
    assert "StatefulSet shop/postgres" in answer.text


def test_runbook_placeholders_are_filled_only_where_they_mean_this_object() -> None:
    values = {"namespace": "shop", "ns": "shop", "name": "api", "pod": "api-0", "__kind__": "Deployment"}
    text = "\n".join(
        [
            "kubectl get deploy NAME -n NS",
            "kubectl describe pod POD -n NS",
            "kubectl get secret NAME -n NS",
            "NS is prose",
        ]
    )
    assert fill(text, values).splitlines() == [
        "kubectl get deploy api -n shop",
        "kubectl describe pod api-0 -n shop",
        "kubectl get secret NAME -n shop",
        "NS is prose",
    ]


def test_tools_never_show_secret_values() -> None:
    creds = secret("db-creds", "shop", keys=["password", "username"])
    creds["data"]["password"] = base64.b64encode(b"hunter2-db").decode()
    s = state(creds)
    f = Facts(Diagnosis.of(s), clock=lambda: s.now)
    result = asyncio.run(
        run_tool(f, "get_object", {"kind": "secret", "namespace": "shop", "name": "db-creds"})
    )
    assert "hunter2" not in result.text and base64.b64encode(b"hunter2-db").decode() not in result.text
    assert '"password"' in result.text and '"username"' in result.text


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("delete_deployment", {"name": "api"}, "there is no tool 'delete_deployment'"),
        ("get_object", {"kind": "gadget", "name": "x"}, "unknown kind 'gadget'"),
        ("get_object", {"kind": "Deployment"}, "argument 'name' is required"),
        ("get_logs", {"namespace": "shop", "pod": "postgres-0", "container": "x"}, "containers: postgres"),
        ("list_findings", {"min_severity": "loud"}, "unknown severity 'loud'"),
        ("search_runbooks", {"query": ""}, "argument 'query' is required"),
    ],
)
def test_bad_tool_calls_are_errors_the_model_can_read(
    name: str, args: dict[str, object], message: str
) -> None:
    with pytest.raises(ToolError, match=message):
        asyncio.run(run_tool(facts(), name, args))
