"""Analyzers of pods and their containers: crashes, OOM kills, pulls, start errors, scheduling, probes."""

from kubemedic.analyzers.containers import (
    config_errors,
    crash_loop,
    creating,
    image_pull,
    init_containers,
    lifecycle,
    probes,
    scheduling,
)
from kubemedic.analyzers.types import Analyzer

ANALYZERS: tuple[Analyzer, ...] = (
    crash_loop.analyze,
    image_pull.analyze,
    config_errors.analyze,
    init_containers.analyze,
    scheduling.analyze,
    creating.analyze,
    probes.analyze,
    lifecycle.analyze,
)
