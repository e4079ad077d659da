"""Anomaly detectors: tests over a shared robust baseline, one file each; `registry` names them."""
