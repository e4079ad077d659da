"""A default-deny egress NetworkPolicy that forgot to allow DNS."""

from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LOGS = ("{ts} INFO  webhook-relay starting",)
PERIODIC = (
    '{ts} ERROR delivery failed: Post "https://hooks.partner.example.com/events": dial tcp: lookup '
    "hooks.partner.example.com on 10.96.0.10:53: read udp 10.244.1.9:41234->10.96.0.10:53: i/o timeout",
)


def plant(world: World) -> None:
    app(
        world,
        "integrations",
        "webhook-relay",
        "ghcr.io/kubemedic/webhook-relay:1.1.0",
        behavior=Behavior(logs=LOGS, periodic_logs=PERIODIC),
    )
    world.ensure(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "egress-allow-https-only", "namespace": "integrations"},
            "spec": {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{"ports": [{"protocol": "TCP", "port": 443}]}],
            },
        }
    )


SCENARIO = Scenario(
    "netpol-blocks-dns",
    "integrations egress policy allows only TCP 443, so DNS lookups time out",
    "network-policy",
    "integrations",
    "NetworkPolicy",
    "egress-allow-https-only",
    "DNSTimeout",
    plant,
)
