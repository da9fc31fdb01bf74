"""Atomic publication of index folders: build in a fresh folder, then swap a symlink in one rename."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

KEEP_BUILDS = 2


def builds_folder(target: Path) -> Path:
    """Where the versioned build folders of `target` live (a sibling folder)."""
    return target.parent / f"{target.name}.builds"


def new_build_folder(target: Path) -> Path:
    """A fresh, empty folder for one build."""
    folder = builds_folder(target) / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**6}"
    folder.mkdir(parents=True)
    return folder


def publish(build: Path, target: Path) -> None:
    """Point `target` at `build` atomically; readers see either the old index or the new one, never a mix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_symlink():
        # A plain folder from an older layout (or copied by hand): keep it as a build.
        target.rename(builds_folder(target) / f"adopted-{time.time_ns()}")
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(build, target.parent), link)
    os.replace(link, target)
    _prune(target, keep={build.resolve()})


def _prune(target: Path, keep: set[Path]) -> None:
    folder = builds_folder(target)
    builds = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in builds[KEEP_BUILDS:]:
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


def discard(build: Path) -> None:
    """Remove an unfinished build folder."""
    shutil.rmtree(build, ignore_errors=True)
