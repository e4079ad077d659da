"""Kubernetes events (core/v1 and events.k8s.io/v1) as one view."""

from __future__ import annotations

from datetime import datetime

from kubemedic.domain import Evidence, EvidenceSource, ObjectRef
from kubemedic.state.objects import Json, KubeObject, as_map
from kubemedic.state.timeutil import parse_time


class Event(KubeObject):
    """An event about another object. Reads both the core/v1 and the events.k8s.io/v1 field names."""

    __slots__ = ("_involved", "_seen", "_seen_parsed", "_v1")

    def __init__(self, raw: Json, kind: str = "Event", cluster: str = "") -> None:
        super().__init__(raw, kind, cluster)
        self._v1 = "regarding" in raw and "involvedObject" not in raw
        self._involved: ObjectRef | None = None
        self._seen: datetime | None = None
        self._seen_parsed = False

    @property
    def involved(self) -> ObjectRef:
        if self._involved is None:
            obj = as_map(self.raw.get("regarding" if self._v1 else "involvedObject"))
            self._involved = ObjectRef(
                str(obj.get("kind") or ""),
                str(obj.get("namespace") or ""),
                str(obj.get("name") or ""),
                str(obj.get("uid") or ""),
                self.cluster,
            )
        return self._involved

    @property
    def involved_key(self) -> tuple[str, str, str]:
        """(kind, namespace, name) of the object this event is about."""
        ref = self.involved
        return (ref.kind, ref.namespace, ref.name)

    @property
    def field_path(self) -> str:
        value: str = self.parsed_once(
            "field_path",
            lambda: str(
                as_map(self.raw.get("regarding" if self._v1 else "involvedObject")).get("fieldPath") or ""
            ),
        )
        return value

    @property
    def reason(self) -> str:
        value: str = self.parsed_once("reason", lambda: str(self.raw.get("reason") or ""))
        return value

    @property
    def message(self) -> str:
        return str(self.raw.get("note" if self._v1 else "message") or "").strip()

    @property
    def type(self) -> str:
        return str(self.raw.get("type") or "Normal")

    @property
    def is_warning(self) -> bool:
        return self.type == "Warning"

    @property
    def count(self) -> int:
        raw = self.raw
        series = as_map(raw.get("series"))
        value = series.get("count") or raw.get("deprecatedCount" if self._v1 else "count") or 1
        return int(value) if isinstance(value, int) else 1

    @property
    def source_component(self) -> str:
        if self._v1:
            return str(self.raw.get("reportingController") or "")
        source = as_map(self.raw.get("source"))
        return str(source.get("component") or self.raw.get("reportingComponent") or "")

    @property
    def last_seen(self) -> datetime | None:
        """When the event last happened. Parsed once: a view's raw object never changes, and the
        monitor reuses views of unchanged events across analyses."""
        if not self._seen_parsed:
            self._seen = self._parse_last_seen()
            self._seen_parsed = True
        return self._seen

    def _parse_last_seen(self) -> datetime | None:
        raw = self.raw
        series = as_map(raw.get("series"))
        for value in (
            series.get("lastObservedTime"),
            raw.get("lastTimestamp"),
            raw.get("deprecatedLastTimestamp"),
            raw.get("eventTime"),
            raw.get("firstTimestamp"),
            self.metadata.get("creationTimestamp"),
        ):
            parsed = parse_time(value)
            if parsed is not None:
                return parsed
        return None

    def evidence(self) -> Evidence:
        """This event quoted as evidence: `Warning BackOff (x12, kubelet): Back-off restarting ...`."""
        seen = self.last_seen
        return Evidence(
            EvidenceSource.EVENT,
            self.message,
            location=f"{self.type} {self.reason}" + (f" (x{self.count})" if self.count > 1 else ""),
            object=self.involved,
            timestamp=seen.strftime("%Y-%m-%dT%H:%M:%SZ") if seen else "",
            count=self.count,
        )


def involved_target(raw: Json) -> tuple[str, tuple[str, str, str]] | None:
    """Where a state lists an event besides its reason: the uid and (kind, namespace, name) of the object
    it is about; None when it names none."""
    inv = raw.get("involvedObject") or raw.get("regarding")
    if inv is None:
        return None
    key = (str(inv.get("kind") or ""), str(inv.get("namespace") or ""), str(inv.get("name") or ""))
    return str(inv.get("uid") or ""), key
