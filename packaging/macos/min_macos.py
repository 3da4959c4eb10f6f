"""The oldest macOS the built apps run on: the newest that any installed wheel, or Python
itself, was built for (a wheel tagged ``macosx_14_0_arm64`` holds libraries that need 14).

    python packaging/macos/min_macos.py [SITE_PACKAGES…]   # prints e.g. 14.0

build-macos.sh writes the answer into both apps' ``LSMinimumSystemVersion`` (through
``E2A_MACOS_MIN``, read by the spec), so Finder refuses to start them on an older macOS
instead of their failing at start-up.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

MACOS_TAG = re.compile(r"macosx[_-](\d+)[_.](\d+)")


def _version(found: re.Match[str]) -> tuple[int, int]:
    return int(found[1]), int(found[2])


def minimum(site_dirs: Iterable[Path], interpreter: str) -> tuple[int, int]:
    """The highest macOS version among the wheels' tags and the interpreter's platform."""
    versions = [_version(m) for m in [MACOS_TAG.search(interpreter)] if m]
    for site in site_dirs:
        for wheel in site.glob("*.dist-info/WHEEL"):
            for line in wheel.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Tag:"):
                    versions += [_version(m) for m in MACOS_TAG.finditer(line)]
    return max(versions, default=(11, 0))


def main(argv: list[str]) -> int:
    sites = [Path(a) for a in argv] or [Path(sysconfig.get_paths()["platlib"])]
    major, minor = minimum(sites, sysconfig.get_platform())
    print(f"{major}.{minor}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
