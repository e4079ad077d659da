"""A deployment pinned to an image tag that was never pushed."""

from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, app
from kubemedic.sim.world import World


def plant(world: World) -> None:
    app(
        world,
        "shop",
        "recommender",
        "ghcr.io/kubemedic/recommender:v2.9.9-rc1",
        behavior=Behavior(mode="pull-notfound"),
    )


SCENARIO = Scenario(
    "image-not-found",
    "recommender uses an image tag that does not exist (ImagePullBackOff)",
    "image-pull",
    "shop",
    "Deployment",
    "recommender",
    "ImagePullBackOff",
    plant,
)
