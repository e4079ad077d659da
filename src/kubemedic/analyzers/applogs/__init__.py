"""Analyzers of container logs: the decisive fatal line, dependencies it names, RBAC refusals."""

from kubemedic.analyzers.applogs import app_logs, rbac_hints
from kubemedic.analyzers.types import Analyzer

ANALYZERS: tuple[Analyzer, ...] = (app_logs.analyze, rbac_hints.analyze)
