"""Anonymization and redaction of text that leaves the process (reports, and LLM prompts)."""

from kubemedic.redact.anonymizer import Anonymizer
from kubemedic.redact.fence import Fence, fence_text, neutralize
from kubemedic.redact.secrets import SecretMasker, mask_secrets

__all__ = ["Anonymizer", "Fence", "SecretMasker", "fence_text", "mask_secrets", "neutralize"]
