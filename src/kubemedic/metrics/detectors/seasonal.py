"""The seasonal detector: the point test against a time-of-day baseline.

The same z-score as `robust_z`, but the baseline first removes the series' daily shape (see
`kubemedic.metrics.profile`): 09:00 traffic is compared with what 09:00 usually looks like, so the
morning ramp is not an anomaly and a missing lunchtime peak is. Until one complete day has been seen
it behaves exactly like `robust_z`.
"""

from __future__ import annotations

from kubemedic.metrics.detectors import robust_z
from kubemedic.metrics.engine import DetectorSpec

SPEC = DetectorSpec(
    name="seasonal",
    summary="z-score against a time-of-day profile (median of the last 5 days' shape) - daily patterns",
    checks=(robust_z.CHECK,),
    seasonal=True,
)
