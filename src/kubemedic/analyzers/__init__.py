"""Analyzers: pure functions ClusterState -> findings, one module each, listed in registry.py."""
