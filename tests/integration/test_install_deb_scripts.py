"""The .deb's maintainer scripts: removing e2a takes back the service a user enabled.

packaging/README tells an always-on machine's owner to `systemctl enable --now e2a-node`.
Without a prerm, `dpkg --purge e2a` left the service running from deleted files and its
link in /etc/systemd/system/multi-user.target.wants pointing at a unit that was gone.
The script is run here with a stand-in `systemctl` that records what it is asked;
packaging/check-deb.sh enables the real service and checks that the purge leaves no link.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEB = ROOT / "packaging" / "linux" / "deb"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="dpkg's scripts are for Linux")


def _prerm(argument: str, tmp_path: Path) -> list[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    asked = tmp_path / "asked"
    systemctl = bin_dir / "systemctl"
    systemctl.write_text(f'#!/bin/sh\necho "$@" >> {asked}\n')
    systemctl.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    subprocess.run(["sh", str(DEB / "prerm"), argument], env=env, check=True, timeout=60)
    return asked.read_text().splitlines() if asked.exists() else []


def test_removing_e2a_disables_the_service_a_user_enabled(tmp_path: Path) -> None:
    assert "disable e2a-node.service" in _prerm("remove", tmp_path)


def test_an_upgrade_leaves_the_service_as_the_user_set_it(tmp_path: Path) -> None:
    assert _prerm("upgrade", tmp_path) == []


def test_the_package_carries_the_prerm() -> None:
    build = (ROOT / "packaging" / "build-linux.sh").read_text(encoding="utf-8")
    assert "packaging/linux/deb/prerm" in build
    assert os.access(DEB / "prerm", os.X_OK)
