"""Report a problem once per workload, not once per pod.

Thirty pods of one Deployment crash-looping for the same reason are one finding on the Deployment,
with the pods in `related` and the count in the message. A standalone pod is its own subject.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kubemedic.domain import ObjectRef
from kubemedic.state import ClusterState, ContainerStatus, KubeObject, Pod

MAX_RELATED = 10


@dataclass(frozen=True, slots=True)
class Affected:
    """One problem seen on one or more pods of the same subject (workload or bare pod)."""

    subject: KubeObject
    pods: tuple[Pod, ...]
    statuses: tuple[ContainerStatus, ...]  # parallel to pods: the container concerned on each

    @property
    def first(self) -> tuple[Pod, ContainerStatus]:
        return self.pods[0], self.statuses[0]

    @property
    def related(self) -> tuple[ObjectRef, ...]:
        if self.subject.kind == "Pod":
            return ()
        return tuple(p.ref for p in self.pods[:MAX_RELATED])

    def count_text(self) -> str:
        """`pod web-1` or `3 pods (web-1, web-2, ...)`."""
        if len(self.pods) == 1:
            return f"pod {self.pods[0].name}"
        names = ", ".join(p.name for p in self.pods[:3]) + (", ..." if len(self.pods) > 3 else "")
        return f"{len(self.pods)} pods ({names})"


def group(
    state: ClusterState, items: Iterable[tuple[Pod, ContainerStatus, str]]
) -> Iterator[tuple[str, Affected]]:
    """Group (pod, container status, problem key) by (top owner, container name, key)."""
    buckets: dict[tuple[str, str, str, str], list[tuple[Pod, ContainerStatus]]] = defaultdict(list)
    subjects: dict[tuple[str, str, str, str], KubeObject] = {}
    for pod, status, key in items:
        subject = state.top_owner(pod)
        bucket = (subject.kind, subject.namespace + "/" + subject.name, status.name, key)
        buckets[bucket].append((pod, status))
        subjects[bucket] = subject
    for bucket, members in buckets.items():
        members.sort(key=lambda m: m[0].name)
        yield (
            bucket[3],
            Affected(subjects[bucket], tuple(m[0] for m in members), tuple(m[1] for m in members)),
        )


def workload_label(subject: KubeObject) -> str:
    return subject.ref.display()
