"""A database whose claim names a StorageClass that does not exist."""

from kubemedic.sim import kit
from kubemedic.sim.scenarios.base import Scenario, ensure_namespace
from kubemedic.sim.world import World


def plant(world: World) -> None:
    ensure_namespace(world, "inventory")
    claim = {
        "metadata": {"name": "data"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "fast-ssd",
            "resources": {"requests": {"storage": "20Gi"}},
        },
    }
    c = kit.container(
        "mysql",
        "mysql:8.4.3",
        cpu="250m",
        memory="512Mi",
        ports=(3306,),
        mounts=[{"name": "data", "mountPath": "/var/lib/mysql"}],
    )
    world.ensure(kit.statefulset("inventory-db", "inventory", kit.pod_spec(c), claims=[claim]))
    world.ensure(kit.service("inventory-db", "inventory", {"app": "inventory-db"}, 3306))


SCENARIO = Scenario(
    "unbound-pvc",
    "inventory-db's PVC asks for StorageClass fast-ssd, which does not exist",
    "storage",
    "inventory",
    "PersistentVolumeClaim",
    "data-inventory-db-0",
    "ProvisioningFailed",
    plant,
)
