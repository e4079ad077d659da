"""An alarm as a Finding: the one shape the store, the API and the correlator read.

An alarm on a series that belongs to an object (a container's memory, a Deployment's error rate)
becomes a Finding in category `anomaly` on that object. Its title names the series and the kind of
change, not the values, so the same anomaly seen again keeps the same id; the values, the range the
detector expected and the baseline window are the evidence. A trend heading for its limit within the
detector's horizon is an error (an OOM kill is coming); every other anomaly is a warning. Which
rollout or config change caused it is for the correlator to say, from the cluster's timeline.
"""

from __future__ import annotations

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.metrics.detection import Detection, duration, iso

CATEGORY = "anomaly"

# What each check's alarm means, in words that stay the same from one alarm to the next.
WHAT: dict[str, str] = {
    "zscore": "value far outside its usual range",
    "cusum": "level shifted",
    "variance": "noisier than usual",
    "trend": "climbing or falling steadily",
}
LIMIT_HORIZON_SECONDS = 6 * 3600.0


def anomaly_finding(detection: Detection, obj: ObjectRef, series: str) -> Finding:
    """The Finding for one alarm (`detection.fired`) on the series `series` of object `obj`."""
    if not detection.fired:
        raise ValueError("only an alarm (a detection that fired) becomes a finding")
    eta = detection.eta_seconds
    heading = eta is not None and eta <= LIMIT_HORIZON_SECONDS
    what = "heading for its limit" if heading else WHAT.get(detection.reason, "anomalous")
    evidence = Evidence(
        EvidenceSource.METRIC,
        f"{series} = {detection.value:.6g} at {iso(detection.timestamp)}; "
        f"expected {detection.expected:.6g} (range {detection.low:.6g} .. {detection.high:.6g}, "
        f"from {iso(detection.window_start)} .. {iso(detection.window_end)}); "
        f"score {detection.score:.3f} ({detection.detector}/{detection.reason})",
        location=series,
        object=obj,
        timestamp=iso(detection.timestamp),
    )
    if heading and eta is not None:
        remediation = (
            f"At this rate {series} reaches its limit in {duration(eta)}: find what keeps growing "
            "(a leak, an unbounded cache or queue) or raise the limit before then."
        )
    else:
        remediation = "Compare with the latest rollout, config change or traffic change of this object."
    return Finding(
        object=obj,
        severity=Severity.ERROR if heading else Severity.WARNING,
        category=CATEGORY,
        title=f"{series}: {what}",
        message=detection.explain(),
        evidence=(evidence,),
        remediation=remediation,
        analyzer=f"anomaly/{detection.detector}",
    )


class Held:
    """Alarms kept as current findings for `hold_seconds` after they were raised or last refreshed:
    detectors raise one alarm per anomaly, while the analysis asks for what is wrong *now*."""

    def __init__(self, hold_seconds: float) -> None:
        if not hold_seconds > 0:
            raise ValueError(f"hold_seconds must be positive, got {hold_seconds}")
        self.hold_seconds = hold_seconds
        self._held: dict[object, tuple[Finding, float]] = {}

    def put(self, key: object, finding: Finding, at: float) -> None:
        self._held[key] = (finding, at)

    def get(self, key: object) -> Finding | None:
        found = self._held.get(key)
        return found[0] if found else None

    def current(self, now: float) -> tuple[Finding, ...]:
        held = tuple(self._held.values())  # one C-level copy: safe while a worker thread writes
        return tuple(f for f, at in held if now - at <= self.hold_seconds)

    def expire(self, now: float) -> None:
        for key in [k for k, (_, at) in self._held.items() if now - at > self.hold_seconds]:
            del self._held[key]
