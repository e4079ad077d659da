"""Consistent anonymization of names, namespaces, images, IPs and hostnames - also inside free text.

The same original always maps to the same mask within one Anonymizer, so a reader (or an LLM) can
still follow "pod workload-3-... cannot reach service-2" while nothing identifying leaves.
Well-known system names (kube-system, coredns, default, ...) are kept: they identify nobody and
help the diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

KEEP = frozenset(
    {
        "default", "kube-system", "kube-public", "kube-node-lease", "kubernetes", "coredns", "kube-dns",
        "kube-proxy", "metrics-server", "kube-root-ca.crt", "localhost", "svc", "cluster", "local",
        "cluster.local", "pod", "pods", "node", "nodes", "app", "true", "false", "none",
    }
)  # fmt: skip

_IMAGE_LIKE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9_.:-]*(?:/[A-Za-z0-9_.-]+)+(?::[A-Za-z0-9_.-]+)?(?:@sha256:[0-9a-f]+)?"
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_IPV4 = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_HOSTNAME = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|io|dev|app|cloud|corp|internal|local|lan|co|us|eu|de|uk)$"
)


class Anonymizer:
    """Register real names first (`add`), then `mask` any text."""

    def __init__(self) -> None:
        self._map: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._ips: dict[str, str] = {}

    def add(self, value: str, kind: str) -> str:
        """Register a name of a kind (namespace, pod, service, node, image, host...) and return its mask."""
        if not value or value in KEEP:
            return value
        found = self._map.get(value)
        if found is None:
            n = self._counters.get(kind, 0) + 1
            self._counters[kind] = n
            found = self._map[value] = f"{kind}-{n}"
        return found

    def add_all(self, values: Iterable[str], kind: str) -> None:
        for value in sorted(set(values)):
            self.add(value, kind)

    def add_image(self, image: str) -> str:
        """`registry.example.com/shop/api:1.2` -> `image-3:1.2`; the tag stays, it matters for pull errors."""
        if not image:
            return image
        name, tag = image, ""
        if "@" in name:
            name, digest = name.split("@", 1)
            tag = "@" + digest
        elif ":" in name.rsplit("/", 1)[-1]:
            name, t = name.rsplit(":", 1)
            tag = ":" + t
        masked = self.add(name, "image")
        self._map.setdefault(image, masked + tag)
        registry = name.split("/", 1)[0] if "/" in name else ""
        if "." in registry or ":" in registry:
            self.add(registry, "registry")
        return masked + tag

    def ip(self, value: str) -> str:
        found = self._ips.get(value)
        if found is None:
            n = len(self._ips) + 1
            found = self._ips[value] = f"192.0.{2 + n // 250}.{n % 250 + 1}"
        return found

    def mask(self, text: str) -> str:
        """Replace every registered name, IPv4 address and hostname in `text`."""
        if not text:
            return text
        text = _UUID.sub(lambda m: self.add(m.group(0).lower(), "uid"), text)
        text = _IMAGE_LIKE.sub(self._image, text)
        text = _IPV4.sub(lambda m: self.ip(m.group(0)) if _valid_ip(m) else m.group(0), text)
        return _TOKEN.sub(self._token, text)

    def unmask(self, text: str) -> str:
        """Map masks back to the originals (an LLM answer written about `deployment-1` reads `checkout`).

        Longest masks first, and only whole masks: `pod-1` inside `pod-12` is left alone.
        """
        reverse = {mask: original for original, mask in self._map.items() if mask != original}
        reverse.update({mask: original for original, mask in self._ips.items()})
        if not text or not reverse:
            return text
        pattern = re.compile(
            r"(?<![A-Za-z0-9_.])("
            + "|".join(re.escape(m) for m in sorted(reverse, key=len, reverse=True))
            + r")"
            r"(?![A-Za-z0-9_]|\.\d)"
        )
        return pattern.sub(lambda m: reverse[m.group(1)], text)

    def _image(self, match: re.Match[str]) -> str:
        """Image references: registered ones, and any `registry.host/path[:tag]` even if unknown."""
        ref = match.group(0)
        found = self._map.get(ref)
        if found is not None and found.startswith("image-"):
            return found
        name, sep, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
        found = self._map.get(name)
        if found is not None and found.startswith("image-"):
            return found + sep + tag
        first = ref.split("/", 1)[0]
        if (
            "." in first
            and _HOSTNAME.match(first.lower().split(":")[0])
            and not ref.endswith((".log", ".txt"))
        ):
            return self.add_image(ref)
        return ref

    def _token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        found = self._map.get(token)
        if found is not None:
            return found
        if token.startswith("192.0."):  # an address we already masked
            return token
        if "." in token:
            if _HOSTNAME.match(token.lower()):
                labels = token.split(".")
                # service.namespace.svc.cluster.local keeps its shape; other hosts become host-N
                if token.lower().endswith(".svc.cluster.local") or token.lower().endswith(".svc"):
                    return ".".join(self._map.get(label, label) for label in labels)
                return self.add(token, "host")
            parts = token.split(".")
            if any(p in self._map for p in parts):
                return ".".join(self._map.get(p, p) if p in self._map else self._prefixed(p) for p in parts)
        return self._prefixed(token)

    def _prefixed(self, token: str) -> str:
        """`payments-7f9c-x2k` -> `deployment-1-7f9c-x2k` when only `payments` is known."""
        pieces = token.split("-")
        for cut in range(len(pieces) - 1, 0, -1):
            found = self._map.get("-".join(pieces[:cut]))
            if found is not None:
                return "-".join([found, *pieces[cut:]])
        return token


def _valid_ip(match: re.Match[str]) -> bool:
    return all(0 <= int(g) <= 255 for g in match.groups())
