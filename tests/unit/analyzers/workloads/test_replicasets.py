from __future__ import annotations

import pytest

from kubemedic.analyzers.workloads import replicasets
from kubemedic.analyzers.workloads.create_failures import classify
from kubemedic.domain import EvidenceSource, Finding, Severity
from tests.factory import (
    Obj,
    daemonset,
    deployment,
    event,
    job,
    job_complete,
    quota,
    replicaset,
    service,
    state,
    statefulset,
    webhook_config,
)

QUOTA_MSG = (
    'Error creating: pods "web-7d9f8b6c5-x2k9p" is forbidden: exceeded quota: compute-quota, '
    "requested: limits.memory=512Mi, used: limits.memory=1536Mi, limited: limits.memory=2Gi"
)
WEBHOOK_MSG = (
    'Error creating: Internal error occurred: failed calling webhook "validate.policy.example.com": '
    'failed to call webhook: Post "https://policy-svc.policy.svc:443/validate?timeout=10s": '
    'service "policy-svc" not found'
)


def failing_rs(message: str, **rs_kw: object) -> list[Obj]:
    dep = deployment("web", "shop", replicas=2, ready=0)
    rs = replicaset(dep, replicas=2, ready=0)
    rs["status"]["replicas"] = 0
    ev = event(rs, "FailedCreate", message, count=14, component="replicaset-controller")
    return [dep, rs, ev]


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(replicasets.analyze(state(*objs)))


def test_exceeded_quota_names_quota_and_resource_on_the_deployment() -> None:
    q = quota("compute-quota", "shop", hard={"limits.memory": "2Gi"}, used={"limits.memory": "1536Mi"})
    findings = run(failing_rs(QUOTA_MSG), q)

    assert len(findings) == 1
    f = findings[0]
    assert (f.object.kind, f.object.name) == ("Deployment", "web")
    assert (f.category, f.severity) == ("quota", Severity.ERROR)
    assert f.title == "web: cannot create pods - exceeded quota compute-quota"
    assert "requests limits.memory=512Mi" in f.root_cause
    assert "limits.memory=1536Mi is already used of the limits.memory=2Gi allowed" in f.root_cause
    assert f.evidence[0].source == EvidenceSource.EVENT and f.evidence[0].text == QUOTA_MSG
    assert "(14 times)" in f.message
    assert [r.kind for r in f.depends_on] == ["ResourceQuota"]
    assert ("ReplicaSet", "web-7d9f8b6c5") in [(r.kind, r.name) for r in f.related]
    assert "kubectl describe resourcequota compute-quota -n shop" in f.remediation


def test_webhook_with_missing_service_is_critical_and_points_at_the_config() -> None:
    hook = webhook_config("policy", service=("policy", "policy-svc"))
    hook["webhooks"][0]["name"] = "validate.policy.example.com"
    f = run(failing_rs(WEBHOOK_MSG), hook)[0]
    assert (f.category, f.severity) == ("webhook", Severity.CRITICAL)
    assert f.title == "web: cannot create pods - webhook validate.policy.example.com service missing"
    related = [(r.kind, r.namespace, r.name) for r in f.related]
    assert ("ValidatingWebhookConfiguration", "", "policy") in related
    assert ("Service", "policy", "policy-svc") in related
    assert f.depends_on == ()  # the Service does not exist, so nothing to blame but the config


def test_webhook_without_endpoints_depends_on_the_existing_service() -> None:
    msg = (
        'Internal error occurred: failed calling webhook "validate.policy.example.com": failed to call '
        'webhook: Post "https://policy-svc.policy.svc:443/validate": no endpoints available for service '
        '"policy-svc"'
    )
    hook = webhook_config("policy", service=("policy", "policy-svc"))
    hook["webhooks"][0]["name"] = "validate.policy.example.com"
    f = run(failing_rs(msg), hook, service("policy-svc", "policy"))[0]
    assert f.title.endswith("webhook validate.policy.example.com has no endpoints")
    assert [(r.kind, r.name) for r in f.depends_on] == [("Service", "policy-svc")]


@pytest.mark.parametrize(
    ("message", "category", "title", "cause"),
    [
        (
            'pods "web-abc" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi',
            "quota",
            "cannot create pods - LimitRange maximum memory per Container",
            "allows a maximum of 1Gi memory per Container, but the pod template's limit is 2Gi",
        ),
        (
            'pods "web-abc" is forbidden: minimum cpu usage per Container is 100m, but request is 50m',
            "quota",
            "cannot create pods - LimitRange minimum cpu per Container",
            "minimum of 100m cpu",
        ),
        (
            'pods "web-abc" is forbidden: failed quota: compute-quota: must specify limits.cpu',
            "quota",
            "cannot create pods - quota compute-quota requires limits.cpu",
            "every pod must declare them",
        ),
        (
            'pods "web-abc" is forbidden: error looking up service account shop/deployer: '
            'serviceaccount "deployer" not found',
            "config-reference",
            "cannot create pods - ServiceAccount deployer missing",
            "does not exist in shop",
        ),
        (
            'admission webhook "validate.kyverno.svc" denied the request: image tag latest is not allowed',
            "webhook",
            "cannot create pods - denied by webhook validate.kyverno.svc",
            "image tag latest is not allowed",
        ),
        (
            'pods "web-abc" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
            "container-config",
            "cannot create pods - violates PodSecurity restricted:latest",
            "runAsNonRoot != true",
        ),
        ("something unexpected happened", "workload", "cannot create pods", "something unexpected happened"),
    ],
)
def test_failed_create_messages_are_classified(message: str, category: str, title: str, cause: str) -> None:
    failure = classify(message, ns=" -n shop")
    assert (failure.category, failure.title) == (category, title)
    assert cause in failure.root_cause


def test_statefulset_daemonset_and_job_failures_are_reported_on_their_top_owner() -> None:
    sts = statefulset("db", replicas=3, ready=0)
    sts["status"]["replicas"] = 0
    ds = daemonset("agent", desired=3, ready=0)
    ds["status"]["currentNumberScheduled"] = 0
    j = job("migrate")
    msg = 'pods "x" is forbidden: failed quota: q1: must specify limits.cpu'
    findings = run(sts, ds, j, *(event(o, "FailedCreate", msg, component="controller") for o in (sts, ds, j)))
    assert sorted((f.object.kind, f.object.name) for f in findings) == [
        ("DaemonSet", "agent"),
        ("Job", "migrate"),
        ("StatefulSet", "db"),
    ]


def test_same_cause_on_two_replicasets_of_one_deployment_is_one_finding() -> None:
    objs = failing_rs(QUOTA_MSG)
    old = replicaset(objs[0], suffix="old111", replicas=1, ready=0)
    old["status"]["replicas"] = 0
    findings = run(objs, old, event(old, "FailedCreate", QUOTA_MSG, ago=300))
    assert len(findings) == 1


def test_stale_events_are_quiet() -> None:
    dep = deployment("web", replicas=2)
    rs = replicaset(dep)  # has all its pods now
    done = job("migrate", succeeded=1, conditions=job_complete())
    gone = deployment("gone", replicas=1)
    gone_rs = replicaset(gone)
    objs = [
        dep,
        rs,
        done,
        event(rs, "FailedCreate", QUOTA_MSG, ago=1800),
        event(done, "FailedCreate", QUOTA_MSG, ago=1800),
        event(gone_rs, "FailedCreate", QUOTA_MSG),  # ReplicaSet deleted since
    ]
    assert run(objs) == []
