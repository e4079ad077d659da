"""Rendering scan reports: table (terminal), JSON, YAML, Markdown."""

from kubemedic.report.schema import report_dict
from kubemedic.report.table import render_table
from kubemedic.report.text_formats import to_json, to_markdown, to_yaml

__all__ = ["render_table", "report_dict", "to_json", "to_markdown", "to_yaml"]
