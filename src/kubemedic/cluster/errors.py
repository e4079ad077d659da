"""Turn the ways a cluster can fail us into one typed error with a reason a user can act on."""

from __future__ import annotations

import httpx2
from lightkube import ApiError, ConfigError

from kubemedic.domain import ClusterConnectionError, InputError

_REASONS = {401: "unauthorized", 403: "forbidden"}


def classify(exc: BaseException, where: str) -> ClusterConnectionError | InputError:
    """`where` names the cluster (and the resource when it matters)."""
    if isinstance(exc, ConfigError):
        return InputError(f"kubeconfig: {exc}")
    if isinstance(exc, ApiError):
        code = exc.status.code or 0
        reason = _REASONS.get(code, "api-error")
        message = exc.status.message or str(exc)
        return ClusterConnectionError(f"{where}: {code} {reason}: {message}", reason=reason)
    if isinstance(exc, httpx2.TimeoutException):
        return ClusterConnectionError(f"{where}: timed out talking to the API server", reason="timeout")
    if isinstance(exc, httpx2.TransportError):
        return ClusterConnectionError(f"{where}: cannot reach the API server ({exc})", reason="unreachable")
    return ClusterConnectionError(f"{where}: {type(exc).__name__}: {exc}", reason="error")
