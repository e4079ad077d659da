"""Load a snapshot directory into a ClusterState.

A snapshot is any directory tree of `*.yaml|*.yml|*.json` manifests (lists as `kubectl get -o yaml|json`
prints them, single objects or multi-document YAML), container logs, and an optional `snapshot.yaml`
with `capturedAt`. The layout `kubectl cluster-info dump --output-directory` writes is read as well.
A file that does not parse is reported with its line and skipped; the rest is still scanned.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kubemedic.domain import ParseProblem, SnapshotError
from kubemedic.state.cluster_state import ClusterState, LogKey
from kubemedic.state.kinds import KNOWN_KINDS
from kubemedic.state.snapshot.decode import decode_file
from kubemedic.state.snapshot.logs import our_log_key, read_text, split_dump_logs
from kubemedic.state.snapshot.slim import slim
from kubemedic.state.timeutil import parse_time

MANIFEST_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
META_FILE = "snapshot.yaml"


@dataclass(frozen=True, slots=True)
class SnapshotStats:
    files: int
    objects: int
    logs: int
    kinds: Mapping[str, int]
    unknown_kinds: Mapping[str, int]
    other_documents: int


@dataclass(frozen=True)
class LoadedSnapshot:
    state: ClusterState
    problems: tuple[ParseProblem, ...]
    stats: SnapshotStats
    captured_at_source: str = field(default="capturedAt")  # capturedAt | newest-timestamp | clock


def load_snapshot(root: Path, *, cluster: str = "", clock: datetime | None = None) -> LoadedSnapshot:
    """Read every manifest and log below `root`. Raises SnapshotError when nothing usable was found.

    The cyclic garbage collector is paused while hundreds of thousands of small dicts are created
    (they hold no cycles; collecting during the load costs two thirds of the parse time), and the
    loaded objects are then frozen out of future collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(root, cluster=cluster, clock=clock)
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _load(root: Path, *, cluster: str, clock: datetime | None) -> LoadedSnapshot:
    if not root.exists():
        raise SnapshotError(f"snapshot directory {root} does not exist")
    if not root.is_dir():
        raise SnapshotError(f"{root} is not a directory (pass the directory a snapshot was captured into)")
    raws: list[Mapping[str, Any]] = []
    logs: dict[LogKey, str] = {}
    problems: list[ParseProblem] = []
    files = 0
    other = 0
    captured_at: datetime | None = None
    for path in _biggest_first(_walk(root)):
        rel = path.relative_to(root)
        key = our_log_key(rel)
        if key is not None:
            logs[key] = read_text(path)
            continue
        if path.name == "logs.txt":
            logs.update(split_dump_logs(read_text(path)))
            continue
        if path.suffix not in MANIFEST_SUFFIXES:
            continue
        files += 1
        decoded = decode_file(path)
        if decoded.problem is not None:
            problems.append(decoded.problem)
        if rel.as_posix() == META_FILE and not decoded.objects:
            captured_at, problem = _read_meta(path)
            if problem is not None:
                problems.append(problem)
            continue
        other += decoded.other_documents
        for obj in decoded.objects:
            slim(obj)
        raws.extend(decoded.objects)
    if not raws:
        detail = f"; {len(problems)} file(s) could not be parsed" if problems else ""
        raise SnapshotError(f"no Kubernetes objects found under {root}{detail}", tuple(problems))
    source = "capturedAt"
    now = captured_at
    if now is None:
        now, source = _newest_timestamp(raws), "newest-timestamp"
    if now is None:
        now, source = (clock or datetime.now(UTC)), "clock"
    state = ClusterState.build(raws, now=now, logs=logs, cluster=cluster).build_indexes()
    kinds = dict(state.kinds)
    unknown = {k: n for k, n in kinds.items() if k not in KNOWN_KINDS}
    stats = SnapshotStats(files, len(raws), len(logs), kinds, unknown, other)
    return LoadedSnapshot(state, tuple(problems), stats, source)


def _biggest_first(paths: list[Path]) -> list[Path]:
    """Read the largest files first: each file's bytes are freed once decoded, so the peak memory is
    then the big file plus little else, not the big file on top of everything else."""
    return sorted(paths, key=lambda p: (-p.stat().st_size, p))


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        found.extend(base / name for name in sorted(filenames) if not name.startswith("."))
    return found


def _read_meta(path: Path) -> tuple[datetime | None, ParseProblem | None]:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        return None, ParseProblem(path, 0, f"cannot read snapshot metadata: {exc}")
    if not isinstance(doc, dict):
        return None, None
    value = doc.get("capturedAt")
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)), None
    parsed = parse_time(value)
    if value is not None and parsed is None:
        return None, ParseProblem(path, 0, f"capturedAt {value!r} is not an RFC 3339 timestamp")
    return parsed, None


_TIME_FIELDS = ("lastTimestamp", "eventTime", "firstTimestamp")


def _newest_timestamp(raws: list[Mapping[str, Any]]) -> datetime | None:
    """The newest time any object mentions: creation, event times, pod start and condition changes."""
    newest = ""
    for raw in raws:
        meta = raw.get("metadata")
        if isinstance(meta, dict):
            value = meta.get("creationTimestamp")
            if isinstance(value, str) and value > newest:
                newest = value
        for name in _TIME_FIELDS:
            value = raw.get(name)
            if isinstance(value, str) and value > newest:
                newest = value
        status = raw.get("status")
        if isinstance(status, dict):
            for cond in status.get("conditions") or ():
                value = cond.get("lastTransitionTime") if isinstance(cond, dict) else None
                if isinstance(value, str) and value > newest:
                    newest = value
    return parse_time(newest[:19] + "Z") if newest else None
