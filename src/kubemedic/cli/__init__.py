"""The `kubemedic` command line: one module per command group, assembled in main.py."""

from kubemedic.cli.main import app, main

__all__ = ["app", "main"]
