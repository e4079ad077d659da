"""The labelled corpus generator (bench/anomaly/corpus.py): deterministic, labelled the NAB way."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from bench.anomaly.corpus import METRICS, generate, write

from kubemedic.metrics import parse_csv


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    a, b, c = generate(4, series=12, length=2000), generate(4, series=12, length=2000), generate(5, 12, 2000)
    assert all(np.array_equal(x.values, y.values) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x.values, y.values) for x, y in zip(a, c, strict=True))


def test_shapes_labels_and_clean_series() -> None:
    corpus = generate(4, series=24, length=3000)
    assert {s.metric for s in corpus} == set(METRICS)
    clean = [s for s in corpus if not s.anomalies]
    assert len(clean) == 12 and all(not s.windows for s in clean)
    for s in corpus:
        assert len(s.values) == 3000 and np.isfinite(s.values).all()
        assert np.all(np.diff(s.timestamps) > 0)
        for a in s.anomalies:
            assert a.index >= s.probation
            assert any(lo <= a.index <= hi for lo, hi in s.windows)
        covered = sum(hi - lo + 1 for lo, hi in s.windows)
        assert covered <= 0.11 * 3000


def test_written_files_read_back_through_the_cli_parser(tmp_path: Path) -> None:
    corpus = generate(4, series=6, length=500)
    write(corpus, tmp_path)
    windows = json.loads((tmp_path / "combined_windows.json").read_text())
    assert set(windows) == {f"{s.name}.csv" for s in corpus}
    series = parse_csv((tmp_path / f"{corpus[0].name}.csv").read_text())
    assert len(series) == 500
    assert series.timestamps[0] == corpus[0].timestamps[0]
