"""Score our detectors on an outside corpus laid out like NAB's, with our NAB scorer.

    python -m bench.anomaly.external DATA_DIR LABELS.json [--detector default] [--sensitivity 1]

DATA_DIR holds `timestamp,value` CSV files (searched recursively); LABELS.json maps each file's path
relative to DATA_DIR to its anomaly windows, `{"dir/file.csv": [["2014-04-10 07:15:00.000000",
"2014-04-11 16:45:00.000000"], ...]}` - the layout of NAB's combined_windows.json. Nothing is
downloaded: bring the data yourself. Each file is run as a stream (the same code as `kubemedic anomaly
detect`), windows are mapped to row indices, the first 15 % of each file is probationary, and the
three profile scores are printed for the corpus.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.anomaly.nab import PROFILES, SeriesScore, normalized, score_series
from kubemedic.metrics import DetectorSettings, detect, detector, parse_csv
from kubemedic.metrics.series import parse_timestamp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--detector", default="default")
    parser.add_argument("--sensitivity", type=float, default=1.0)
    args = parser.parse_args()
    labels: dict[str, list[list[str]]] = json.loads(args.labels.read_text())
    spec = detector(args.detector)
    per_profile: dict[str, list[SeriesScore]] = {p.name: [] for p in PROFILES}
    for rel, spans in sorted(labels.items()):
        path = args.data / rel
        series = parse_csv(path.read_text(), name=rel)
        found = detect(series, spec, DetectorSettings(sensitivity=args.sensitivity))
        alarms = [i for i, d in enumerate(found) if d.fired]
        stamps = series.timestamps
        windows = []
        for lo_text, hi_text in spans:
            lo, hi = parse_timestamp(lo_text), parse_timestamp(hi_text)
            inside = [i for i, t in enumerate(stamps) if lo <= t <= hi]
            if inside:
                windows.append((inside[0], inside[-1]))
        for p in PROFILES:
            per_profile[p.name].append(score_series(windows, alarms, p, probation=int(0.15 * len(stamps))))
        print(f"{rel}: {len(stamps)} rows, {len(windows)} windows, {len(alarms)} alarms")
    for p in PROFILES:
        print(f"{p.name}: {normalized(per_profile[p.name]):.1f}")


if __name__ == "__main__":
    main()
