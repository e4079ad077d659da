"""A migration Job that fails every attempt until it hits its backoffLimit."""

from kubemedic.sim import kit
from kubemedic.sim.behavior import Behavior
from kubemedic.sim.scenarios.base import Scenario, behave, ensure_namespace
from kubemedic.sim.world import World

LOGS = (
    "{ts} INFO  running migrations against postgres://orders-db:5432/orders",
    "{ts} INFO  applying 0042_add_order_index.sql",
    '{ts} ERROR migration 0042 failed: ERROR: column "customer_ref" does not exist (SQLSTATE 42703)',
)


def plant(world: World) -> None:
    ensure_namespace(world, "orders")
    behave(
        world,
        "orders",
        {"job-name": "orders-migrate"},
        Behavior(mode="fail", exit_code=1, run_seconds=1.0, logs=LOGS),
    )
    c = kit.container("migrate", "ghcr.io/kubemedic/orders-migrate:0.42.0")
    world.ensure(kit.job("orders-migrate", "orders", kit.pod_spec(c), backoff_limit=2))


SCENARIO = Scenario(
    "job-backoff-limit",
    "orders-migrate Job fails every attempt and exceeds its backoffLimit",
    "job",
    "orders",
    "Job",
    "orders-migrate",
    "BackoffLimitExceeded",
    plant,
)
