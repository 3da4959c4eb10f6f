"""What an installed user reads says what the programs do (the words that misled)."""

from __future__ import annotations

import re
from pathlib import Path

from e2a_node.config import BIND_ENV, MDNS_ENV
from tests.integration.cli_runner import e2a

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_service_is_paired_into_the_folder_it_reads() -> None:
    unit = (ROOT / "packaging" / "linux" / "e2a-node.service").read_text(encoding="utf-8")
    data_dir = re.search(r"^Environment=E2A_DATA_DIR=(\S+)$", unit, re.M)
    assert data_dir is not None
    pairing = [line for line in unit.splitlines()
               if line.startswith("#") and "--code" in line and "sudo -u e2a-node" in line]
    assert pairing and all(f"E2A_DATA_DIR={data_dir[1]} " in line for line in pairing), pairing


def test_help_says_that_e2a_alone_opens_the_window() -> None:
    out = e2a("--help")
    assert out.returncode == 0
    assert "`e2a` alone opens the window" in " ".join(out.stdout.split())


def test_the_design_is_in_the_repository_and_the_readme_points_at_it() -> None:
    assert "../shared/" not in README
    assert "(docs/design.md)" in README and (ROOT / "docs" / "design.md").is_file()


def test_the_readme_says_how_to_keep_a_farm_to_one_interface() -> None:
    farm = README[README.index("## A farm of PCs"):]
    assert "all of the PC's network" in farm and f"{BIND_ENV}=" in farm and f"{MDNS_ENV}=" in farm


def test_the_readme_names_the_windows_console_programs() -> None:
    assert "`e2a-cli convert BOOK`" in README and "windowed" in README
