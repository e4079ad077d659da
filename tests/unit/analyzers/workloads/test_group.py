from __future__ import annotations

import importlib
import pkgutil

import kubemedic.analyzers.workloads as group
from kubemedic.analyzers.categories import CATEGORIES
from kubemedic.analyzers.run import run_analyzers
from tests.factory import cstatus, deployment_with_pods, node, quota, state, waiting


def test_every_analyzer_module_is_listed_and_documented() -> None:
    modules = [
        importlib.import_module(f"{group.__name__}.{m.name}") for m in pkgutil.iter_modules(group.__path__)
    ]
    analyzers = {m.__name__ for m in modules if hasattr(m, "analyze")}
    assert {a.__module__ for a in group.ANALYZERS} == analyzers
    for name in analyzers:
        doc = importlib.import_module(name).__doc__ or ""
        assert "Detects:" in doc and "Evidence:" in doc, name


def test_findings_use_known_categories_and_run_cleanly_together() -> None:
    crash = {"statuses": [cstatus(ready=False, restarts=3, state=waiting("CrashLoopBackOff"))]}
    cluster = state(
        deployment_with_pods("api", replicas=2, ready=0, pod_kw=crash),
        node("node-1", ready=False),
        node("node-2", unschedulable=True),
        quota("q", hard={"pods": "10"}, used={"pods": "10"}),
    )
    findings = run_analyzers(cluster, group.ANALYZERS)
    assert {f.category for f in findings} <= set(CATEGORIES)
    assert not [f for f in findings if f.category == "kubemedic-internal"]
    assert {f.analyzer for f in findings} == {"workloads.deployments", "workloads.nodes", "workloads.quotas"}
