"""Analyzers of configuration and storage: missing references, PVC/PV problems, unused objects."""

from kubemedic.analyzers.config import references, storage, unused
from kubemedic.analyzers.types import Analyzer

ANALYZERS: tuple[Analyzer, ...] = (references.analyze, storage.analyze, unused.analyze)
