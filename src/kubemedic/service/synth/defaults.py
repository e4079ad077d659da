"""Defaults of `kubemedic dataset synth`, importable without loading the simulator."""

DEFAULT_MINUTES = 10.0
DEFAULT_INTERVAL_S = 5.0  # fine enough to see a leak climb (the sim's leak goes flat -> OOM in 25 s)
DEFAULT_SEED = 7
MAX_FAULT_AFTER_S = 60.0
FORMATS = ("csv", "parquet")
