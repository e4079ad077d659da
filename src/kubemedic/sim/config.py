"""How a simulated cluster is started."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimConfig:
    """Everything needed to start a simulated cluster.

    scenarios: names from the scenario registry to plant (empty = healthy cluster only).
    nodes: worker nodes besides the control-plane node.
    pods: extra background pods spread over generated deployments (scale mode).
    churn: background mutations per second (status flips, restarts, events).
    fault_delay: seconds after start before scenarios plant their faults.
    token: bearer token written to the kubeconfig; a request carrying any other bearer token gets 401.
    require_token: also answer 401 to requests without a token. Off by default because kubectl
        (client-go) does not send bearer tokens to a plain-http server.
    """

    scenarios: tuple[str, ...] = ()
    nodes: int = 2
    pods: int = 0
    churn: float = 0.0
    port: int = 0
    host: str = "127.0.0.1"
    fault_delay: float = 2.0
    token: str | None = "kubemedic-sim-token"
    require_token: bool = False
    seed: int = 7
    history_window: int = 10_000
    bookmark_interval: float = 10.0
    tick: float = 0.25
    kubeconfig_out: str | None = None
