"""Container logs in a snapshot.

Two layouts:
- ours: `logs/<namespace>/<pod>/<container>.log` and `<container>.previous.log`
- `kubectl cluster-info dump --output-directory`: `<namespace>/<pod>/logs.txt`, every container's log
  between `==== START logs for container C of pod NS/POD ====` and `==== END logs ... ====` lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kubemedic.state.cluster_state import LogKey

_START = re.compile(r"^==== START logs for container (\S+) of pod (\S+)/(\S+) ====$")
_END = re.compile(r"^==== END logs for container \S+ of pod \S+ ====$")


def our_log_key(rel: Path) -> LogKey | None:
    """`logs/ns/pod/container[.previous].log` (anywhere below the root) -> key."""
    parts = rel.parts
    if len(parts) < 4 or parts[-4] != "logs" or not parts[-1].endswith(".log"):
        return None
    container = parts[-1][: -len(".log")]
    previous = container.endswith(".previous")
    if previous:
        container = container[: -len(".previous")]
    return LogKey(parts[-3], parts[-2], container, previous)


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def split_dump_logs(text: str) -> Iterator[tuple[LogKey, str]]:
    """Split a cluster-info dump `logs.txt` into one log per container."""
    key: LogKey | None = None
    lines: list[str] = []
    for line in text.splitlines():
        start = _START.match(line)
        if start:
            key = LogKey(start.group(2), start.group(3), start.group(1))
            lines = []
            continue
        if key is not None and _END.match(line):
            yield key, "\n".join(lines)
            key = None
            continue
        if key is not None:
            lines.append(line)
    if key is not None:
        yield key, "\n".join(lines)
