"""Analyzers of Services, Ingresses, NetworkPolicies and admission webhooks."""

from kubemedic.analyzers.network import ingress, network_policy, services, webhooks
from kubemedic.analyzers.types import Analyzer

ANALYZERS: tuple[Analyzer, ...] = (
    services.analyze,
    ingress.analyze,
    network_policy.analyze,
    webhooks.analyze,
)
