"""An HPA on CPU utilization for pods that declare no CPU request."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    c = kit.container("api", "ghcr.io/kubemedic/catalog-api:2.0.0", cpu=None, memory="128Mi", ports=(8080,))
    app(world, "catalog", "catalog-api", "", container=c, replicas=2, behavior=Behavior(cpu_millis=40))
    world.ensure(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "catalog-api", "namespace": "catalog"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "catalog-api"},
                "minReplicas": 2,
                "maxReplicas": 10,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 70},
                        },
                    }
                ],
            },
        }
    )


SCENARIO = Scenario(
    "hpa-no-metrics",
    "catalog-api HPA cannot compute CPU utilization: pods have no CPU request",
    "autoscaling",
    "catalog",
    "HorizontalPodAutoscaler",
    "catalog-api",
    "FailedGetResourceMetric",
    plant,
)
