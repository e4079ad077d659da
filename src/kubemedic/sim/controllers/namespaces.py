"""The namespace controller's visible side: a `default` ServiceAccount and the root CA in every namespace."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Feed
from kubemedic.sim.store import ADDED

_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n"
    "-----END CERTIFICATE-----\n"
)


class NamespaceController:
    def __init__(self, ctx: Context) -> None:
        self.world = ctx.world
        self.feed = Feed(ctx.world, "/namespaces")
        self._seed = [e.name for e in ctx.world.store.items("/namespaces")]

    def step(self, now: float) -> None:
        del now
        names = self._seed + [c.entry.name for c in self.feed.drain() if c.type == ADDED]
        self._seed = []
        for ns in names:
            self.world.ensure(
                {
                    "apiVersion": "v1",
                    "kind": "ServiceAccount",
                    "metadata": {"name": "default", "namespace": ns},
                }
            )
            self.world.ensure(
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {
                        "name": "kube-root-ca.crt",
                        "namespace": ns,
                        "annotations": {
                            "kubernetes.io/description": "Contains a CA bundle "
                            "that can be used to verify the kube-apiserver "
                            "when using internal endpoints such as the "
                            "internal service IP or kubernetes.default.svc. "
                        },
                    },
                    "data": {"ca.crt": _CA},
                }
            )
