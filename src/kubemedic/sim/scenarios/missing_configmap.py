"""A deployment reading an env var from a ConfigMap nobody created."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    env = [
        {
            "name": "FEATURE_FLAGS",
            "valueFrom": {"configMapKeyRef": {"name": "notifier-config", "key": "flags"}},
        }
    ]
    c = kit.container("notifier", "ghcr.io/kubemedic/notifier:1.3.0", ports=(8080,), env=env)
    app(world, "comms", "notifier", "", container=c)


SCENARIO = Scenario(
    "missing-configmap",
    'notifier references ConfigMap "notifier-config", which does not exist',
    "config-reference",
    "comms",
    "Deployment",
    "notifier",
    "CreateContainerConfigError",
    plant,
)
