"""`kubemedic dataset synth`: a labelled training corpus played from the simulator's fault scenarios.

Each chosen scenario gets its own fresh simulated world, plus one world with no fault at all (the
`clean` run: negatives). Every world runs for `minutes` simulated minutes on a virtual clock, and
every `interval` simulated seconds the run is sampled: pod and container usage (PodMetrics), the
events that are new or repeated since the last sample, and the findings of a scan of the state at
that moment (the analyzers plus the anomaly detectors fed with the usage so far). Every row names its
run's scenario and says whether the fault was planted yet, whether the scan saw it, and whether the
row is about the object the fault was planted on.

The output is deterministic: the same options and seed give byte-identical files (no wall-clock time
is written anywhere; the simulated clock starts at a fixed instant).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kubemedic import __version__
from kubemedic.domain import InputError
from kubemedic.service.synth.defaults import (
    DEFAULT_INTERVAL_S,
    DEFAULT_MINUTES,
    DEFAULT_SEED,
    FORMATS,
    MAX_FAULT_AFTER_S,
)
from kubemedic.service.synth.episode import START, Episode, Sample
from kubemedic.service.synth.labels import CLEAN, FaultTarget
from kubemedic.service.synth.rows import Labeller, Row
from kubemedic.service.synth.tables import TABLES, Sink, open_sink, text
from kubemedic.sim.scenarios import BY_NAME, SCENARIOS, Scenario

Progress = Callable[[str, int, int], None]  # (run, samples done in it, samples per run)


@dataclass(frozen=True, slots=True)
class SynthOptions:
    """directory: new or empty; scenarios: names in the sim's registry (the clean run is always added);
    fault_after: simulated seconds before the fault is planted (None: a quarter of the run, at most 60)."""

    directory: Path
    scenarios: tuple[str, ...]
    minutes: float = DEFAULT_MINUTES
    interval: float = DEFAULT_INTERVAL_S
    seed: int = DEFAULT_SEED
    format: str = "csv"
    fault_after: float | None = None

    @property
    def run_seconds(self) -> float:
        return self.minutes * 60.0

    @property
    def planted_at(self) -> float:
        if self.fault_after is not None:
            return self.fault_after
        return min(MAX_FAULT_AFTER_S, self.run_seconds / 4)

    @property
    def samples_per_run(self) -> int:
        return int(self.run_seconds // self.interval + 1e-9)


@dataclass(frozen=True, slots=True)
class SynthFile:
    name: str  # metrics, events, findings
    path: Path
    rows: int


@dataclass(frozen=True, slots=True)
class SynthResult:
    directory: Path
    files: tuple[SynthFile, ...]
    runs: tuple[str, ...]  # clean first, then the scenarios in the order given
    rows_by_run: dict[str, dict[str, int]]  # run -> table -> rows
    manifest: Path


def parse_scenarios(text_: str) -> tuple[str, ...]:
    """`all`, or comma-separated scenario names (order kept, repeats dropped); InputError naming the
    unknown ones and listing every valid name."""
    wanted = [p.strip() for p in text_.split(",") if p.strip()]
    if not wanted:
        raise InputError(f"--scenarios is empty; give 'all' or some of: {', '.join(_valid())}")
    if wanted == ["all"]:
        return tuple(s.name for s in SCENARIOS)
    _refuse_unknown([n for n in wanted if n not in BY_NAME and n != CLEAN])
    return tuple(n for n in dict.fromkeys(wanted) if n != CLEAN)


def _refuse_unknown(unknown: Sequence[str]) -> None:
    if unknown:
        what = "scenario" if len(unknown) == 1 else "scenarios"
        names = ", ".join(repr(n) for n in unknown)
        raise InputError(f"unknown {what} {names}; valid: all, {', '.join(_valid())}")


def _valid() -> list[str]:
    return [CLEAN, *sorted(BY_NAME)]


def check_options(options: SynthOptions) -> None:
    """Refuse what cannot work before anything is written or played."""
    if options.format not in FORMATS:
        raise InputError(f"--format {options.format!r} is not one of {', '.join(FORMATS)}")
    if options.format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise InputError("--format parquet needs pyarrow, which is not installed: pip install pyarrow")
    _refuse_unknown([n for n in options.scenarios if n not in BY_NAME])
    if not options.minutes > 0:
        raise InputError(f"--minutes must be positive, got {options.minutes:g}")
    if not options.interval > 0:
        raise InputError(f"--interval must be positive, got {options.interval:g}")
    if options.interval > options.run_seconds:
        raise InputError(
            f"--interval {options.interval:g}s is longer than the run (--minutes {options.minutes:g}): "
            "not one sample would be taken"
        )
    if not 0 <= options.planted_at < options.run_seconds:
        raise InputError(
            f"--fault-after {options.planted_at:g}s must be >= 0 and inside the run "
            f"({options.run_seconds:g}s), or no row would see the fault"
        )
    out = options.directory
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; give a new directory to write the corpus into")
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty; pick a new directory so two corpora are never mixed")


def synth_dataset(options: SynthOptions, *, progress: Progress | None = None) -> SynthResult:
    """Play the clean run and every scenario, and write the tables, dataset.json and a README."""
    check_options(options)
    options.directory.mkdir(parents=True, exist_ok=True)
    runs: list[Scenario | None] = [None, *(BY_NAME[n] for n in options.scenarios)]
    paths = {name: options.directory / f"{name}.{options.format}" for name in TABLES}
    totals = dict.fromkeys(TABLES, 0)
    by_run: dict[str, dict[str, int]] = {}
    with ExitStack() as stack:
        sinks = {
            name: stack.enter_context(open_sink(options.format, paths[name], cols))
            for name, cols in TABLES.items()
        }
        for scenario in runs:
            target = FaultTarget.of(scenario, options.planted_at)
            counts = _play(scenario, target, options, sinks, progress)
            by_run[target.scenario] = counts
            for name, n in counts.items():
                totals[name] += n
    result = SynthResult(
        options.directory,
        tuple(SynthFile(name, paths[name], totals[name]) for name in TABLES),
        tuple(by_run),
        by_run,
        options.directory / "dataset.json",
    )
    _write_manifest(result, options, runs)
    _write_readme(result, options)
    return result


def _play(
    scenario: Scenario | None,
    target: FaultTarget,
    options: SynthOptions,
    sinks: dict[str, Sink],
    progress: Progress | None,
) -> dict[str, int]:
    labeller = Labeller(target)
    counts = dict.fromkeys(TABLES, 0)
    tables: dict[str, Callable[[Sample], Iterator[Row]]] = {
        "metrics": labeller.metrics,
        "events": labeller.events,
        "findings": labeller.findings,
    }
    episode = Episode(scenario, seed=options.seed, fault_after=options.planted_at)
    total = options.samples_per_run
    for i in range(1, total + 1):
        episode.advance_to(i * options.interval)
        sample = episode.sample()
        for name, rows in tables.items():
            for row in rows(sample):
                sinks[name].write(row)
                counts[name] += 1
        if progress is not None:
            progress(target.scenario, i, total)
    return counts


# ---- manifest and README ------------------------------------------------------------------------


def _scenario_doc(s: Scenario) -> dict[str, str]:
    target = FaultTarget.of(s, 0.0)
    return {
        "name": s.name,
        "description": s.description,
        "category": s.category,
        "fault_object": target.display,
        "reason": s.reason,
    }


def _write_manifest(result: SynthResult, options: SynthOptions, runs: Sequence[Scenario | None]) -> None:
    manifest = {
        "kubemedic_version": __version__,
        "generator": "kubemedic dataset synth",
        "seed": options.seed,
        "format": options.format,
        "minutes": options.minutes,
        "interval_seconds": options.interval,
        "fault_after_seconds": options.planted_at,
        "samples_per_run": options.samples_per_run,
        "simulated_start": text(datetime.fromtimestamp(START, UTC)),
        "runs": [
            {"name": CLEAN, "description": "no fault planted: every row is a negative"}
            if s is None
            else _scenario_doc(s)
            for s in runs
        ],
        "files": {
            f.name: {
                "path": f.path.name,
                "rows": f.rows,
                "columns": {c.name: {"type": c.type, "meaning": c.meaning} for c in TABLES[f.name]},
            }
            for f in result.files
        },
        "rows_by_run": result.rows_by_run,
        "labels": {
            "scenario": "the run's scenario ('clean': no fault)",
            "fault_active": f"the fault was planted ({options.planted_at:g} simulated seconds into the run); "
            "its symptoms may show later",
            "fault_visible": "the scan at that moment reports the scenario's category on the fault object",
            "on_fault_object": "the row is about the fault object, something it owns (e.g. a Deployment's "
            "pods), or a pod on the faulty node",
            "label": "the scenario's finding category where fault_active and on_fault_object, empty "
            "(normal) elsewhere",
            "matches_fault": "findings only: the finding reports the scenario's category on the fault object",
        },
    }
    result.manifest.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _write_readme(result: SynthResult, options: SynthOptions) -> None:
    lines = [
        "# kubemedic synthesized dataset",
        "",
        f"Played by kubemedic {__version__} from the simulated cluster with seed {options.seed}: "
        f"{len(result.runs)} runs (clean + {len(result.runs) - 1} scenarios) of {options.minutes:g} "
        f"simulated minutes, sampled every {options.interval:g} s; faults planted "
        f"{options.planted_at:g} s into each run. Columns, their types and meanings: dataset.json.",
        "",
        *[f"- `{f.path.name}`: {f.rows} rows" for f in result.files],
        "",
        "Labels: `scenario`, `fault_active` (planted yet), `fault_visible` (the scan saw it),",
        "`on_fault_object` (the row is about the object it was planted on, or something it owns), and",
        "`label` = the scenario's finding category where active and on the fault object, empty elsewhere.",
        "The same seed and options give byte-identical files.",
        "",
    ]
    (options.directory / "README.md").write_text("\n".join(lines), encoding="utf-8")
