"""A workload the Kubernetes API refuses: which service account, verb and resource, and its bindings.

Detects: `User "system:serviceaccount:NS:SA" cannot VERB resource "R" in API group "G" in the
namespace "X"` (HTTP 403 from the API server) in the log of a failing container.
Evidence: the quoted log line, and the RoleBindings/ClusterRoleBindings that name the account.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.applogs.app_logs import matches
from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, as_list, as_map


def analyze(state: ClusterState) -> Iterator[Finding]:
    seen: set[tuple[str, str, str, str, str]] = set()
    for pod, status, match, previous, _ in matches(state):
        if match.pattern.name != "k8s-forbidden":
            continue
        sa_ns, sa = match.capture("sa_ns"), match.capture("sa")
        verb, resource, group = (
            match.capture("verb"),
            match.capture("resource"),
            match.captures.get("group", ""),
        )
        scope = match.capture("namespace")
        subject = state.top_owner(pod)
        key = (subject.kind, subject.namespace, subject.name, verb, resource)
        if key in seen:
            continue
        seen.add(key)
        bindings = _bindings_for(state, sa_ns, sa)
        bound = ", ".join(
            f"{b.kind} {b.name} -> {as_map(b.raw.get('roleRef')).get('name')}" for b in bindings
        )
        where = f"in namespace {scope}" if scope else "at cluster scope"
        api = f"{group}/" if group else ""
        role = f"{sa}-{verb}-{resource.replace('/', '-')}"
        qualified = f"{resource}.{group}" if group else resource
        sa_ref = f"{sa_ns}:{sa}"
        if scope:
            create = (
                f"`kubectl create role {role} -n {scope} --verb={verb} --resource={qualified}` and "
                f"`kubectl create rolebinding {role} -n {scope} --role={role} --serviceaccount={sa_ref}`"
            )
        else:
            create = (
                f"`kubectl create clusterrole {role} --verb={verb} --resource={qualified}` and "
                f"`kubectl create clusterrolebinding {role} --clusterrole={role} --serviceaccount={sa_ref}`"
            )
        suffix = ".previous" if previous else ""
        yield Finding.for_object(
            subject,
            severity=Severity.ERROR,
            category="rbac",
            title=f"service account {sa_ns}/{sa} may not {verb} {api}{resource}",
            message=f"Container {status.name} of pod {pod.name} is refused by the API server: it may not "
            f"{verb} {api}{resource} {where}.",
            root_cause=f"ServiceAccount {sa_ns}/{sa} lacks RBAC permission to {verb} {resource} {where}; "
            + (f"it is bound to: {bound}." if bound else "no RoleBinding or ClusterRoleBinding names it."),
            evidence=[
                Evidence.log(
                    match.line,
                    f"logs/{pod.namespace}/{pod.name}/{status.name}{suffix}.log:{match.line_number}",
                    pod.ref,
                )
            ],
            remediation=f"Grant exactly that permission: {create}.",
            related=(ObjectRef("ServiceAccount", sa_ns, sa), *(b.ref for b in bindings)),
        )


def _bindings_for(state: ClusterState, namespace: str, name: str) -> list[KubeObject]:
    found = []
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for binding in state.objects(kind):
            for subject in as_list(binding.raw.get("subjects")):
                s = as_map(subject)
                if (
                    s.get("kind") == "ServiceAccount"
                    and s.get("name") == name
                    and s.get("namespace", namespace) == namespace
                ):
                    found.append(binding)
                    break
    return found
