"""The controller loop: builds the controllers, plants the background and scenarios, ticks the world."""

from __future__ import annotations

import asyncio
import logging

from kubemedic.sim.admission import QuotaAdmission
from kubemedic.sim.cluster import bootstrap
from kubemedic.sim.controllers.base import Context, Controller
from kubemedic.sim.controllers.cronjob import CronJobController
from kubemedic.sim.controllers.daemonset import DaemonSetController
from kubemedic.sim.controllers.deployment import DeploymentController
from kubemedic.sim.controllers.endpoints import EndpointsController
from kubemedic.sim.controllers.job import JobController
from kubemedic.sim.controllers.kubelet import Kubelet
from kubemedic.sim.controllers.namespaces import NamespaceController
from kubemedic.sim.controllers.nodes import NodeController
from kubemedic.sim.controllers.policy import PolicyController
from kubemedic.sim.controllers.pruner import EventPruner
from kubemedic.sim.controllers.replicaset import ReplicaSetController
from kubemedic.sim.controllers.scheduler import Scheduler
from kubemedic.sim.controllers.statefulset import StatefulSetController
from kubemedic.sim.controllers.storage import VolumeController
from kubemedic.sim.recorder import Recorder
from kubemedic.sim.scale import Churn, plant_background
from kubemedic.sim.scenarios import get as get_scenario
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
            CronJobController(self.ctx),
            JobController(self.ctx),
            DeploymentController(self.ctx),
            ReplicaSetController(self.ctx),
            StatefulSetController(self.ctx),
            DaemonSetController(self.ctx),
            VolumeController(self.ctx),
            Scheduler(self.ctx),
            Kubelet(self.ctx),
            EndpointsController(self.ctx),
            PolicyController(self.ctx),
            Churn(world, self.ctx.recorder),
            EventPruner(world),
        ]
        world.registry.admission.append(QuotaAdmission(world.store))
        self.started = world.clock.now()

    def bootstrap(self) -> None:
        """Plant the healthy background (and scale-mode load); scenarios follow after `fault_delay`."""
        bootstrap(self.world)
        plant_background(self.world)
        scenarios = [get_scenario(name) for name in self.world.config.scenarios]
        for scenario in scenarios:
            self.world.after(self.world.config.fault_delay, scenario.plant)
        self.step()

    def step(self) -> None:
        now = self.world.clock.now()
        for action in self.world.due_timers(now):
            try:
                action(self.world)
            except Exception:  # a broken scenario must not stop the world
                log.exception("scheduled action failed")
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
