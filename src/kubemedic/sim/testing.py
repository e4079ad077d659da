"""Run a simulated cluster for tests: `with running_sim(SimConfig(...)) as sim: ...`."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kubemedic.sim.config import SimConfig
from kubemedic.sim.server import serve


@dataclass(frozen=True)
class SimHandle:
    url: str
    kubeconfig: Path
    token: str | None
    config: SimConfig


@contextmanager
def running_sim(config: SimConfig | None = None, *, startup_timeout: float = 20.0) -> Iterator[SimHandle]:
    """Start the sim on a free port in a background thread; stop it on exit.

    The kubeconfig is written to a temporary directory unless `config.kubeconfig_out` is set.
    """
    base = config or SimConfig()
    with tempfile.TemporaryDirectory(prefix="kubemedic-sim-") as tmp:
        cfg = replace(
            base, port=base.port or 0, kubeconfig_out=base.kubeconfig_out or str(Path(tmp) / "kubeconfig")
        )
        ready = threading.Event()
        found: dict[str, str] = {}
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()

        def on_ready(url: str, kubeconfig: Path | None) -> None:
            found["url"] = url
            found["kubeconfig"] = str(kubeconfig)
            ready.set()

        def target() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(serve(cfg, on_ready=on_ready, stop=stop))
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
            finally:
                loop.close()

        thread = threading.Thread(target=target, name="kubemedic-sim", daemon=True)
        thread.start()
        if not ready.wait(startup_timeout) or failure:
            loop.call_soon_threadsafe(stop.set)
            raise RuntimeError(f"simulated cluster did not start: {failure[0] if failure else 'timeout'}")
        try:
            yield SimHandle(found["url"], Path(found["kubeconfig"]), cfg.token, cfg)
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(timeout=10)


@dataclass(frozen=True)
class Kubectl:
    """The real kubectl bound to one simulated cluster, with a private discovery cache."""

    sim: SimHandle
    cache_dir: Path
    binary: str = "kubectl"

    def argv(self, *args: str) -> list[str]:
        return [
            self.binary,
            "--kubeconfig",
            str(self.sim.kubeconfig),
            "--cache-dir",
            str(self.cache_dir),
            *args,
        ]

    def run(self, *args: str, timeout: float = 20, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=timeout, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
        return proc

    def out(self, *args: str, timeout: float = 20) -> str:
        return self.run(*args, timeout=timeout).stdout


def eventually(check: Callable[[], bool], timeout: float = 20.0, interval: float = 0.3) -> None:
    """Poll `check` until it is true; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError("condition not met in time")
