"""NetworkPolicies that block traffic the workload needs.

Detects: (a) pods selected by a Service and isolated for ingress, where no ingress rule of any
policy selecting them admits the Service's target port - the Service is unreachable; (b) pods
isolated for egress where no egress rule allows port 53, so DNS lookups fail (quoting a DNS error
from their logs when there is one). Rules with peers we cannot evaluate count as admitting: only a
port no rule can carry is flagged.
Evidence: the policies' podSelector and rules, the Service's target port.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.state import ClusterState, KubeObject, LabelSelector, Pod, as_list, as_map

DNS_ERRORS = ("no such host", "Temporary failure in name resolution", "getaddrinfo", "UnknownHostException")


def _types(policy: KubeObject) -> set[str]:
    types = {str(t) for t in as_list(policy.spec.get("policyTypes"))}
    if not types:
        types = {"Ingress"} | ({"Egress"} if "egress" in policy.spec else set())
    return types


def _selects(policy: KubeObject, pod: Pod) -> bool:
    return LabelSelector.from_spec(as_map(policy.spec.get("podSelector"))).matches(pod.labels)


def _rule_allows(rule: object, port: int | str | None, protocol: str = "TCP") -> bool:
    ports = as_list(as_map(rule).get("ports"))
    if not ports:
        return True
    for p in ports:
        pm = as_map(p)
        if str(pm.get("protocol", "TCP")) != protocol:
            continue
        value = pm.get("port")
        if (
            value is None
            or value == port
            or (
                isinstance(port, int)
                and isinstance(value, int)
                and value <= port <= int(pm.get("endPort") or value)
            )
        ):
            return True
    return False


def analyze(state: ClusterState) -> Iterator[Finding]:
    by_ns: dict[str, list[KubeObject]] = {}
    for policy in state.objects("NetworkPolicy"):
        by_ns.setdefault(policy.namespace, []).append(policy)
    for ns, policies in by_ns.items():
        yield from _ingress(state, ns, [p for p in policies if "Ingress" in _types(p)])
        yield from _egress_dns(state, [p for p in policies if "Egress" in _types(p)])


def _ingress(state: ClusterState, ns: str, policies: list[KubeObject]) -> Iterator[Finding]:
    if not policies:
        return
    for svc in state.objects("Service", ns):
        selector = as_map(svc.spec.get("selector"))
        if not selector:
            continue
        pods = state.select_pods(ns, LabelSelector.from_map(selector))
        if not pods:
            continue
        pod = pods[0]
        applying = [p for p in policies if _selects(p, pod)]
        if not applying:
            continue
        for port in as_list(svc.spec.get("ports")):
            pm = as_map(port)
            target = pm.get("targetPort", pm.get("port"))
            protocol = str(pm.get("protocol", "TCP"))
            allowed = any(
                _rule_allows(r, target, protocol) for p in applying for r in as_list(p.spec.get("ingress"))
            )
            if allowed:
                continue
            names = ", ".join(p.name for p in applying)
            yield Finding.for_object(
                svc,
                severity=Severity.ERROR,
                category="network-policy",
                title=f"NetworkPolicy blocks traffic to port {target}",
                message=(
                    f"Pods of Service {svc.name} are isolated by NetworkPolicy {names} and no ingress rule "
                    f"admits {protocol} port {target}: the Service cannot be reached."
                ),
                root_cause=(
                    f"NetworkPolicy {names} selects the pods but none of its ingress rules allows port "
                    f"{target}."
                ),
                evidence=[
                    Evidence.field("spec.ingress", f"{len(as_list(p.spec.get('ingress')))} rule(s)", p.ref)
                    for p in applying
                ],
                remediation=(
                    f"Add an ingress rule allowing port {target} from the callers to NetworkPolicy {names}."
                ),
                related=tuple(p.ref for p in applying),
            )
            break


def _egress_dns(state: ClusterState, policies: list[KubeObject]) -> Iterator[Finding]:
    for policy in policies:
        pods = [p for p in state.pods_in(policy.namespace) if _selects(policy, p) and not p.is_finished]
        if not pods:
            continue
        applying = [p for p in policies if _selects(p, pods[0])]
        rules = [r for p in applying for r in as_list(p.spec.get("egress"))]
        if any(_rule_allows(r, 53, "UDP") or _rule_allows(r, 53, "TCP") for r in rules):
            continue
        if policy is not applying[0]:
            continue  # report once, on the first policy
        evidence = [Evidence.field("spec.egress", f"{len(rules)} rule(s), none allows port 53", policy.ref)]
        dns_line = _dns_error(state, pods)
        if dns_line is not None:
            evidence.append(dns_line)
        yield Finding.for_object(
            policy,
            severity=Severity.ERROR,
            category="network-policy",
            title="egress policy blocks DNS (port 53)",
            message=(
                f"NetworkPolicy {policy.name} isolates {len(pods)} pod(s) for egress and no egress rule "
                "allows "
                "port 53: they cannot resolve any name, including Services."
            ),
            root_cause=(
                "Egress isolation without a rule for DNS (UDP and TCP 53 to kube-dns) blocks name resolution."
            ),
            evidence=evidence,
            remediation="Add an egress rule to kube-system/kube-dns on UDP and TCP port 53 "
            "(namespaceSelector kubernetes.io/metadata.name=kube-system, podSelector k8s-app=kube-dns).",
            related=tuple(p.ref for p in pods[:10]),
        )


def _dns_error(state: ClusterState, pods: list[Pod]) -> Evidence | None:
    for pod in pods[:20]:
        for c in pod.containers():
            for previous in (True, False):
                text = state.logs(pod, c.name, previous=previous) or ""
                for line in reversed(text.splitlines()[-200:]):
                    if any(marker in line for marker in DNS_ERRORS):
                        suffix = ".previous" if previous else ""
                        return Evidence(
                            EvidenceSource.LOG,
                            line.strip()[:300],
                            location=f"logs/{pod.namespace}/{pod.name}/{c.name}{suffix}.log",
                            object=pod.ref,
                        )
    return None
