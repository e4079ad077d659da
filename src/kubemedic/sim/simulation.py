"""The controller loop: builds the controllers, plants the background and scenarios, ticks the world."""

from __future__ import annotations

import asyncio
import logging

from kubemedic.sim.cluster import bootstrap
from kubemedic.sim.controllers.base import Context, Controller
from kubemedic.sim.controllers.deployment import DeploymentController
from kubemedic.sim.controllers.kubelet import Kubelet
from kubemedic.sim.controllers.namespaces import NamespaceController
from kubemedic.sim.controllers.nodes import NodeController
from kubemedic.sim.controllers.replicaset import ReplicaSetController
from kubemedic.sim.controllers.scheduler import Scheduler
from kubemedic.sim.recorder import Recorder
from kubemedic.sim.world import World

log = logging.getLogger("kubemedic.sim")


class Simulation:
    """Owns the controllers of one world; `run()` ticks them until cancelled."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.ctx = Context(world, Recorder(world))
        self.controllers: list[Controller] = [
            NamespaceController(self.ctx),
            NodeController(self.ctx),
            DeploymentController(self.ctx),
            ReplicaSetController(self.ctx),
            Scheduler(self.ctx),
            Kubelet(self.ctx),
        ]
        self.started = world.clock.now()

    def bootstrap(self) -> None:
        bootstrap(self.world)
        self.step()

    def step(self) -> None:
        now = self.world.clock.now()
        for controller in self.controllers:
            try:
                controller.step(now)
            except Exception:  # a controller bug must not stop the world; it is logged and the tick goes on
                log.exception("controller %s failed", type(controller).__name__)

    async def run(self) -> None:
        tick = self.world.config.tick
        while True:
            self.step()
            await asyncio.sleep(tick)
