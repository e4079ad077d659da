"""Reading snapshot directories."""

from kubemedic.state.snapshot.loader import LoadedSnapshot, SnapshotStats, load_snapshot

__all__ = ["LoadedSnapshot", "SnapshotStats", "load_snapshot"]
