"""The job folders on this machine: what they hold, how much disk, and tidying them.

A job folder keeps every unit's audio so a conversion can resume and be bound
again; for a long book that is gigabytes, so the user must be able to see and
free it. A job in use by a running e2a is never touched.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .config import AppPaths
from .job import STORE_NAME
from .joblock import LOCK_NAME, JobBusy, JobLock
from .store import JobStore


@dataclass(frozen=True)
class JobSummary:
    """One job folder as `e2a jobs` shows it."""

    folder: Path
    title: str
    units_done: int
    units_total: int
    size_bytes: int
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    """The store's meta (title, settings, book path, what a front end kept to resume)."""

    @property
    def finished(self) -> bool:
        """Every unit spoken, or the chapters asked for bound into an audiobook (a book
        converted in part is done: its other chapters were never asked for)."""
        return (self.units_total > 0 and self.units_done == self.units_total) or \
            self.meta.get("bound") == "1"


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def summarise(folder: Path) -> JobSummary | None:
    """What a job folder holds; None for a folder that is not a job."""
    if not (folder / STORE_NAME).is_file():
        return None
    store = JobStore(folder / STORE_NAME)
    try:
        counts = store.counts()
        meta = store.meta()
    finally:
        store.close()
    return JobSummary(folder, meta.get("title", folder.name), counts["done"],
                      sum(counts.values()), folder_size(folder), meta)


def list_jobs(paths: AppPaths) -> list[JobSummary]:
    if not paths.jobs_dir.is_dir():
        return []
    found = (summarise(f) for f in sorted(paths.jobs_dir.iterdir()) if f.is_dir())
    return [job for job in found if job is not None]


def remove_job(job: JobSummary) -> bool:
    """Delete a job folder unless an e2a is converting it right now; True if removed."""
    try:
        lock = JobLock(job.folder, job.folder)
    except JobBusy:
        return False
    try:  # everything but the lock goes while it is held; Windows cannot delete it open
        for child in job.folder.iterdir():
            if child.name == LOCK_NAME:
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    finally:
        lock.release()
    shutil.rmtree(job.folder, ignore_errors=True)
    return True
