"""Connect to a cluster: kubeconfig (any context) or in-cluster service account, via lightkube."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx2
from lightkube import AsyncClient, ConfigError, KubeConfig

from kubemedic.domain import InputError

DEFAULT_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class ClusterTarget:
    """Which cluster to talk to. `context=None` means the kubeconfig's current context."""

    kubeconfig: Path | None = None
    context: str | None = None
    in_cluster: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S


def load_config(target: ClusterTarget) -> tuple[KubeConfig, str]:
    """The KubeConfig and the name of the context that will be used."""
    if target.in_cluster:
        try:
            return KubeConfig.from_service_account(), "in-cluster"
        except ConfigError as exc:
            raise InputError(f"not running in a cluster (no service account token): {exc}") from exc
    path = target.kubeconfig or Path(
        os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or "~/.kube/config"
    )
    path = path.expanduser()
    if not path.exists():
        raise InputError(
            f"kubeconfig {path} does not exist (pass --kubeconfig FILE, set KUBECONFIG, or scan a capture "
            "with --snapshot DIR)"
        )
    try:
        config = KubeConfig.from_file(path)
    except (ConfigError, OSError, ValueError) as exc:
        raise InputError(f"kubeconfig {path} could not be read: {exc}") from exc
    contexts = sorted(config.contexts)
    name = target.context or config.current_context
    if not name:
        raise InputError(
            f"kubeconfig {path} has no current context; pick one with --context ({', '.join(contexts)})"
        )
    if name not in config.contexts:
        raise InputError(
            f"context {name!r} is not in {path}; known contexts: {', '.join(contexts) or 'none'}"
        )
    return config, name


def make_client(target: ClusterTarget) -> tuple[AsyncClient, str]:
    """An AsyncClient for the target and the context name (used as the cluster name in findings)."""
    config, name = load_config(target)
    try:
        single = config.get(context_name=name)
        timeout = httpx2.Timeout(target.timeout_s)
        return AsyncClient(config=single, timeout=timeout, trust_env=False), name
    except ConfigError as exc:
        raise InputError(f"context {name!r}: {exc}") from exc
