"""Ingresses that point at something missing.

Detects: an ingressClassName naming a missing IngressClass (or no class and no default class), a
backend Service that does not exist or lacks the port, a TLS secret that does not exist; a backend
Service with no ready endpoints is recorded as a dependency so the incident roots at its pods.
Evidence: the rule's backend, the class name, the TLS secretName.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, as_list, as_map, dig

DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS = "kubernetes.io/ingress.class"


def _backends(ing: KubeObject) -> Iterator[tuple[str, object]]:
    default = as_map(dig(ing.spec, "defaultBackend", "service"))
    if default.get("name"):
        port = as_map(default.get("port"))
        yield str(default["name"]), port.get("number") or port.get("name")
    for rule in as_list(ing.spec.get("rules")):
        for path in as_list(dig(as_map(rule), "http", "paths")):
            svc = as_map(dig(as_map(path), "backend", "service"))
            if svc.get("name"):
                port = as_map(svc.get("port"))
                yield str(svc["name"]), port.get("number") or port.get("name")


def analyze(state: ClusterState) -> Iterator[Finding]:
    classes = {c.name: c for c in state.objects("IngressClass")}
    has_default = any(c.annotations.get(DEFAULT_CLASS) == "true" for c in classes.values())
    for ing in state.objects("Ingress"):
        yield from _class(ing, classes, has_default, bool(classes) or bool(state.objects("IngressClass")))
        yield from _services(state, ing)
        yield from _tls(state, ing)


def _class(
    ing: KubeObject, classes: dict[str, KubeObject], has_default: bool, known: bool
) -> Iterator[Finding]:
    name = ing.spec.get("ingressClassName")
    if name and known and name not in classes:
        yield Finding.for_object(
            ing,
            severity=Severity.ERROR,
            category="ingress",
            title=f"IngressClass {name} does not exist",
            message=(
                f"Ingress {ing.name} asks for class {name}, which no IngressClass defines; no controller "
                "serves it."
            ),
            root_cause=(
                f"ingressClassName {name} matches no IngressClass (existing: {', '.join(sorted(classes))})."
            ),
            evidence=[Evidence.field("spec.ingressClassName", str(name), ing.ref)],
            remediation="Set spec.ingressClassName to an existing class (`kubectl get ingressclass`).",
        )
    elif not name and known and not has_default and not ing.annotations.get(LEGACY_CLASS):
        yield Finding.for_object(
            ing,
            severity=Severity.WARNING,
            category="ingress",
            title="no ingress class",
            message=f"Ingress {ing.name} names no class and the cluster has no default IngressClass.",
            root_cause="Without a class (or a default class) no ingress controller picks this Ingress up.",
            evidence=[Evidence.field("spec.ingressClassName", "unset", ing.ref)],
            remediation="Set spec.ingressClassName, or mark one IngressClass as default.",
        )


def _services(state: ClusterState, ing: KubeObject) -> Iterator[Finding]:
    for name, port in dict(_backends(ing)).items():
        svc = state.get("Service", ing.namespace, name)
        if svc is None:
            yield Finding.for_object(
                ing,
                severity=Severity.ERROR,
                category="ingress",
                title=f"backend service {name} does not exist",
                message=(
                    f"Ingress {ing.name} routes to Service {name}, which does not exist in "
                    f"{ing.namespace}: "
                    "requests get 503/404 from the controller."
                ),
                root_cause=f"Service {ing.namespace}/{name} is missing.",
                evidence=[Evidence.field("spec.rules[*].http.paths[*].backend.service.name", name, ing.ref)],
                remediation="Create the Service or fix the backend name.",
                related=(ObjectRef("Service", ing.namespace, name),),
            )
            continue
        ports = [as_map(p) for p in as_list(svc.spec.get("ports"))]
        if port is not None and not any(p.get("port") == port or p.get("name") == port for p in ports):
            have = ", ".join(str(p.get("name") or p.get("port")) for p in ports)
            yield Finding.for_object(
                ing,
                severity=Severity.ERROR,
                category="ingress",
                title=f"backend port {port} not on service {name}",
                message=f"Ingress {ing.name} routes to port {port} of Service {name}, which only has {have}.",
                root_cause=f"Service {name} has no port {port}.",
                evidence=[Evidence.field("backend.service.port", str(port), ing.ref)],
                remediation=f"Use one of the Service's ports ({have}).",
                depends_on=(svc.ref,),
            )


def _tls(state: ClusterState, ing: KubeObject) -> Iterator[Finding]:
    for tls in as_list(ing.spec.get("tls")):
        secret = as_map(tls).get("secretName")
        if secret and state.objects("Secret") and state.get("Secret", ing.namespace, str(secret)) is None:
            yield Finding.for_object(
                ing,
                severity=Severity.ERROR,
                category="ingress",
                title=f"TLS secret {secret} does not exist",
                message=f"Ingress {ing.name} terminates TLS with Secret {secret}, which does not exist; the "
                "controller serves its default (self-signed) certificate.",
                root_cause=f"Secret {ing.namespace}/{secret} is missing (not issued yet, or misnamed).",
                evidence=[Evidence.field("spec.tls[*].secretName", str(secret), ing.ref)],
                remediation=(
                    "Create the kubernetes.io/tls Secret (or check the cert-manager Certificate that should)."
                ),
                related=(ObjectRef("Secret", ing.namespace, str(secret)),),
            )
