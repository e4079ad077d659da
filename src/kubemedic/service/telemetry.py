"""Prometheus metrics, on a registry owned by the process's serve() (no module globals)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    watch_events: Counter
    analyses: Histogram
    open_findings: Gauge
    api_latency: Histogram
    watch_reconnects: Counter
    watch_relists: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry()
        return cls(
            registry,
            Counter(
                "kubemedic_watch_events",
                "Object changes seen through watches",
                ["cluster"],
                registry=registry,
            ),
            Histogram(
                "kubemedic_analysis_seconds",
                "Time to analyze a cluster's state",
                ["cluster"],
                registry=registry,
                buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            ),
            Gauge(
                "kubemedic_open_findings",
                "Open findings by severity",
                ["cluster", "severity"],
                registry=registry,
            ),
            Histogram(
                "kubemedic_api_request_seconds",
                "API latency",
                ["method", "route", "status"],
                registry=registry,
            ),
            Counter(
                "kubemedic_watch_reconnects",
                "Watches re-established after an error or a dropped connection",
                ["cluster"],
                registry=registry,
            ),
            Counter(
                "kubemedic_watch_relists",
                "Full relists forced by 410 Gone (history expired, or a restarted API server)",
                ["cluster"],
                registry=registry,
            ),
        )
