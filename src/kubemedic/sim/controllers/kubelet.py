"""The kubelet: starts containers on bound pods and plays out each container's behaviour.

Pods move ContainerCreating -> Running/Ready, or into CrashLoopBackOff, OOMKilled,
ErrImagePull/ImagePullBackOff, CreateContainerConfigError, failing probes; Job pods complete or fail.
"""

from __future__ import annotations

import heapq

from kubemedic.sim.controllers.base import Context, Feed, Obj
from kubemedic.sim.controllers.kubelet_config import config_problem, mount_problem
from kubemedic.sim.controllers.kubelet_messages import backoff_message, probe_failure, pull_failure
from kubemedic.sim.controllers.kubelet_state import ContainerRun, PodRun
from kubemedic.sim.controllers.kubelet_status import pod_status
from kubemedic.sim.recorder import NORMAL, WARNING, Source
from kubemedic.sim.store import ADDED, DELETED

PULL_MODES = frozenset({"pull-notfound", "pull-unauthorized"})
EXIT_MODES = frozenset({"crash", "oom", "complete", "fail"})


class Kubelet:
    startup_delay = 0.6
    backoff_base = 2.5
    backoff_cap = 40.0
    probe_period = 5.0
    max_per_tick = 1500

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pods = Feed(ctx.world, "/pods")
        self.runs: dict[str, PodRun] = {}
        self._heap: list[tuple[float, str]] = []
        self._ips: dict[str, int] = {}

    # feed handling

    def step(self, now: float) -> None:
        for change in self.pods.drain():
            obj = change.entry.obj
            uid = str(obj["metadata"].get("uid"))
            if change.type == DELETED:
                run = self.runs.pop(uid, None)
                if run is not None:
                    self.world.logs.forget_pod(run.namespace, run.name)
                continue
            node = (obj.get("spec") or {}).get("nodeName")
            if not node:
                continue
            if uid not in self.runs and change.type in (ADDED, "MODIFIED"):
                if (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                    continue
                self._admit(obj, node, now)
            run = self.runs.get(uid)
            if run is not None and obj["metadata"].get("deletionTimestamp") and run.deleting_at is None:
                run.deleting_at = now + min(
                    float(obj["metadata"].get("deletionGracePeriodSeconds") or 0), 1.0
                )
                for c in run.containers:
                    if "running" in c.state:
                        self._event(run, NORMAL, "Killing", f"Stopping container {c.spec['name']}", c)
                self._schedule(run.deleting_at, uid)
        budget = self.max_per_tick
        while self._heap and self._heap[0][0] <= now and budget > 0:
            budget -= 1
            _, uid = heapq.heappop(self._heap)
            run = self.runs.get(uid)
            if run is not None:
                self._advance(run, now)

    def _schedule(self, when: float, uid: str) -> None:
        heapq.heappush(self._heap, (when, uid))

    def _pod_ip(self, node: str) -> str:
        nodes = sorted(e.name for e in self.world.store.values("/nodes"))
        idx = nodes.index(node) if node in nodes else 0
        n = self._ips.get(node, 1) + 1
        self._ips[node] = n
        return f"10.244.{idx}.{n % 250 + 2}" if n < 250 else f"10.244.{idx + 100}.{n % 250 + 2}"

    def _admit(self, obj: Obj, node: str, now: float) -> None:
        meta = obj["metadata"]
        labels = meta.get("labels") or {}
        ns = str(meta.get("namespace"))
        containers = [
            ContainerRun(c, self.world.behaviors.lookup(ns, labels, c["name"]), due=now + self.startup_delay)
            for c in obj["spec"].get("containers") or []
        ]
        host_network = bool(obj["spec"].get("hostNetwork"))
        ip = self._node_ip(node) if host_network else self._pod_ip(node)
        run = PodRun(str(meta["uid"]), ns, str(meta["name"]), node, ip, containers, now)
        self.runs[run.uid] = run
        self._write(run)
        self._schedule(now + self.startup_delay, run.uid)

    def _node_ip(self, node: str) -> str:
        entry = self.world.store.get("/nodes", "", node)
        for a in ((entry.obj.get("status") or {}).get("addresses") or []) if entry else []:
            if a.get("type") == "InternalIP":
                return str(a["address"])
        return "172.18.0.2"

    # transitions

    def _advance(self, run: PodRun, now: float) -> None:
        entry = self.world.store.get("/pods", run.namespace, run.name)
        if entry is None or str(entry.obj["metadata"].get("uid")) != run.uid:
            self.runs.pop(run.uid, None)
            return
        if run.deleting_at is not None:
            if now >= run.deleting_at:
                self.world.registry.finish_pod_deletion(self.world.kind("Pod"), run.namespace, run.name)
                self.runs.pop(run.uid, None)
            return
        if run.terminal:
            return
        problem = mount_problem(self.world, entry.obj)
        if problem is not None and run.started is None:
            self._event(run, WARNING, "FailedMount", problem, None)
            self._schedule(now + 8.0, run.uid)
            return
        if run.started is None:
            run.started = now
        changed = False
        for c in run.containers:
            if c.due <= now:
                changed |= self._advance_container(run, c, entry.obj, now)
        if (
            run.containers
            and all("terminated" in c.state for c in run.containers)
            and entry.obj["spec"].get("restartPolicy") == "Never"
        ):
            run.terminal = True
            changed = True
        if changed:
            self._write(run)
        nxt = min((c.due for c in run.containers), default=now + 30)
        self._schedule(max(nxt, now + 0.05), run.uid)

    def _advance_container(self, run: PodRun, c: ContainerRun, pod: Obj, now: float) -> bool:
        b = c.behavior
        name = c.spec["name"]
        image = str(c.spec.get("image", ""))
        if "running" in c.state:
            return self._tick_running(run, c, pod, now)
        if "terminated" in c.state and pod["spec"].get("restartPolicy") == "Never":
            c.due = now + 3600
            return False
        if "terminated" in c.state or c.state.get("waiting", {}).get("reason") == "CrashLoopBackOff":
            if "terminated" in c.state:
                c.last_state = {"terminated": c.state["terminated"]}
                delay = min(self.backoff_base * (2 ** max(c.restarts - 1, 0)), self.backoff_cap)
                secs = min(10 * 2 ** max(c.restarts - 1, 0), 300)
                c.state = {
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": backoff_message(name, run.name, run.namespace, run.uid, secs),
                    }
                }
                self._event(
                    run,
                    WARNING,
                    "BackOff",
                    f"Back-off restarting failed container {name} in pod "
                    f"{run.name}_{run.namespace}({run.uid})",
                    c,
                )
                c.due = now + delay
                return True
            c.restarts += 1
            self.world.logs.restart(run.namespace, run.name, name)
            return self._start(run, c, now, image, pulled=True)
        problem = config_problem(self.world, pod, c.spec)
        if problem is not None:
            c.state = {"waiting": {"reason": "CreateContainerConfigError", "message": problem}}
            self._event(run, WARNING, "Failed", f"Error: {problem}", c)
            c.due = now + 10.0
            return True
        if b.mode in PULL_MODES:
            c.pulls += 1
            self._event(run, NORMAL, "Pulling", f'Pulling image "{image}"', c)
            self._event(run, WARNING, "Failed", pull_failure(image, b.mode), c)
            if c.pulls % 2 == 1:
                self._event(run, WARNING, "Failed", "Error: ErrImagePull", c)
                c.state = {"waiting": {"reason": "ErrImagePull", "message": pull_failure(image, b.mode)}}
                c.due = now + 3.0
            else:
                self._event(run, NORMAL, "BackOff", f'Back-off pulling image "{image}"', c)
                self._event(run, WARNING, "Failed", "Error: ImagePullBackOff", c)
                c.state = {
                    "waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}
                }
                c.due = now + min(5.0 * c.pulls, 30.0)
            return True
        return self._start(run, c, now, image, pulled=False)

    def _start(self, run: PodRun, c: ContainerRun, now: float, image: str, *, pulled: bool) -> bool:
        name = c.spec["name"]
        b = c.behavior
        if not pulled and c.restarts == 0:
            if c.spec.get("imagePullPolicy") == "Always":
                self._event(run, NORMAL, "Pulling", f'Pulling image "{image}"', c)
                self._event(
                    run,
                    NORMAL,
                    "Pulled",
                    f'Successfully pulled image "{image}" in 1.204s '
                    "(1.204s including waiting). Image size: 48231567 bytes.",
                    c,
                )
            else:
                self._event(run, NORMAL, "Pulled", f'Container image "{image}" already present on machine', c)
        elif c.restarts > 0:
            self._event(run, NORMAL, "Pulled", f'Container image "{image}" already present on machine', c)
        self._event(run, NORMAL, "Created", f"Created container: {name}", c)
        self._event(run, NORMAL, "Started", f"Started container {name}", c)
        stamp = self.world.clock.stamp()
        c.state = {"running": {"startedAt": stamp}}
        c.started = True
        # a container that dies soon after start never passes its first readiness probe
        c.ready = b.readiness == "ok" and not (b.mode in EXIT_MODES and c.spec.get("readinessProbe"))
        fill = {"pod": run.name, "namespace": run.namespace, "ip": run.ip, "container": name}
        lines = [self._fill(line, fill, now) for line in b.logs]
        self.world.logs.write(run.namespace, run.name, name, lines)
        if b.mode in EXIT_MODES or b.liveness == "fail":
            c.due = now + b.run_seconds
        else:
            c.due = now + (self.probe_period if (b.readiness != "ok" or b.periodic_logs) else 3600.0)
        c.log_due = now + 5.0
        return True

    @staticmethod
    def _fill(line: str, fill: dict[str, str], now: float) -> str:
        from kubemedic.sim.clock import format_ts

        try:
            return line.format(ts=format_ts(now), **fill)
        except (KeyError, IndexError, ValueError):
            return line

    def _tick_running(self, run: PodRun, c: ContainerRun, pod: Obj, now: float) -> bool:
        b = c.behavior
        name = c.spec["name"]
        if b.periodic_logs and now >= c.log_due:
            idx = int(now) % len(b.periodic_logs)
            fill = {"pod": run.name, "namespace": run.namespace, "ip": run.ip, "container": name}
            self.world.logs.write(
                run.namespace, run.name, name, [self._fill(b.periodic_logs[idx], fill, now)]
            )
            c.log_due = now + 5.0
        if b.readiness != "ok" and c.spec.get("readinessProbe"):
            msg = probe_failure("Readiness", c.spec["readinessProbe"], run.ip, c.spec, b.probe_error)
            self._event(run, WARNING, "Unhealthy", msg, c)
        if b.mode in EXIT_MODES or b.liveness == "fail":
            return self._exit(run, c, pod, now)
        c.due = now + self.probe_period
        return False

    def _exit(self, run: PodRun, c: ContainerRun, pod: Obj, now: float) -> bool:
        b = c.behavior
        name = c.spec["name"]
        started = (c.state.get("running") or {}).get("startedAt")
        if b.liveness == "fail" and c.spec.get("livenessProbe"):
            msg = probe_failure("Liveness", c.spec["livenessProbe"], run.ip, c.spec, b.probe_error)
            self._event(run, WARNING, "Unhealthy", msg, c)
            self._event(
                run, NORMAL, "Killing", f"Container {name} failed liveness probe, will be restarted", c
            )
            term = {"exitCode": 137, "reason": "Error"}
        elif b.mode == "oom":
            term = {"exitCode": 137, "reason": "OOMKilled"}
        elif b.mode == "complete":
            term = {"exitCode": 0, "reason": "Completed"}
        else:
            term = {"exitCode": b.exit_code, "reason": "Error"}
        c.state = {
            "terminated": {
                **term,
                "startedAt": started,
                "finishedAt": self.world.clock.stamp(),
                "containerID": f"containerd://{run.uid.replace('-', '')}{c.restarts:04d}",
            }
        }
        c.ready = False
        policy = pod["spec"].get("restartPolicy", "Always")
        if policy == "Never" or (policy == "OnFailure" and term["exitCode"] == 0):
            c.due = now + 3600
        else:
            c.due = now + 0.5
        return True

    def _event(self, run: PodRun, type_: str, reason: str, message: str, c: ContainerRun | None) -> None:
        entry = self.world.store.get("/pods", run.namespace, run.name)
        if entry is None:
            return
        path = f"spec.containers{{{c.spec['name']}}}" if c is not None else None
        self.ctx.recorder.emit(entry, type_, reason, message, Source("kubelet", run.node), field_path=path)

    def _write(self, run: PodRun) -> None:
        entry = self.world.store.get("/pods", run.namespace, run.name)
        if entry is None:
            return
        obj = entry.copy()
        obj["status"] = pod_status(obj, run, self.world.clock.stamp(), self._node_ip(run.node))
        self.world.save(obj)
