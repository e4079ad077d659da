"""A Secret exists but lacks the key the pod reads."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, app, ensure_namespace
from kubemedic.sim.world import World


def plant(world: World) -> None:
    ensure_namespace(world, "accounts")
    world.ensure(kit.secret("accounts-db", "accounts", {"username": "accounts", "password": "s3cr3t"}))
    env = [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "accounts-db", "key": "db-password"}}}
    ]
    c = kit.container("accounts-api", "ghcr.io/kubemedic/accounts-api:5.0.1", ports=(8080,), env=env)
    app(world, "accounts", "accounts-api", "", container=c)


SCENARIO = Scenario(
    "missing-secret-key",
    'accounts-api reads key "db-password" that Secret accounts-db lacks',
    "config-reference",
    "accounts",
    "Deployment",
    "accounts-api",
    "CreateContainerConfigError",
    plant,
)
