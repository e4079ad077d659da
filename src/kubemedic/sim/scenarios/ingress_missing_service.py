"""An Ingress routing to a Service that was renamed away."""

from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(world, "blog", "blog-web", "ghcr.io/kubemedic/blog:7.1.0")
    backend = {"service": {"name": "blog-frontend", "port": {"number": 80}}}
    world.ensure(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "blog", "namespace": "blog"},
            "spec": {
                "ingressClassName": "nginx",
                "rules": [
                    {
                        "host": "blog.example.com",
                        "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]},
                    }
                ],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.240"}]}},
        }
    )


SCENARIO = Scenario(
    "ingress-missing-service",
    'Ingress blog routes to Service "blog-frontend", which does not exist',
    "ingress",
    "blog",
    "Ingress",
    "blog",
    "ServiceNotFound",
    plant,
)
