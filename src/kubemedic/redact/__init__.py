"""Anonymization and redaction of text that leaves the process (reports, and LLM prompts)."""

from kubemedic.redact.anonymizer import Anonymizer

__all__ = ["Anonymizer"]
