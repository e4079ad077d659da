"""A simulated cluster per test module, and a `kubectl` runner bound to it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim

KUBECTL = "/usr/bin/kubectl"


@dataclass(frozen=True)
class Kubectl:
    sim: SimHandle
    cache_dir: Path

    def argv(self, *args: str) -> list[str]:
        return [KUBECTL, "--kubeconfig", str(self.sim.kubeconfig), "--cache-dir", str(self.cache_dir), *args]

    def run(self, *args: str, timeout: float = 20, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=timeout, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
        return proc

    def out(self, *args: str, timeout: float = 20) -> str:
        return self.run(*args, timeout=timeout).stdout


def eventually(check: Callable[[], bool], timeout: float = 20.0, interval: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    with running_sim(SimConfig(scenarios=("crashloop-config",), fault_delay=0.2)) as handle:
        yield handle


@pytest.fixture(scope="module")
def kubectl(sim: SimHandle, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    return Kubectl(sim, tmp_path_factory.mktemp("kubectl-cache"))
