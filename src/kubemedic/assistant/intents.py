"""Offline answers, one function per intent, built only from the diagnosis, the state and runbooks.

Each answer says what it rests on (citations) and, when it cannot answer (no timeline for "what
changed", a name that does not exist, a question it does not understand), says so plainly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

from kubemedic.assistant.answer import Answer, Citation, CitationKind, Intent, dedupe
from kubemedic.assistant.explain import evidence_line, explain, quote
from kubemedic.assistant.facts import Facts, TimelineItem
from kubemedic.assistant.question import Question
from kubemedic.assistant.status import pod_restarts, status_line
from kubemedic.domain import Finding, Incident, ObjectRef, Severity
from kubemedic.state import Event, KubeObject, Pod

MAX_INCIDENTS = 8
MAX_CHANGES = 15
MAX_MATCHES = 5


def _where(namespace: str | None) -> str:
    return f"namespace {namespace}" if namespace else "the cluster"


def whats_wrong(facts: Facts, namespace: str | None) -> Answer:
    """Incidents touching the namespace, root cause first, each with its strongest evidence."""
    diagnosis = facts.diagnosis
    mine = [f for f in diagnosis.in_namespace(namespace) if f.severity >= Severity.WARNING]
    infos = len(diagnosis.in_namespace(namespace)) - len(mine)
    hosted = _pods_by_node(facts, namespace)
    mine += [  # a failing node that runs pods of this namespace is this namespace's problem too
        f
        for f in diagnosis.findings
        if f.object.kind == "Node" and f.object.name in hosted and f.severity >= Severity.WARNING
    ]
    if not mine:
        pods = facts.state.pods(namespace)
        ready = sum(1 for p in pods if p.is_ready or p.phase == "Succeeded")
        text = (
            f"Nothing is wrong in {_where(namespace)} that kubemedic can see: "
            f"{ready}/{len(pods)} pods ready or done."
        )
        if infos:
            text += f" ({infos} informational finding{'s' if infos != 1 else ''}, e.g. unused objects.)"
        return Answer(text, (), Intent.WHATS_WRONG)
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in mine:
        groups[f.incident_id or f.id].append(f)
    ranked: list[tuple[Incident | None, Finding, list[Finding]]] = []
    for members in groups.values():
        incident = diagnosis.incident_of(members[0])
        root = diagnosis.finding(incident.root_cause_finding_id) if incident else None
        ranked.append((incident, root or members[0], members))
    ranked.sort(key=lambda t: (-max(f.severity.rank for f in (t[1], *t[2])), -len(t[2]), t[1].title))
    by_sev: dict[str, int] = defaultdict(int)
    for f in mine:
        by_sev[f.severity.value] += 1
    counts = ", ".join(f"{n} {s}" for s, n in sorted(by_sev.items(), key=lambda kv: -Severity(kv[0]).rank))
    lines = [
        f"{_where(namespace).capitalize()}: {len(mine)} problem{'s' if len(mine) != 1 else ''} "
        f"in {len(ranked)} incident{'s' if len(ranked) != 1 else ''} ({counts}). Root causes first:",
    ]
    cites: list[Citation] = []
    for n, (_incident, root, members) in enumerate(ranked[:MAX_INCIDENTS], 1):
        lines += ["", f"{n}. [{root.severity.value}] {root.object.display()}: {root.title}"]
        if root.root_cause:
            lines.append(f"   cause: {root.root_cause}")
        strongest = _strongest(root)
        if strongest is not None:
            lines.append(f"   evidence: {evidence_line(root.evidence[strongest])}")
        others = [f.object for f in members if f.object != root.object]
        if others:
            shown = ", ".join(r.display() for r in dict.fromkeys(others))
            lines.append(f"   affects: {quote(shown, 200)}")
        if root.object.kind == "Node" and root.object.name in hosted:
            pods = hosted[root.object.name]
            names = ", ".join(p.name for p in pods[:5]) + (", ..." if len(pods) > 5 else "")
            lines.append(f"   runs {len(pods)} pod{'s' if len(pods) != 1 else ''} of {namespace}: {names}")
            cites += [Citation.obj(p.ref, f"on node {root.object.name}") for p in pods[:5]]
        elif root.object.namespace != (namespace or root.object.namespace):
            lines.append(f"   (the root cause lives outside {namespace})")
        lines.append(f"   more: kubemedic explain {root.id}")
        cites.append(Citation.finding(root))
        order = ([strongest] if strongest is not None else []) + list(range(len(root.evidence)))
        cites += [Citation.evidence(root.evidence[i], root.id) for i in dict.fromkeys(order[:4])]
        cites += [Citation.finding(f) for f in members if f.id != root.id]
    if len(ranked) > MAX_INCIDENTS:
        lines.append(f"\n(+{len(ranked) - MAX_INCIDENTS} more incidents; `kubemedic scan` lists them all)")
    return Answer("\n".join(lines), dedupe(cites), Intent.WHATS_WRONG)


def _pods_by_node(facts: Facts, namespace: str | None) -> dict[str, list[Pod]]:
    """The namespace's pods by the node they run on (empty for the whole cluster)."""
    out: dict[str, list[Pod]] = defaultdict(list)
    if namespace is not None:
        for pod in facts.state.pods_in(namespace):
            if pod.node_name:
                out[pod.node_name].append(pod)
    return out


def _strongest(f: Finding) -> int | None:
    """The evidence that proves most: a log line that states an error, else the analyzer's first."""
    if not f.evidence:
        return None
    for i, ev in enumerate(f.evidence):
        if ev.source.value == "log" and _ERROR_WORDS.search(ev.text):
            return i
    return 0


_ERROR_WORDS = re.compile(
    r"\b(?:fatal|error|panic|exception|refused|denied|cannot|could not|failed|no such|not found|timeout)\b",
    re.IGNORECASE,
)


def about_object(facts: Facts, obj: KubeObject, intent: Intent = Intent.WHY_NOT_READY) -> Answer:
    """Why an object is not ready: its status, then the explanation of its most telling finding
    (which follows the incident to the root cause, through owners and dependencies)."""
    diagnosis = facts.diagnosis
    status = status_line(facts.state, obj)
    findings = [f for f in diagnosis.about(obj) if f.severity >= Severity.WARNING]
    if not findings:
        infos = diagnosis.about(obj)
        text = f"{obj.ref.display()} looks healthy: {status}. kubemedic found no problem with it"
        text += (
            f" (only {len(infos)} informational finding{'s' if len(infos) != 1 else ''})." if infos else "."
        )
        return Answer(text, (Citation.obj(obj.ref, status),), intent)
    own = [f for f in findings if f.object.key == obj.ref.key]
    if own:  # its own most severe problem (the explanation then leads to the root cause)
        pick = min(own, key=lambda f: (-f.severity.rank, diagnosis.root_of(f) is not None, f.title))
    else:  # only owners or pods have findings: lead with the root cause among them
        pick = min(findings, key=lambda f: (diagnosis.root_of(f) is not None, -f.severity.rank, f.title))
    body = explain(pick, facts)
    head = [f"{obj.ref.display()} is not healthy: {status}."]
    more = [f for f in findings if f.id != pick.id]
    if more:
        head.append("Other problems: " + "; ".join(f"{f.object.display()}: {f.title}" for f in more[:4]))
    text = "\n".join(head) + "\n\n" + body.text
    cites = [Citation.obj(obj.ref, status), *body.citations, *(Citation.finding(f) for f in more)]
    return Answer(text, dedupe(cites), intent, notes=body.notes)


def health(facts: Facts, obj: KubeObject) -> Answer:
    answer = about_object(facts, obj, Intent.HEALTH)
    if answer.text.startswith(obj.ref.display() + " looks healthy"):
        return Answer("Yes. " + answer.text, answer.citations, Intent.HEALTH, notes=answer.notes)
    return Answer("No. " + answer.text, answer.citations, Intent.HEALTH, notes=answer.notes)


def restarts(facts: Facts, namespace: str | None, limit: int = 10) -> Answer:
    """Pods by restart count, with how the last run ended."""
    counted = [(n, p) for p in facts.state.pods(namespace) if (n := pod_restarts(p)) > 0]
    if not counted:
        return Answer(f"No pod in {_where(namespace)} has restarted.", (), Intent.RESTARTS)
    counted.sort(key=lambda t: (-t[0], t[1].namespace, t[1].name))
    lines = [f"Pods in {_where(namespace)} by restarts ({len(counted)} restarted):"]
    cites: list[Citation] = []
    for n, p in counted[:limit]:
        last = _last_end(p)
        lines.append(f"  {n:>5}  {p.namespace}/{p.name}" + (f"  last run: {last}" if last else ""))
        cites.append(Citation.obj(p.ref, f"restarts={n}" + (f"; {last}" if last else "")))
        for f in facts.diagnosis.about(p)[:1]:
            cites.append(Citation.finding(f))
    if len(counted) > limit:
        lines.append(f"  (+{len(counted) - limit} more)")
    return Answer("\n".join(lines), dedupe(cites), Intent.RESTARTS)


def _last_end(pod: Pod) -> str:
    for s in pod.container_statuses:
        last = s.last_state
        if last.state == "terminated":
            code = f" exit {last.exit_code}" if last.exit_code is not None else ""
            return f"{s.name} {last.reason or 'terminated'}{code}"
    return ""


async def what_changed(facts: Facts, namespace: str | None, window: timedelta) -> Answer:
    """Recorded changes in the window; without a timeline, what the events and creation times show."""
    now = facts.clock()
    since = now - window
    span = _span(window)
    if facts.timeline is not None:
        items = [
            i
            for i in await facts.timeline.recent(None, since)
            if namespace is None or i.object.namespace == namespace
        ]
        items = [i for i in items if i.at >= since]
        if not items:
            return Answer(
                f"Nothing was recorded in {_where(namespace)} in the last {span}.", (), Intent.WHAT_CHANGED
            )
        lines = [f"Changes in {_where(namespace)} in the last {span} ({len(items)} recorded, newest first):"]
        cites: list[Citation] = []
        for item in items[:MAX_CHANGES]:
            lines.append(
                f"  {_ago(now - item.at)} ago  {item.object.display()}  {item.type}: {quote(item.text, 160)}"
            )
            cites.append(_timeline_cite(item))
        if len(items) > MAX_CHANGES:
            lines.append(f"  (+{len(items) - MAX_CHANGES} more)")
        return Answer("\n".join(lines), dedupe(cites), Intent.WHAT_CHANGED)
    note = (
        "No change history is recorded for this source (a snapshot or a one-off read has no timeline; "
        "`kubemedic serve` records one). This answer uses the events and creation times in the state."
    )
    latest: dict[tuple[tuple[str, str, str], str], tuple[float, Event]] = {}  # newest per object+reason
    floor = since.timestamp()
    for ev in facts.state.events():
        if namespace is not None and ev.namespace != namespace:
            continue
        seen = ev.last_seen
        stamp = seen.timestamp() if seen is not None else 0.0
        if stamp < floor:
            continue
        key = (ev.involved.key, ev.reason)
        kept = latest.get(key)
        if kept is None or kept[0] < stamp:
            latest[key] = (stamp, ev)
    entries: list[tuple[float, Event | KubeObject]] = list(latest.values())
    for kind in (
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "Pod",
        "Service",
        "ConfigMap",
    ):
        for obj in facts.state.objects(kind, namespace):
            created = obj.created
            if created is not None and created >= since:
                entries.append((created.timestamp(), obj))
    if not entries:
        return Answer(
            f"No event or new object in {_where(namespace)} in the last {span}.",
            (),
            Intent.WHAT_CHANGED,
            notes=(note,),
        )
    entries.sort(key=lambda e: -e[0])
    lines = [
        f"In {_where(namespace)} in the last {span}, newest first ({len(entries)} events and new objects):"
    ]
    cites = []
    for stamp, entry in entries[:MAX_CHANGES]:
        ago = _ago(now - now.fromtimestamp(stamp, now.tzinfo))
        if isinstance(entry, Event):
            times = f" (x{entry.count})" if entry.count > 1 else ""
            what = f"{entry.type} {entry.reason}{times}: {quote(entry.message, 140)}"
            lines.append(f"  {ago} ago  {entry.involved.display()}  {what}")
            cites.append(Citation.evidence(entry.evidence(), ""))
        else:
            lines.append(f"  {ago} ago  {entry.ref.display()}  created")
            cites.append(Citation.obj(entry.ref, "created"))
    if len(entries) > MAX_CHANGES:
        lines.append(f"  (+{len(entries) - MAX_CHANGES} more)")
    return Answer("\n".join(lines), dedupe(cites), Intent.WHAT_CHANGED, notes=(note,))


def _timeline_cite(item: TimelineItem) -> Citation:
    return Citation(
        CitationKind.TIMELINE,
        f"{item.object.display()}@{item.at.isoformat()}",
        quote=item.text,
        object=item.object,
    )


def _span(window: timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 86400 == 0:
        return "day" if seconds == 86400 else f"{seconds // 86400} days"
    if seconds % 3600 == 0:
        return "hour" if seconds == 3600 else f"{seconds // 3600} hours"
    return f"{max(1, seconds // 60)} minutes"


def _ago(delta: timedelta) -> str:
    s = max(0, int(delta.total_seconds()))
    if s < 120:
        return f"{s}s"
    if s < 7200:
        return f"{s // 60}m"
    return f"{s // 3600}h"


def closest(facts: Facts, question: Question) -> Answer:
    """The findings and runbook passages closest to the question's terms, labelled as such."""
    terms = [t for t in question.terms if len(t) > 2]
    scored: list[tuple[int, Finding]] = []
    for f in facts.diagnosis.in_namespace(question.namespace):
        hay = " ".join(
            (f.object.kind, f.object.namespace, f.object.name, f.category, f.title, f.message)
        ).lower()
        words = set(re.findall(r"[a-z0-9][a-z0-9.\-]*", hay))
        score = sum(3 if t in (f.object.name, f.category) else 1 for t in terms if t in words)
        if score:
            scored.append((score * 10 + f.severity.rank, f))
    scored.sort(key=lambda s: (-s[0], s[1].title))
    passages = facts.knowledge.search(question.text, limit=3) if facts.knowledge is not None else []
    if not scored and not passages:
        return Answer(
            "I cannot answer that from what kubemedic knows, and nothing in the findings or runbooks "
            'matches it. Try: "what is wrong in namespace NS", "why is deployment NAME not ready", '
            '"what changed in the last hour", "which pods restart most", "is NAME healthy".',
            (),
            Intent.CLOSEST,
        )
    lines = ["I have no exact answer for that. Closest matches (not an answer, just what relates):"]
    cites: list[Citation] = []
    if scored:
        lines.append("Findings:")
        for _, f in scored[:MAX_MATCHES]:
            lines.append(
                f"  [{f.severity.value}] {f.object.display()}: {f.title}  (kubemedic explain {f.id})"
            )
            cites.append(Citation.finding(f))
    if passages:
        lines.append("Runbook passages:")
        for p in passages:
            lines.append(f"  {p.title} - {p.section}: {quote(p.text, 200)}")
            cites.append(Citation(CitationKind.RUNBOOK, p.source, quote=f"{p.title} - {p.section}"))
    return Answer("\n".join(lines), dedupe(cites), Intent.CLOSEST)


def no_such(what: str, close: tuple[str, ...], refs: tuple[ObjectRef, ...] = ()) -> Answer:
    hint = f" Close names: {', '.join(close)}." if close else ""
    if refs:
        hint += f" With that name: {', '.join(r.display() for r in refs)}."
    return Answer(
        f"There is no such {what} in this cluster.{hint}",
        tuple(Citation.obj(r) for r in refs),
        Intent.NO_SUCH_OBJECT,
    )
