from __future__ import annotations

from kubemedic.analyzers.workloads import hpa as hpa_analyzer
from kubemedic.domain import Finding, Severity
from tests.factory import Obj, condition, container, deployment, hpa, state

MISSING_REQUEST = (
    "the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu "
    "in container app of Pod web-7d9f8b6c5-x2k9p"
)
NO_METRICS_API = (
    "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics "
    "for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the "
    "requested resource (get pods.metrics.k8s.io)"
)


def inactive(reason: str, message: str) -> list[Obj]:
    return [
        condition("AbleToScale", True, "SucceededGetScale"),
        condition("ScalingActive", False, reason, message),
    ]


def run(*objs: Obj | list[Obj]) -> list[Finding]:
    return list(hpa_analyzer.analyze(state(*objs)))


def test_missing_cpu_request_in_target_template_is_the_root_cause() -> None:
    target = deployment("web", containers=[container("app")])  # no requests
    h = hpa("web", conditions=inactive("FailedGetResourceMetric", MISSING_REQUEST))
    findings = run(target, h)

    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity) == ("autoscaling", Severity.ERROR)
    assert f.title == "web: cannot compute replicas - FailedGetResourceMetric"
    assert (
        f.evidence[0].text
        == f"status.conditions[ScalingActive]: False FailedGetResourceMetric: {MISSING_REQUEST}"
    )
    assert f.evidence[1].text == "spec.template.spec.containers[app].resources.requests.cpu: <not set>"
    assert f.root_cause.startswith("Container(s) app of Deployment web set no cpu request")
    assert f.remediation == "Set resources.requests.cpu on app in the target's pod template."
    assert [(r.kind, r.name) for r in f.related] == [("Deployment", "web")]


def test_missing_request_in_an_injected_sidecar_is_explained_from_the_message() -> None:
    target = deployment("web", containers=[container("app", requests={"cpu": "100m"})])
    msg = MISSING_REQUEST.replace("container app", "container istio-proxy")
    f = run(target, hpa("web", conditions=inactive("FailedGetResourceMetric", msg)))[0]
    assert "a container has no cpu request" in f.root_cause
    assert "sidecars included" in f.remediation


def test_metrics_api_missing_blames_metrics_server() -> None:
    target = deployment("web", containers=[container("app", requests={"cpu": "100m"})])
    server = deployment("metrics-server", "kube-system")
    f = run(target, server, hpa("web", conditions=inactive("FailedGetResourceMetric", NO_METRICS_API)))[0]
    assert "metrics-server) is not installed or not answering" in f.root_cause
    assert [(r.kind, r.name) for r in f.depends_on] == [("Deployment", "metrics-server")]


def test_missing_scale_target() -> None:
    f = run(hpa("api", target=("Deployment", "api")))[0]
    assert f.title == "api: scale target Deployment api not found"
    assert f.evidence[0].text == "spec.scaleTargetRef: Deployment/api"


def test_able_to_scale_false() -> None:
    conds = [condition("AbleToScale", False, "FailedUpdateScale", "could not update scale: forbidden")]
    f = run(deployment("web"), hpa("web", conditions=conds))[0]
    assert f.title == "web: cannot scale target - FailedUpdateScale"


def test_pinned_at_max_for_a_while_is_a_warning_with_duration() -> None:
    conds = [
        condition("ScalingActive", True, "ValidMetricFound"),
        condition(
            "ScalingLimited",
            True,
            "TooManyReplicas",
            "the desired replica count is more than the maximum",
            ago=7200,
        ),
    ]
    f = run(deployment("web", replicas=10), hpa("web", max_r=10, current=10, desired=14, conditions=conds))[0]
    assert (f.severity, f.title) == (Severity.WARNING, "web: pinned at maxReplicas")
    assert f.message == "At maxReplicas 10 for 2h (desired 14)."


def test_healthy_lookalikes_are_quiet() -> None:
    ok = [
        condition("AbleToScale", True, "ReadyForNewScale"),
        condition("ScalingActive", True, "ValidMetricFound"),
    ]
    at_min = [
        *ok,
        condition("ScalingLimited", True, "TooFewReplicas", "the desired count is less than the minimum"),
    ]
    briefly_max = [
        *ok,
        condition("ScalingLimited", True, "TooManyReplicas", "more than the maximum", ago=120),
    ]
    disabled = [
        condition(
            "ScalingActive",
            False,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        )
    ]
    objs = [
        deployment("web"),
        deployment("batch", replicas=0),
        hpa("web", conditions=ok),
        hpa("web-min", conditions=at_min),
        hpa("web-max", max_r=10, current=10, conditions=briefly_max),
        hpa("batch", target=("Deployment", "batch"), conditions=disabled),
        hpa("rollout", target=("Rollout", "canary")),  # a CRD kind we have no objects of: no opinion
    ]
    assert run(objs) == []
