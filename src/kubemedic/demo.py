"""`make demo`: scan the bundled example of a small broken cluster and explain what to try next."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from kubemedic.report import render_table
from kubemedic.service.scan import scan_snapshot

EXAMPLE = Path("examples") / "broken-shop"


def find_example() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = base / EXAMPLE
        if candidate.is_dir():
            return candidate
    return None


def main() -> int:
    console = Console()
    example = find_example()
    if example is None:
        console.print(
            f"[red]error:[/] the example snapshot {EXAMPLE} is missing; run `make demo` from the repo root"
        )
        return 2
    console.rule(f"kubemedic scan --snapshot {example}")
    report = scan_snapshot(example)
    render_table(report, console)
    console.rule("next")
    console.print(
        "Try: [bold].venv/bin/kubemedic scan --snapshot examples/broken-shop -o json[/]  (machine-readable)\n"
        "     [bold].venv/bin/kubemedic scan --snapshot examples/broken-shop --anonymize[/]  (to share)\n"
        "     [bold].venv/bin/kubemedic scan --snapshot DIR[/] on your own capture: "
        "`kubectl get all,events,cm,secrets,pvc,ingress -A -o yaml > DIR/cluster.yaml`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
