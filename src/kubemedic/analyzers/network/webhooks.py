"""Admission webhooks pointing at a Service that is missing or has no ready pod.

Detects: Validating/MutatingWebhookConfigurations whose clientConfig.service does not exist or has
no ready endpoints. With failurePolicy Fail, every matching create/update in the cluster is refused.
Evidence: the webhook's service reference and failure policy.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, LabelSelector, as_list, as_map, dig


def analyze(state: ClusterState) -> Iterator[Finding]:
    have_services = state.has_any("Service")
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for config in state.objects(kind):
            for hook in as_list(config.raw.get("webhooks")):
                h = as_map(hook)
                ref = as_map(dig(h, "clientConfig", "service"))
                if not ref.get("name") or not have_services:
                    continue
                ns, name = str(ref.get("namespace", "")), str(ref["name"])
                svc = state.get("Service", ns, name)
                policy = str(h.get("failurePolicy") or "Fail")
                depends: tuple[ObjectRef, ...] = ()
                if svc is None:
                    problem = f"Service {ns}/{name} does not exist"
                else:
                    selector = as_map(svc.spec.get("selector"))
                    pods = state.select_pods(ns, LabelSelector.from_map(selector)) if selector else []
                    if not selector or any(p.is_ready for p in pods):
                        continue
                    problem, depends = f"Service {ns}/{name} has no ready pod", (svc.ref,)
                blocking = policy == "Fail"
                yield Finding.for_object(
                    config,
                    severity=Severity.CRITICAL if blocking else Severity.WARNING,
                    category="webhook",
                    title=f"webhook {h.get('name', '')} has no backend",
                    message=f"{kind} {config.name}: {problem}. failurePolicy={policy}: "
                    + ("matching API requests are REJECTED." if blocking else "calls are skipped (Ignore)."),
                    root_cause=f"The webhook's backend is unavailable: {problem}.",
                    evidence=[
                        Evidence.field("webhooks[*].clientConfig.service", f"{ns}/{name}", config.ref),
                        Evidence.field("webhooks[*].failurePolicy", policy, config.ref),
                    ],
                    remediation="Restore the webhook's Service and pods, or delete the stale configuration "
                    f"(`kubectl delete {kind.lower()} {config.name}`) if its operator was uninstalled.",
                    related=(ObjectRef("Service", ns, name),),
                    depends_on=depends,
                )
