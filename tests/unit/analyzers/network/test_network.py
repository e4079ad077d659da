"""Services, Ingresses, NetworkPolicies and webhooks: failing objects and healthy look-alikes."""

from __future__ import annotations

from kubemedic.analyzers.network import ingress, network_policy, services, webhooks
from kubemedic.domain import Severity
from tests.factory import (
    container,
    cstatus,
    deployment_with_pods,
    ingress_class,
    pod,
    running,
    secret,
    service,
    state,
    webhook_config,
)
from tests.factory import (
    ingress as make_ingress,
)
from tests.factory import (
    network_policy as netpol,
)


def _web(ready: bool = True, ports: list[int] | None = None) -> list[dict[str, object]]:
    c = container(ports=ports or [8080], port_names={"http": 8081} if ports is None else None)
    kw = {} if ready else {"statuses": [cstatus(ready=False, state=running())], "ready": False}
    return deployment_with_pods("web", "shop", containers=[c], pod_kw=kw)


def test_selector_matching_no_pod_names_similar_labels() -> None:
    s = state(_web(), service("web", "shop", selector={"app": "web-v2"}))
    [finding] = list(services.analyze(s))
    assert finding.title == "selector matches no pod" and "app=web" in finding.root_cause


def test_no_ready_endpoints_depends_on_the_workload() -> None:
    s = state(_web(ready=False), service("web", "shop", selector={"app": "web"}))
    [finding] = list(services.analyze(s))
    assert finding.title == "no ready endpoints"
    assert [r.name for r in finding.depends_on] == ["web"]


def test_target_port_not_exposed() -> None:
    s = state(_web(ports=[8080]), service("web", "shop", selector={"app": "web"}, ports=[(80, 9090)]))
    [finding] = list(services.analyze(s))
    assert finding.severity == Severity.WARNING and "9090" in finding.title and "8080" in finding.root_cause


def test_healthy_service_with_named_target_port_is_quiet() -> None:
    s = state(
        _web(),
        service("web", "shop", selector={"app": "web"}, ports=[(80, "http")]),
        service("external", "shop", selector=None),
    )
    assert list(services.analyze(s)) == []


def test_ingress_missing_class_backend_port_and_tls() -> None:
    ing = make_ingress(
        "shop", "shop", backend=("nope", 80), ingress_class_name="traefik", tls_secret="shop-tls"
    )
    bad_port = make_ingress("api", "shop", backend=("web", 81))
    s = state(
        _web(),
        service("web", "shop", selector={"app": "web"}),
        ingress_class("nginx"),
        ing,
        bad_port,
        secret("other", "shop"),
    )
    titles = sorted(f.title for f in ingress.analyze(s))
    assert titles == [
        "IngressClass traefik does not exist",
        "TLS secret shop-tls does not exist",
        "backend port 81 not on service web",
        "backend service nope does not exist",
    ]


def test_healthy_ingress_with_default_class_is_quiet() -> None:
    default = ingress_class("nginx")
    default["metadata"]["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
    ing = make_ingress("shop", "shop", backend=("web", 80), ingress_class_name=None)
    s = state(_web(), service("web", "shop", selector={"app": "web"}), default, ing)
    assert list(ingress.analyze(s)) == []


def test_ingress_isolation_blocking_the_service_port() -> None:
    pol = netpol("deny", "shop", pod_selector={"app": "web"}, ingress=[{"ports": [{"port": 9999}]}])
    s = state(_web(), service("web", "shop", selector={"app": "web"}, ports=[(80, 8080)]), pol)
    [finding] = list(network_policy.analyze(s))
    assert finding.category == "network-policy" and "port 8080" in finding.title


def test_policy_admitting_the_port_is_quiet() -> None:
    pol = netpol(
        "allow",
        "shop",
        pod_selector={"app": "web"},
        ingress=[{"from": [{"podSelector": {}}], "ports": [{"port": 8080}]}],
    )
    s = state(_web(), service("web", "shop", selector={"app": "web"}, ports=[(80, 8080)]), pol)
    assert list(network_policy.analyze(s)) == []


def test_egress_without_dns_is_flagged_with_log_evidence() -> None:
    objs = _web()
    pol = netpol("egress-db", "shop", pod_selector={"app": "web"}, egress=[{"ports": [{"port": 5432}]}])
    logs = {("shop", objs[2]["metadata"]["name"], "app", False): "dial tcp: lookup postgres: no such host"}
    [finding] = list(network_policy.analyze(state(objs, pol, logs=logs)))
    assert finding.title == "egress policy blocks DNS (port 53)"
    assert any("no such host" in e.text for e in finding.evidence)


def test_egress_allowing_dns_is_quiet() -> None:
    pol = netpol(
        "egress",
        "shop",
        pod_selector={"app": "web"},
        egress=[{"ports": [{"port": 53, "protocol": "UDP"}]}, {"ports": [{"port": 5432}]}],
    )
    assert list(network_policy.analyze(state(_web(), pol))) == []


def test_webhook_without_service_blocks_with_fail_policy() -> None:
    hook = webhook_config("policy", service=("gatekeeper", "webhook"))
    soft = webhook_config("soft", service=("gatekeeper", "webhook"), failure_policy="Ignore")
    found = {f.object.name: f for f in webhooks.analyze(state(hook, soft, service("other", "x")))}
    assert found["policy"].severity == Severity.CRITICAL and found["soft"].severity == Severity.WARNING


def test_webhook_with_ready_backend_is_quiet() -> None:
    backend = pod("wh-1", "gatekeeper", labels={"app": "wh"})
    s = state(
        webhook_config("policy", service=("gatekeeper", "webhook")),
        backend,
        service("webhook", "gatekeeper", selector={"app": "wh"}),
    )
    assert list(webhooks.analyze(s)) == []
