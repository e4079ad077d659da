"""Analyzers of the pods group. Add a module and list its `analyze` here."""

from kubemedic.analyzers.types import Analyzer

ANALYZERS: tuple[Analyzer, ...] = ()
