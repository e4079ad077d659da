"""The terminal report: one block per incident, root cause and evidence first, then what else it breaks."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from kubemedic.domain import Evidence, Finding, Incident, Severity
from kubemedic.service.models import ScanReport

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "cyan",
}
MAX_EVIDENCE = 4
MAX_AFFECTED = 8


def render_table(report: ScanReport, console: Console) -> None:
    by_id = {f.id: f for f in report.findings}
    for problem in report.problems:
        console.print(Text(f"warning: skipped {problem}", style="yellow"))
    notes: list[Finding] = []
    shown = 0
    for incident in report.incidents:
        if incident.severity == Severity.INFO:
            notes.extend(by_id[i] for i in incident.finding_ids if i in by_id)
            continue
        console.print(_incident_panel(incident, by_id))
        shown += 1
    if notes:
        console.print(Text(f"Notes ({len(notes)}, info only):", style="bold cyan"))
        for f in notes:
            console.print(Text(f"  - {f.object.display()}: {f.title}", style="cyan"))
    console.print(_summary(report, shown))


def _incident_panel(incident: Incident, by_id: dict[str, Finding]) -> Panel:
    root = by_id.get(incident.root_cause_finding_id)
    sev = Text(f" {incident.severity.value.upper()} ", style=SEVERITY_STYLE[incident.severity])
    title = Text.assemble(sev, " ", (incident.title, "bold"))
    body: list[Text | Padding] = []
    body.append(Text.assemble(("Root cause  ", "bold"), (incident.root_object.display(), "magenta")))
    body.append(Padding(Text(incident.root_cause), (0, 0, 0, 2)))
    if root is not None:
        if root.evidence:
            body.append(Text("Evidence", style="bold"))
            for ev in root.evidence[:MAX_EVIDENCE]:
                body.append(Padding(_evidence_line(ev), (0, 0, 0, 2)))
        if root.remediation:
            body.append(Text("Fix", style="bold green"))
            body.append(Padding(Text(root.remediation), (0, 0, 0, 2)))
    others = [by_id[i] for i in incident.finding_ids if i in by_id and i != incident.root_cause_finding_id]
    if others:
        body.append(Text("Also affected", style="bold"))
        for f in others[:MAX_AFFECTED]:
            line = Text.assemble(
                (f"{f.severity.value:<8} ", SEVERITY_STYLE[f.severity]), f"{f.object.display()}: {f.title}"
            )
            body.append(Padding(line, (0, 0, 0, 2)))
        if len(others) > MAX_AFFECTED:
            body.append(Padding(Text(f"... and {len(others) - MAX_AFFECTED} more"), (0, 0, 0, 2)))
    return Panel(Group(*body), title=title, title_align="left", border_style=_border(incident.severity))


def _evidence_line(ev: Evidence) -> Text:
    where = f" {ev.location}" if ev.location and not ev.text.startswith(ev.location) else ""
    text = ev.text if len(ev.text) <= 400 else ev.text[:397] + "..."
    return Text.assemble((f"[{ev.source.value}{where}] ", "dim"), text)


def _border(severity: Severity) -> str:
    return {Severity.CRITICAL: "red", Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(severity, "cyan")


def _summary(report: ScanReport, shown: int) -> Text:
    s = report.summary
    if not report.findings:
        return Text(
            f"No problems found in {s.pods} pods, {s.nodes} nodes, {s.namespaces} namespaces "
            f"(as of {s.captured_at}).",
            style="bold green",
        )
    counts = ", ".join(f"{n} {sev}" for sev, n in s.by_severity.items() if n)
    return Text(
        f"{shown} incident(s) from {s.findings} finding(s) ({counts}) in {s.pods} pods, {s.nodes} nodes, "
        f"{s.namespaces} namespaces - as of {s.captured_at}; analysis {s.analysis_ms:.0f} ms.",
        style="bold",
    )
