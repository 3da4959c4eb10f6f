"""`e2a jobs`: the user sees what conversions keep on disk and frees it safely."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from e2a_desktop.config import AppPaths
from e2a_desktop.ebook.model import Metadata
from e2a_desktop.job import Job, JobSettings
from e2a_desktop.plan import PlanSettings
from e2a_node.settings import EngineSettings
from tests.helpers.farm_fixtures import small_book
from tests.integration.cli_runner import e2a


def _job(book_file: Path, finished: bool) -> Job:
    book = replace(small_book(), metadata=Metadata(book_file.stem))
    job = Job.open_for(book_file, book, JobSettings(EngineSettings(), plan=PlanSettings()),
                       AppPaths.load())
    (job.units_dir / "000001.wav").write_bytes(bytes(1_500_000))  # audio kept for resuming
    if finished:
        for unit in job.store.units():
            job.store.complete(unit.id, "local", "000001.wav", 1.0, [], 0.0)
    return job


def test_jobs_lists_work_folders_and_cleans_only_finished_ones_not_in_use(
        tmp_path: Path, data_dir: Path) -> None:
    files = {name: tmp_path / f"{name}.txt" for name in ("Done", "Half", "Busy")}
    for name, path in files.items():
        path.write_text(name)
    done, half, busy = _job(files["Done"], True), _job(files["Half"], False), \
        _job(files["Busy"], True)
    done.close()
    half.close()  # busy stays open: an e2a is converting it right now

    listing = e2a("jobs")
    assert listing.returncode == 0, listing.stderr
    lines = {line.split()[0]: line for line in listing.stdout.splitlines()}
    assert "finished" in lines["Done"] and "2 MB" in lines["Done"]
    assert "0/" in lines["Half"]

    cleaned = e2a("jobs", "--clean")
    assert cleaned.returncode == 0, cleaned.stderr
    assert cleaned.stdout.splitlines()[0] == "removed 1 job folder(s), freed 2 MB"
    assert not done.folder.exists()
    assert half.folder.exists() and busy.folder.exists()  # unfinished; in use
    busy.close()
    assert e2a("jobs", "--clean", "--all").stdout.splitlines()[0].startswith(
        "removed 2 job folder(s)")
    assert e2a("jobs").stdout.strip() == "no conversions on this computer"


def test_a_book_converted_in_part_is_finished_not_waiting(
        tmp_path: Path, data_dir: Path, sample_book: Path) -> None:
    """Chapters 1 of 3 asked for and bound: the book is done, and "Books waiting" (which
    lists unfinished jobs) no longer offers to resume it."""
    from e2a_desktop.jobs import list_jobs

    out = e2a("convert", str(sample_book), "--chapters", "1", "--no-farm",
              "-o", str(tmp_path / "one.m4b"))
    assert out.returncode == 0, out.stderr
    [job] = list_jobs(AppPaths.load())
    assert job.units_done < job.units_total  # the other chapters were never spoken
    assert job.finished
