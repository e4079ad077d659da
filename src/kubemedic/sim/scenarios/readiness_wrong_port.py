"""The readiness probe checks port 8081 while the app listens on 8080."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World

LOGS = ("{ts} INFO  search-api listening on :8080", "{ts} INFO  index warm: 48213 documents")


def plant(world: World) -> None:
    c = kit.container(
        "search-api",
        "ghcr.io/kubemedic/search-api:2.2.0",
        ports=(8080,),
        readiness=kit.http_probe("/healthz", 8081, period=5),
    )
    app(
        world,
        "search",
        "search-api",
        "",
        container=c,
        replicas=2,
        behavior=Behavior(readiness="fail", probe_error="refused", logs=LOGS),
    )


SCENARIO = Scenario(
    "readiness-wrong-port",
    "search-api's readiness probe targets port 8081; the app listens on 8080",
    "probe",
    "search",
    "Deployment",
    "search-api",
    "Unhealthy",
    plant,
)
