"""The offline explainer: one finding told as an SRE would tell it, with nothing invented.

It composes what kubemedic already knows - the finding, its evidence (event, log line, field), the
incident's root cause when this finding is only a symptom, the other objects affected, and the
runbook for the category - into a short answer with kubectl commands filled in for this object.
No model is involved, so it is instant, deterministic and safe to run on an air-gapped cluster.
"""

from __future__ import annotations

from kubemedic.assistant.answer import Answer, Citation, CitationKind, Intent, dedupe
from kubemedic.assistant.commands import confirm_commands, fill, placeholders
from kubemedic.assistant.facts import Facts
from kubemedic.domain import Evidence, Finding

MAX_EVIDENCE = 4
MAX_QUOTE = 300
MAX_ALSO = 5
RUNBOOK_LINES = 8


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """Cluster text on one line, cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def evidence_line(ev: Evidence) -> str:
    where = ev.location or ev.source.value
    about = f" on {ev.object.display()}" if ev.object is not None else ""
    return f"[{ev.source.value} {where}{about}] {quote(ev.text)}"


def excerpt(text: str, lines: int = RUNBOOK_LINES) -> list[str]:
    """The first `lines` non-empty lines of a runbook section, and a marker when there is more."""
    kept = [
        line.rstrip() for line in text.strip().splitlines() if line.strip() and not line.startswith("```")
    ]
    return kept[:lines] + (["..."] if len(kept) > lines else [])


def explain(finding: Finding, facts: Facts) -> Answer:
    """Explain one finding: what, why, the root cause, the evidence, how to confirm, fix and prevent."""
    diagnosis = facts.diagnosis
    root = diagnosis.root_of(finding)
    incident = diagnosis.incident_of(finding)
    cites: list[Citation] = [Citation.finding(finding), Citation.obj(finding.object)]
    lines = [
        f"{finding.object.display()}: {finding.title}",
        f"{finding.severity.value} - category {finding.category} - finding {finding.id}",
        "",
        "What is wrong:",
        f"  {finding.message}",
    ]
    if finding.root_cause:
        lines += ["Why:", f"  {finding.root_cause}"]
    if root is not None:
        lines += [
            "Root cause (this finding is a symptom of it):",
            f"  {root.object.display()}: {root.title}",
        ]
        if root.root_cause:
            lines.append(f"  {root.root_cause}")
        cites += [Citation.finding(root), Citation.obj(root.object)]
        for ev in root.evidence[:2]:
            lines.append(f"  {evidence_line(ev)}")
            cites.append(Citation.evidence(ev, root.id))
    if finding.evidence:
        lines.append("Evidence:")
        for ev in finding.evidence[:MAX_EVIDENCE]:
            lines.append(f"  {evidence_line(ev)}")
            cites.append(Citation.evidence(ev, finding.id))
        if len(finding.evidence) > MAX_EVIDENCE:
            lines.append(f"  (+{len(finding.evidence) - MAX_EVIDENCE} more)")
    if incident is not None:
        others = [f for f in diagnosis.members(incident) if f.id not in (finding.id, root.id if root else "")]
        if others:
            lines.append("Also affected (same incident):")
            for other in others[:MAX_ALSO]:
                lines.append(f"  {other.severity.value:<8} {other.object.display()}: {other.title}")
                cites.append(Citation.finding(other))
            if len(others) > MAX_ALSO:
                lines.append(f"  (+{len(others) - MAX_ALSO} more)")
    related = [r for r in (*finding.depends_on, *finding.related) if r != finding.object]
    if related:
        lines.append("Related: " + ", ".join(r.display() for r in dict.fromkeys(related)))
        cites += [Citation.obj(r) for r in dict.fromkeys(related)]

    target = root or finding
    runbook = facts.knowledge.runbook(target.category) if facts.knowledge is not None else None
    values = placeholders(target)
    if "pod" not in values:  # a workload's finding: name one of its pods, a troubled one first
        owner = facts.state.get(target.object.kind, target.object.namespace, target.object.name)
        pods = facts.state.pods_of(owner) if owner is not None else []
        pods.sort(key=lambda p: p.is_ready)
        if pods:
            values["pod"] = pods[0].name
    lines += ["", "Confirm:"]
    lines += [f"  $ {cmd}" for cmd in confirm_commands(target)]
    if runbook is not None and runbook.confirm.strip():
        lines += [f"  {line}" for line in excerpt(fill(runbook.confirm, values))]
    lines.append("Fix:")
    if root is not None and root.remediation:
        lines.append(f"  Fix the root cause first: {root.remediation}")
    if finding.remediation:
        lines.append(f"  {finding.remediation}")
    if runbook is not None and runbook.fix.strip():
        lines += [f"  {line}" for line in excerpt(fill(runbook.fix, values))]
    if runbook is not None and runbook.prevent.strip():
        lines.append("Prevent:")
        lines += [f"  {line}" for line in excerpt(fill(runbook.prevent, values))]
    if runbook is not None:
        lines.append(f"Runbook: {runbook.title} ({runbook.source})")
        cites.append(Citation(CitationKind.RUNBOOK, runbook.source, target.id, runbook.title))
    notes = () if runbook is not None or facts.knowledge is None else (f"no runbook for {target.category}",)
    return Answer("\n".join(lines), dedupe(cites), Intent.EXPLAIN, notes=notes)
