"""kubemedic: Kubernetes diagnosis with evidence, in about a second, no LLM needed."""

__version__ = "0.1.0"
