"""Run the simulated API server with uvicorn and write a kubeconfig for it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from pathlib import Path

import uvicorn
import yaml

from kubemedic.sim.app import create_app
from kubemedic.sim.config import SimConfig
from kubemedic.sim.gc_pacing import pace_collector
from kubemedic.sim.simulation import Simulation
from kubemedic.sim.world import World

CONTEXT = "kubemedic-sim"


def kubeconfig_text(url: str, token: str | None) -> str:
    user: dict[str, str] = {"token": token} if token else {}
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": {"server": url}}],
        "users": [{"name": f"{CONTEXT}-admin", "user": user}],
        "contexts": [
            {
                "name": CONTEXT,
                "context": {"cluster": CONTEXT, "user": f"{CONTEXT}-admin", "namespace": "default"},
            }
        ],
        "current-context": CONTEXT,
        "preferences": {},
    }
    return yaml.safe_dump(doc, sort_keys=False)


def write_kubeconfig(path: str | Path, url: str, token: str | None) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(kubeconfig_text(url, token))
    out.chmod(0o600)
    return out


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


async def serve(
    config: SimConfig,
    *,
    on_ready: Callable[[str, Path | None], None] | None = None,
    stop: asyncio.Event | None = None,
    pace_gc: bool = False,
) -> None:
    """Serve until `stop` is set (or forever). `on_ready(url, kubeconfig_path)` fires once listening.
    `pace_gc`: this process is the sim's own - pace its garbage collector (see gc_pacing.py)."""
    world = World.create(config)
    sim = Simulation(world)
    sim.bootstrap()
    app = create_app(world)
    sock = bind(config.host, config.port)
    port = sock.getsockname()[1]
    url = f"http://{config.host}:{port}"
    kubeconfig = write_kubeconfig(config.kubeconfig_out, url, config.token) if config.kubeconfig_out else None
    server = uvicorn.Server(
        uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
    )
    runner = asyncio.create_task(sim.run())
    pacer = asyncio.create_task(pace_collector()) if pace_gc else None
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)
    if on_ready is not None:
        on_ready(url, kubeconfig)
    waiter = asyncio.create_task(stop.wait() if stop is not None else asyncio.Event().wait())
    try:
        await asyncio.wait({serving, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        server.should_exit = True
        runner.cancel()
        waiter.cancel()
        if pacer is not None:
            pacer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        sock.close()


def run(config: SimConfig, *, announce: Callable[[str], None] | None = None) -> int:
    """Blocking: serve until interrupted. Returns a process exit code."""

    def ready(url: str, kubeconfig: Path | None) -> None:
        if announce is not None:
            where = f" (kubeconfig: {kubeconfig})" if kubeconfig else ""
            announce(f"kubemedic sim serving on {url}{where}")

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(config, on_ready=ready, pace_gc=True))
    return 0
