"""For every simulated fault, the offline `ask "what is wrong in namespace <ns>"` names the planted
root cause first and cites its evidence - no model, no network, the real analyzers and correlator."""

from __future__ import annotations

import asyncio
from functools import cache

import pytest

from kubemedic.assistant import Answer, CitationKind, Diagnosis, Facts, Intent, ask_offline
from kubemedic.sim.scenarios import SCENARIOS, Scenario
from tests.integration.assistant.simstate import settled_state

pytestmark = pytest.mark.integration


@cache
def answered(name: str) -> tuple[Diagnosis, Answer]:
    scenario = next(s for s in SCENARIOS if s.name == name)
    state = settled_state(scenario.name)
    diagnosis = Diagnosis.of(state)
    question = (
        f"what is wrong in namespace {scenario.namespace}"
        if scenario.namespace
        else "what is wrong in the cluster"  # a Node fault has no namespace
    )
    answer = asyncio.run(ask_offline(question, Facts(diagnosis, clock=lambda: state.now)))
    return diagnosis, answer


def _names_match(planted: str, found: str) -> bool:
    """A fault planted on a PVC or a ReplicaSet is reported on its owner (data-x-0 -> x; renderer)."""
    return planted == found or found in planted or planted in found


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_ask_names_the_planted_root_cause_and_cites_its_evidence(scenario: Scenario) -> None:
    diagnosis, answer = answered(scenario.name)
    assert answer.intent is Intent.WHATS_WRONG and not answer.used_llm
    cited = [diagnosis.finding(c.finding_id) for c in answer.citations if c.kind is CitationKind.FINDING]
    assert cited and all(f is not None for f in cited)
    root = cited[0]
    assert root is not None
    # the first incident in the text is the planted fault, named by its object
    first = next(line for line in answer.text.splitlines() if line.startswith("1. "))
    assert _names_match(scenario.object, root.object.name), (scenario.object, first)
    assert root.object.name in first and root.title in first
    if scenario.namespace:
        assert root.object.namespace == scenario.namespace
    # the root cause's evidence is quoted and cited as data
    proof = [
        c
        for c in answer.citations
        if c.finding_id == root.id and c.kind in (CitationKind.EVENT, CitationKind.LOG, CitationKind.EVIDENCE)
    ]
    assert proof and all(c.quote for c in proof), answer.text
    assert " ".join(proof[0].quote.split())[:40] in " ".join(answer.text.split())
    # the category the scenario plants is among the cited findings, in the same incident as the root
    planted = [f for f in cited if f is not None and f.category == scenario.category]
    assert planted, (scenario.category, [f.category for f in cited if f is not None])
    assert any(f.incident_id == root.incident_id for f in planted)
    assert f"kubemedic explain {root.id}" in answer.text


def test_the_dependency_chain_is_blamed_on_the_database_not_the_api() -> None:
    diagnosis, answer = answered("dependency-chain")
    first = next(line for line in answer.text.splitlines() if line.startswith("1. "))
    assert "StatefulSet store/postgres" in first
    assert "wrong owner" in answer.text and "Deployment store/orders-api" in answer.text
    symptom = next(f for f in diagnosis.findings if f.category == "connectivity")
    assert diagnosis.root_of(symptom) is not None


def test_a_failing_node_is_named_for_the_namespaces_whose_pods_it_runs() -> None:
    state = settled_state("node-not-ready")
    hosted = sorted({p.namespace for p in state.pods_on("kubemedic-worker2")} - {"kube-system"})
    assert hosted
    facts = Facts(Diagnosis.of(state), clock=lambda: state.now)
    answer = asyncio.run(ask_offline(f"what is wrong in namespace {hosted[0]}", facts))
    first = next(line for line in answer.text.splitlines() if line.startswith("1. "))
    assert "Node kubemedic-worker2" in first and f"of {hosted[0]}:" in answer.text
