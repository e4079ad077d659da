"""Services that route nowhere.

Detects: a selector that matches no pod in the namespace (naming the closest pods' labels), a
selector whose pods are none Ready (no ready endpoints), and a targetPort that no selected pod's
container exposes. Services without a selector (ExternalName, manual Endpoints) are skipped.
Evidence: the selector, the Endpoints' ready/not-ready addresses, the pods' declared ports.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.state import ClusterState, KubeObject, LabelSelector, Pod, as_list, as_map

GRACE_S = 120


def analyze(state: ClusterState) -> Iterator[Finding]:
    troubled = {id(p) for p in state.troubled_pods}  # a pod not in it is Running and Ready
    for svc in state.objects("Service"):
        selector_map = as_map(svc.spec.get("selector"))
        if not selector_map or svc.spec.get("type") == "ExternalName":
            continue
        selector = LabelSelector.from_map(selector_map)
        pods = [
            p
            for p in state.select_pods(svc.namespace, selector)
            if id(p) not in troubled or not p.is_finished
        ]
        if not pods:
            yield _no_pods(state, svc, selector)
            continue
        ready = [p for p in pods if id(p) not in troubled or p.is_ready]
        if not ready:
            young = all((state.age_seconds(p.created) or GRACE_S) < GRACE_S for p in pods)
            if not young:
                yield _no_ready(state, svc, selector, pods)
        missing = _missing_target_ports(svc, pods[:1]) and _missing_target_ports(svc, pods)
        if missing:
            yield _bad_port(svc, selector, pods, missing)


def _sel_evidence(svc: KubeObject, selector: LabelSelector) -> Evidence:
    return Evidence.field("spec.selector", selector.describe(), svc.ref)


def _no_pods(state: ClusterState, svc: KubeObject, selector: LabelSelector) -> Finding:
    near = _closest(state.pods_in(svc.namespace), selector)
    hint = f" Pods in {svc.namespace} with similar labels: {near}." if near else ""
    return Finding.for_object(
        svc,
        severity=Severity.ERROR,
        category="service",
        title="selector matches no pod",
        message=(
            f"Service {svc.name} selects {selector.describe()} but no pod in {svc.namespace} has those "
            "labels, "
            "so it has no endpoints and every connection to it fails."
        ),
        root_cause=f"No pod carries the labels {selector.describe()}.{hint}",
        evidence=[_sel_evidence(svc, selector)],
        remediation="Fix the Service's selector (or the pods' labels) so they match: "
        f"`kubectl get pods -n {svc.namespace} --show-labels`.",
    )


def _closest(pods: list[Pod], selector: LabelSelector) -> str:
    best: dict[str, int] = {}
    for pod in pods:
        shared = sum(1 for k, _ in selector.match_labels if k in pod.labels)
        if shared:
            text = ",".join(f"{k}={pod.labels[k]}" for k, _ in selector.match_labels if k in pod.labels)
            best[text] = max(best.get(text, 0), shared)
    return "; ".join(sorted(best, key=lambda t: -best[t])[:3])


def _no_ready(state: ClusterState, svc: KubeObject, selector: LabelSelector, pods: list[Pod]) -> Finding:
    evidence = [_sel_evidence(svc, selector)]
    endpoints = state.get("Endpoints", svc.namespace, svc.name)
    if endpoints is not None:
        ready_n = not_ready_n = 0
        for subset in as_list(endpoints.raw.get("subsets")):
            ready_n += len(as_list(as_map(subset).get("addresses")))
            not_ready_n += len(as_list(as_map(subset).get("notReadyAddresses")))
        evidence.append(
            Evidence(
                EvidenceSource.FIELD,
                f"ready addresses: {ready_n}, not ready: {not_ready_n}",
                location="Endpoints subsets",
                object=endpoints.ref,
            )
        )
    units = {state.top_owner(p).ref for p in pods}
    return Finding.for_object(
        svc,
        severity=Severity.ERROR,
        category="service",
        title="no ready endpoints",
        message=(
            f"Service {svc.name} selects {len(pods)} pod(s) but none is Ready, so it has no ready endpoints."
        ),
        root_cause="The pods behind the Service are not Ready; the Service is down until they are.",
        evidence=evidence,
        remediation="Fix the backing pods (see their findings).",
        related=tuple(p.ref for p in pods[:10]),
        depends_on=tuple(sorted(units)),
    )


def _declared_ports(pod: Pod) -> tuple[frozenset[int], frozenset[str]]:
    """The container port numbers and names a pod declares, once per pod view."""

    def parse() -> tuple[frozenset[int], frozenset[str]]:
        numbers: set[int] = set()
        names: set[str] = set()
        for c in pod.containers():
            numbers |= c.port_numbers()
            names |= set(c.port_names())
        return frozenset(numbers), frozenset(names)

    found: tuple[frozenset[int], frozenset[str]] = pod.parsed_once("declared_ports", parse)
    return found


def _missing_target_ports(svc: KubeObject, pods: list[Pod]) -> list[str]:
    numbers: set[int] = set()
    names: set[str] = set()
    for pod in pods[:5]:  # a workload's pods share a template; a few tell what they expose
        pod_numbers, pod_names = _declared_ports(pod)
        numbers |= pod_numbers
        names |= pod_names
    if not numbers and not names:
        return []  # pods declare no ports: containerPort is informational, cannot judge
    missing = []
    for port in as_list(svc.spec.get("ports")):
        p = as_map(port)
        target = p.get("targetPort", p.get("port"))
        if isinstance(target, int) and target not in numbers:
            missing.append(str(target))
        elif isinstance(target, str) and (
            (not target.isdigit() and target not in names)
            or (target.isdigit() and int(target) not in numbers)
        ):
            missing.append(target)
    return missing


def _bad_port(svc: KubeObject, selector: LabelSelector, pods: list[Pod], missing: list[str]) -> Finding:
    declared = sorted({str(n) for p in pods for c in p.containers() for n in c.port_numbers()})
    return Finding.for_object(
        svc,
        severity=Severity.WARNING,
        category="service",
        title=f"targetPort {', '.join(missing)} not exposed by its pods",
        message=f"Service {svc.name} sends traffic to port {', '.join(missing)}, but the selected pods "
        f"({selector.describe()}) declare {', '.join(declared) or 'no'} container port(s).",
        root_cause=f"targetPort {', '.join(missing)} is not a containerPort of pods {selector.describe()} "
        f"(they declare {', '.join(declared)}); connections will be refused if nothing listens there.",
        evidence=[
            Evidence.field("spec.ports[*].targetPort", ", ".join(missing), svc.ref),
            Evidence.field("pods' containerPorts", ", ".join(declared), pods[0].ref),
        ],
        remediation=(
            "Set the Service's targetPort to the port the container listens on (or use a named port)."
        ),
        related=tuple(p.ref for p in pods[:10]),
    )
