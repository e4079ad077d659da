"""Find the user's documents in a directory and read them.

Only .md, .markdown and .txt files are indexed; hidden files and folders (.git, .cache) are skipped, and so
are symlinks that leave the directory, so `kb add ~/notes` cannot wander across the file system.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from kubemedic.domain import InputError

SUFFIXES = frozenset({".md", ".markdown", ".txt"})
MAX_FILE_BYTES = 2_000_000


def resolve_directory(path: Path) -> Path:
    """The absolute directory; InputError naming the path if it does not exist or is not a directory."""
    resolved = path.expanduser().resolve()
    if not resolved.exists():
        raise InputError(f"{path}: no such directory")
    if not resolved.is_dir():
        raise InputError(f"{path}: not a directory (give a folder of .md, .markdown or .txt files)")
    return resolved


def document_files(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """(path, stat) of every indexable file under root, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
                continue
            path = Path(dirpath) / name
            try:
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    continue
                st = path.stat()
            except OSError:
                continue
            yield path, st
