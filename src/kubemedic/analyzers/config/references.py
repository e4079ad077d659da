"""Pod specs that reference ConfigMaps, Secrets, keys, PVCs or ServiceAccounts that do not exist.

Detects: a missing (non-optional) ConfigMap or Secret, a missing key in one that exists, a name that
exists as the other kind ("secret db-creds not found, but a ConfigMap db-creds exists"), a missing
PersistentVolumeClaim or ServiceAccount. Each workload's template is checked once; standalone pods
on their own; finished Job pods are skipped.
Evidence: the field path of the reference in the pod template.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, SpecReference, as_map

CHECKED_KINDS = ("ConfigMap", "Secret", "PersistentVolumeClaim", "ServiceAccount")
OTHER = {"ConfigMap": "Secret", "Secret": "ConfigMap"}
TEMPLATE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob")


def analyze(state: ClusterState) -> Iterator[Finding]:
    present = {kind: state.has_any(kind) for kind in CHECKED_KINDS}
    for subject, refs in state.template_references:
        seen: set[tuple[str, str, str]] = set()
        for ref in refs:
            if ref.optional or not present.get(ref.kind) or ref.where == "spec.imagePullSecrets":
                continue
            if ref.kind == "ServiceAccount" and ref.name == "default":
                continue
            key = (ref.kind, ref.name, ref.key)
            if key in seen:
                continue
            seen.add(key)
            finding = _check(state, subject, ref)
            if finding is not None:
                yield finding


def _fix(ref: SpecReference, ns: str, other_kind: str | None) -> str:
    if other_kind is not None:
        fields = "secretKeyRef/secretRef" if other_kind == "Secret" else "configMapKeyRef/configMapRef"
        return f"Reference it as a {other_kind} ({fields}), or create the {ref.kind}."
    text = f"Create {ref.kind} {ref.name} in {ns}, or fix the name in the template."
    if ref.kind in OTHER:
        text += " Mark the reference optional if the app can run without it."
    return text


def _keys(obj: KubeObject) -> frozenset[str]:
    """The keys of a ConfigMap or Secret, once per view."""

    def parse() -> frozenset[str]:
        keys: set[str] = set()
        for field in ("data", "binaryData", "stringData"):
            keys.update(as_map(obj.raw.get(field)))
        return frozenset(keys)

    found: frozenset[str] = obj.parsed_once("data_keys", parse)
    return found


def _check(state: ClusterState, subject: KubeObject, ref: SpecReference) -> Finding | None:
    ns = subject.namespace
    target = state.get(ref.kind, ns, ref.name)
    if target is not None and not (ref.key and ref.kind in OTHER and ref.key not in _keys(target)):
        return None  # the common case: what it references is there
    evidence = [
        Evidence.field(
            ref.where, f"{ref.kind} {ref.name}" + (f" key {ref.key}" if ref.key else ""), subject.ref
        )
    ]
    if target is None:
        other_kind = OTHER.get(ref.kind)
        other = state.get(other_kind, ns, ref.name) if other_kind else None
        hint = (
            f" A {other_kind} named {ref.name} exists in {ns}: the reference uses the wrong kind."
            if other
            else ""
        )
        return Finding.for_object(
            subject,
            severity=Severity.ERROR,
            category="config-reference",
            title=f"{ref.kind} {ref.name} does not exist",
            message=(
                f"{subject.ref.display()} references {ref.kind} {ref.name} ({ref.where}), which does not "
                "exist "
                f"in {ns}; its pods cannot start."
            ),
            root_cause=f"{ref.kind} {ns}/{ref.name} is missing.{hint}",
            evidence=evidence,
            remediation=_fix(ref, ns, other_kind if other else None),
            related=(ObjectRef(ref.kind, ns, ref.name),),
        )
    if ref.key and ref.kind in OTHER and ref.key not in _keys(target):
        have = ", ".join(sorted(_keys(target))) or "none"
        return Finding.for_object(
            subject,
            severity=Severity.ERROR,
            category="config-reference",
            title=f"{ref.kind} {ref.name} has no key {ref.key}",
            message=f"{subject.ref.display()} reads key {ref.key} of {ref.kind} {ref.name} ({ref.where}); "
            f"that key does not exist (keys: {have}).",
            root_cause=f"Key {ref.key} is missing from {ref.kind} {ns}/{ref.name}.",
            evidence=evidence,
            remediation=f"Add key {ref.key} to {ref.kind} {ref.name}, or fix the key name in the template.",
            related=(target.ref,),
        )
    return None
