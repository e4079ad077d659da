"""Container logs, current and previous instance.

lightkube's public `log()` has no `previous` flag, so this builds the same request through its
request builder and adds `previous=true` - the one place we reach below lightkube's public API.
"""

from __future__ import annotations

from lightkube import AsyncClient
from lightkube.resources import core_v1

DEFAULT_TAIL_LINES = 200
MAX_LOG_BYTES = 256 * 1024


async def pod_log(
    client: AsyncClient,
    namespace: str,
    pod: str,
    container: str,
    *,
    previous: bool = False,
    tail_lines: int = DEFAULT_TAIL_LINES,
) -> str:
    """The log text (raises lightkube.ApiError when there is none, e.g. no previous instance)."""
    generic = client._client
    params: dict[str, object] = {"container": container, "tailLines": tail_lines, "limitBytes": MAX_LOG_BYTES}
    if previous:
        params["previous"] = "true"
    request = generic.prepare_request("get", core_v1.PodLog, name=pod, namespace=namespace, params=params)
    response = await generic.send(generic.build_adapter_request(request))  # type: ignore[no-untyped-call]
    generic.raise_for_status(response)  # type: ignore[no-untyped-call]
    return str(response.text)
