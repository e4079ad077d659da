"""A simulated cluster per test module, and a `kubectl` runner bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import Kubectl, SimHandle, running_sim


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    with running_sim(SimConfig(scenarios=("crashloop-config",), fault_delay=0.2)) as handle:
        yield handle


@pytest.fixture(scope="module")
def kubectl(sim: SimHandle, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    return Kubectl(sim, tmp_path_factory.mktemp("kubectl-cache"), binary="/usr/bin/kubectl")
