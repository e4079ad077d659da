"""`kubemedic snapshot`: capture a live cluster into the directory format `scan --snapshot` reads.

One `<plural>.json` List per kind (as `kubectl get -A -o json` prints it), container logs under
`logs/<namespace>/<pod>/<container>[.previous].log`, and `snapshot.yaml` with `capturedAt`.
Secret values never reach the disk: only their key names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from kubemedic import __version__
from kubemedic.cluster.client import ClusterTarget
from kubemedic.cluster.fetch import AccessProblem, Progress
from kubemedic.cluster.kinds import KIND_BY_NAME
from kubemedic.domain import InputError
from kubemedic.service.live import Clock, load_live_sync
from kubemedic.state.timeutil import format_time


@dataclass(frozen=True, slots=True)
class CaptureResult:
    directory: Path
    cluster: str
    objects: int
    logs: int
    files: int
    access_problems: tuple[AccessProblem, ...]


def capture_snapshot(
    target: ClusterTarget,
    out_dir: Path,
    *,
    clock: Clock,
    namespaces: frozenset[str] | None = None,
    with_logs: bool = True,
    progress: Progress | None = None,
) -> CaptureResult:
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InputError(f"{out_dir} is not empty; pick a new directory so two captures are never mixed")
    live = load_live_sync(target, clock=clock, namespaces=namespaces, with_logs=with_logs, progress=progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in live.objects:
        by_kind[str(obj.get("kind", ""))].append(obj)
    files = 0
    for kind, items in sorted(by_kind.items()):
        info = KIND_BY_NAME.get(kind)
        name = info.plural if info else kind.lower() + "s"
        doc = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
        (out_dir / f"{name}.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        files += 1
    for key, text in live.logs.items():
        path = (
            out_dir
            / "logs"
            / key.namespace
            / key.pod
            / f"{key.container}{'.previous' if key.previous else ''}.log"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    meta = {
        "capturedAt": format_time(live.state.now),
        "cluster": live.cluster,
        "capturedBy": f"kubemedic {__version__}",
        "namespaces": sorted(namespaces) if namespaces else "all",
        "accessProblems": [f"{p.kind}: {p.message}" for p in live.access_problems],
    }
    (out_dir / "snapshot.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    return CaptureResult(
        out_dir, live.cluster, len(live.objects), len(live.logs), files, live.access_problems
    )
