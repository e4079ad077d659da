"""Message texts the kubelet and container runtime write, so events and statuses read like a real node's."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def qualified_image(image: str) -> str:
    name = image if ":" in image.rsplit("/", 1)[-1] or "@" in image else f"{image}:latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        return f"docker.io/library/{name}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{name}"
    return name


def pull_failure(image: str, mode: str) -> str:
    ref = qualified_image(image)
    if mode == "pull-unauthorized":
        return (
            f'Failed to pull image "{image}": rpc error: code = Unknown desc = '
            f'failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": '
            "pull access denied, repository does not exist or may require authorization: "
            "server message: insufficient_scope: authorization failed"
        )
    return (
        f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
        f'"{ref}": failed to resolve reference "{ref}": {ref}: not found'
    )


def probe_failure(kind: str, probe: Obj, ip: str, container: Obj, error: str) -> str:
    """`Readiness probe failed: ...` for the probe as configured on the container."""
    label = f"{kind} probe failed: "
    if "httpGet" in probe:
        get = probe["httpGet"]
        port = resolve_port(get.get("port"), container)
        url = f"{str(get.get('scheme', 'HTTP')).lower()}://{ip}:{port}{get.get('path', '/')}"
        if error == "status":
            return f"{label}HTTP probe failed with statuscode: 503"
        return f'{label}Get "{url}": dial tcp {ip}:{port}: connect: connection refused'
    if "tcpSocket" in probe:
        port = resolve_port(probe["tcpSocket"].get("port"), container)
        return f"{label}dial tcp {ip}:{port}: connect: connection refused"
    if "grpc" in probe:
        return f'{label}timeout: failed to connect service "{ip}:{probe["grpc"].get("port")}" within 1s'
    return f"{label}command exited with non-zero exit code 1"


def resolve_port(port: Any, container: Obj) -> Any:
    if isinstance(port, str) and not port.isdigit():
        for p in container.get("ports") or []:
            if p.get("name") == port:
                return p.get("containerPort")
    return port


def backoff_message(container: str, pod: str, namespace: str, uid: str, seconds: int) -> str:
    return f"back-off {seconds}s restarting failed container={container} pod={pod}_{namespace}({uid})"
