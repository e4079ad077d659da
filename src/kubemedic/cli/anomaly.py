"""`kubemedic anomaly detect|detectors`: run a streaming detector over a `timestamp,value` CSV.

This is how outside benchmarks (NAB-style corpora) are run against our detectors: the file is read,
sorted by time and fed to the detector one point at a time, exactly as a live series would be.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kubemedic.cli.common import die
from kubemedic.domain import InputError

anomaly_app = typer.Typer(help="Anomaly detection over metric series (timestamp,value CSV files).")


class DetectOutput(StrEnum):
    json = "json"
    table = "table"


@anomaly_app.command("detect")
def anomaly_detect(
    file: Annotated[Path, typer.Argument(help="CSV of timestamp,value rows (ISO 8601 or epoch seconds).")],
    detector_name: Annotated[
        str, typer.Option("--detector", "-d", help="Detector name (see `kubemedic anomaly detectors`).")
    ] = "default",
    output: Annotated[
        DetectOutput, typer.Option("--output", "-o", help="Output format.")
    ] = DetectOutput.json,
    sensitivity: Annotated[
        float, typer.Option("--sensitivity", help="> 1 alarms earlier and more often, < 1 less.")
    ] = 1.0,
    limit: Annotated[
        float | None,
        typer.Option(
            "--limit", help="A limit in the series' unit (memory limit, disk size): forecast its ETA."
        ),
    ] = None,
) -> None:
    """Score every row and list where the detector fires, as a stream in time order.

    JSON: {"detections": [{"timestamp", "score", ...}], "scores": [one per row, in time order]}.
    Exit codes: 0 done, 2 unreadable file, malformed row (named by line) or bad option.
    """
    from kubemedic.metrics import DetectorSettings, detect, detector, parse_csv

    try:
        spec = detector(detector_name)
        settings = DetectorSettings(sensitivity=sensitivity, limit=limit)
    except ValueError as exc:
        die(str(exc))
    except InputError as exc:
        die(str(exc))
    try:
        text = file.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        die(f"cannot read {file}: {exc}")
    try:
        series = parse_csv(text, name=str(file))
    except InputError as exc:
        die(str(exc))
    results = detect(series, spec, settings)
    fired = [d for d in results if d.fired]
    if len(results) <= spec.warmup:
        Console(stderr=True, soft_wrap=True).print(
            f"[yellow]note:[/] {len(results)} points; {spec.name} scores only after its first "
            f"{spec.warmup} (warm-up), so every score here is 0",
            highlight=False,
        )
    if output is DetectOutput.json:
        body = {
            "detector": spec.name,
            "points": len(results),
            "detections": [
                {
                    "timestamp": _iso(d.timestamp),
                    "score": round(d.score, 6),
                    "value": d.value,
                    "reason": d.reason,
                    "expected": d.expected,
                    "low": d.low,
                    "high": d.high,
                    "eta_seconds": d.eta_seconds,
                    "explanation": d.explain(),
                }
                for d in fired
            ],
            "scores": [round(d.score, 6) for d in results],
        }
        sys.stdout.write(json.dumps(body) + "\n")
        return
    from rich.table import Table

    table = Table("timestamp", "value", "score", "reason", "expected range", "eta")
    for d in fired:
        eta = f"{d.eta_seconds / 3600:.1f} h" if d.eta_seconds is not None else ""
        table.add_row(
            _iso(d.timestamp),
            f"{d.value:.6g}",
            f"{d.score:.3f}",
            d.reason,
            f"{d.low:.6g} .. {d.high:.6g}",
            eta,
        )
    console = Console()
    console.print(table)
    console.print(f"{len(fired)} detections in {len(results)} points ({spec.name})", highlight=False)


@anomaly_app.command("detectors")
def anomaly_detectors() -> None:
    """List the detectors with a one-line description each."""
    from kubemedic.metrics import DEFAULT, DETECTORS
    from kubemedic.metrics.detectors.registry import missing, optional

    for spec in DETECTORS:
        mark = " (default)" if spec.name == DEFAULT else ""
        typer.echo(f"{spec.name:<10} {spec.summary}{mark}")
    for name, summary in optional():
        typer.echo(f"{name:<10} {summary}")
    for why in missing():
        typer.echo(f"note: {why}", err=True)


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
