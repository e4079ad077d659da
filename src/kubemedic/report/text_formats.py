"""Machine formats: JSON and YAML of the documented schema, and Markdown for tickets and chats."""

from __future__ import annotations

import orjson
import yaml

from kubemedic.domain import Finding
from kubemedic.report.schema import report_dict
from kubemedic.service.models import ScanReport


def to_json(report: ScanReport) -> str:
    return orjson.dumps(report_dict(report), option=orjson.OPT_INDENT_2).decode()


def to_yaml(report: ScanReport) -> str:
    return yaml.safe_dump(report_dict(report), sort_keys=False, allow_unicode=True, width=120)


def to_markdown(report: ScanReport) -> str:
    s = report.summary
    by_id = {f.id: f for f in report.findings}
    lines = [
        "# kubemedic scan",
        "",
        f"{s.incidents} incident(s), {s.findings} finding(s) across {s.pods} pods, {s.nodes} nodes and "
        f"{s.namespaces} namespaces (as of {s.captured_at}).",
        "",
    ]
    for incident in report.incidents:
        root = by_id.get(incident.root_cause_finding_id)
        lines += [f"## [{incident.severity.value.upper()}] {incident.title}", ""]
        lines += [f"**Root cause** ({incident.root_object.display()}): {incident.root_cause}", ""]
        if root is not None:
            lines += _evidence_md(root)
            if root.remediation:
                lines += [f"**Fix:** {root.remediation}", ""]
        others = [
            by_id[i] for i in incident.finding_ids if i in by_id and i != incident.root_cause_finding_id
        ]
        if others:
            lines += ["**Also affected:**", ""]
            lines += [f"- {f.object.display()}: {f.title}" for f in others]
            lines.append("")
    if report.problems:
        lines += ["## Input problems", ""]
        lines += [f"- `{p}`" for p in report.problems]
        lines.append("")
    return "\n".join(lines)


def _evidence_md(finding: Finding) -> list[str]:
    if not finding.evidence:
        return []
    out = ["**Evidence:**", ""]
    for ev in finding.evidence:
        where = f" ({ev.location})" if ev.location else ""
        text = ev.text.replace("`", "'")
        out.append(f"- {ev.source.value}{where}: `{text}`")
    out.append("")
    return out
