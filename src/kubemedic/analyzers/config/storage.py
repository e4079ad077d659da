"""PersistentVolumeClaims and PersistentVolumes in trouble.

Detects: PVCs Pending because their StorageClass does not exist, because no class is set and there
is no default class, or because provisioning fails (ProvisioningFailed events); PVCs Lost; PVs
Failed. A WaitForFirstConsumer claim that no pod uses yet is normal and stays quiet.
Evidence: the claim's storageClassName and the provisioner's events.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, as_map

DEFAULT = "storageclass.kubernetes.io/is-default-class"
GRACE_S = 120


def analyze(state: ClusterState) -> Iterator[Finding]:
    classes = {c.name: c for c in state.objects("StorageClass")}
    have_default = any(c.annotations.get(DEFAULT) == "true" for c in classes.values())
    used: set[tuple[str, str]] | None = None
    for pvc in state.objects("PersistentVolumeClaim"):
        phase = str(pvc.status.get("phase") or "")
        if phase == "Lost":
            yield _finding(
                pvc,
                Severity.ERROR,
                "claim Lost",
                "The PersistentVolume this claim was bound to is gone; the data it held is not reachable.",
                [Evidence.field("status.phase", "Lost", pvc.ref)],
                "Restore the PersistentVolume (or its backing disk) or recreate the claim from a backup.",
            )
        elif phase == "Pending":
            if used is None:
                used = _claims_in_use(state)
            yield from _pending(state, pvc, classes, have_default, used)
    for pv in state.objects("PersistentVolume"):
        if pv.status.get("phase") == "Failed":
            yield _finding(
                pv,
                Severity.ERROR,
                "volume Failed",
                f"Reclaiming the volume failed: {pv.status.get('message') or 'no message'}.",
                [Evidence.field("status.phase", "Failed", pv.ref)],
                "Check the storage backend; delete or repair the volume by hand.",
            )


def _claims_in_use(state: ClusterState) -> set[tuple[str, str]]:
    used = set()
    for pod in state.pods():
        for v in pod.volumes:
            claim = as_map(v.get("persistentVolumeClaim")).get("claimName")
            if claim:
                used.add((pod.namespace, str(claim)))
    return used


def _pending(
    state: ClusterState,
    pvc: KubeObject,
    classes: dict[str, KubeObject],
    have_default: bool,
    used: set[tuple[str, str]],
) -> Iterator[Finding]:
    name = pvc.spec.get("storageClassName")
    age = state.age_seconds(pvc.created) or 0
    event = state.latest_event(pvc, reasons=("ProvisioningFailed",))
    if name and classes and name not in classes:
        yield _finding(
            pvc,
            Severity.ERROR,
            f"StorageClass {name} does not exist",
            f"The claim asks for StorageClass {name}, which does not exist, so nothing provisions it.",
            [Evidence.field("spec.storageClassName", str(name), pvc.ref)],
            f"Use an existing class ({', '.join(sorted(classes))}) - storageClassName cannot be changed on "
            "an existing claim, so recreate it.",
            related=(ObjectRef("StorageClass", "", str(name)),),
        )
        return
    if name is None and classes and not have_default and not pvc.spec.get("volumeName"):
        yield _finding(
            pvc,
            Severity.ERROR,
            "no StorageClass and no default class",
            "The claim names no StorageClass and the cluster has no default one; only a manually created "
            "PersistentVolume could bind it.",
            [Evidence.field("spec.storageClassName", "unset", pvc.ref)],
            "Set storageClassName, or mark a StorageClass as default.",
        )
        return
    if event is not None:
        yield _finding(
            pvc,
            Severity.ERROR,
            "provisioning fails",
            "The provisioner cannot create the volume.",
            [event.evidence()],
            "Fix what the provisioner reports (quota, zone, parameters).",
        )
        return
    sc = classes.get(str(name)) if name else None
    waits_for_consumer = sc is not None and sc.raw.get("volumeBindingMode") == "WaitForFirstConsumer"
    if waits_for_consumer and (pvc.namespace, pvc.name) not in used:
        return
    if age > 600:
        yield _finding(
            pvc,
            Severity.WARNING,
            "claim Pending",
            f"The claim has been Pending for {int(age // 60)} min.",
            [Evidence.field("status.phase", "Pending", pvc.ref)],
            f"`kubectl describe pvc {pvc.name} -n {pvc.namespace}` shows what the provisioner is waiting "
            "for.",
        )


def _finding(
    obj: KubeObject,
    severity: Severity,
    title: str,
    cause: str,
    evidence: list[Evidence],
    fix: str,
    related: tuple[ObjectRef, ...] = (),
) -> Finding:
    return Finding.for_object(
        obj,
        severity=severity,
        category="storage",
        title=title,
        message=f"{obj.ref.display()}: {cause}",
        root_cause=cause,
        evidence=evidence,
        remediation=fix,
        related=related,
    )
