"""The HTTP API (FastAPI): REST over the store, server-sent events from the monitor."""

from kubemedic.api.app import create_app

__all__ = ["create_app"]
