"""Which accelerator a node speaks on: its name and free memory.

The desktop shows it in the Nodes table, and the farm prefers GPU nodes for
heavy engines. Asked without importing torch, so a Piper node stays light:
torch is consulted only when this process has imported it already (a Coqui
engine is loaded), otherwise ``nvidia-smi``. Answers are cached for a while,
because a node describes itself with every lease request.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

CACHE_S = 30.0

DEVICES = ("auto", "cpu", "cuda", "mps")
"""What a user may ask a voice to run on; ``cuda:N`` names one of several GPUs."""


def parse_device(text: str) -> str:
    """``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``; ValueError names the choices."""
    kind, _, index = text.strip().lower().partition(":")
    if kind not in DEVICES or (index and not (kind == "cuda" and index.isdigit())) \
            or (not index and ":" in text):
        raise ValueError(f"'{text}' is not a device: auto, cpu, cuda, cuda:N or mps")
    return f"{kind}:{index}" if index else kind


@dataclass(frozen=True)
class GpuInfo:
    name: str
    free_mb: int = 0  # 0: not known


_cache: dict[str, tuple[float, GpuInfo | None]] = {}


def describe_gpu(device: str) -> GpuInfo | None:
    """The GPU behind ``device`` ("cuda", "cuda:1", "mps"), or None for the CPU or unknown."""
    now = time.monotonic()
    cached = _cache.get(device)
    if cached is not None and now - cached[0] < CACHE_S:
        return cached[1]
    info = _ask(device)
    _cache[device] = (now, info)
    return info


def _ask(device: str) -> GpuInfo | None:
    kind, _, index_text = device.partition(":")
    if kind == "mps":
        return GpuInfo("Apple GPU")
    if kind != "cuda":
        return None
    index = int(index_text) if index_text.isdigit() else 0
    return _from_torch(index) or _from_nvidia_smi(index)


def _from_torch(index: int) -> GpuInfo | None:
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    try:
        if not torch.cuda.is_available():
            return None
        free, _total = torch.cuda.mem_get_info(index)
        return GpuInfo(str(torch.cuda.get_device_name(index)), int(free // (1 << 20)))
    except Exception:  # a driver in trouble must not stop the node from asking for work
        return None


def _from_nvidia_smi(index: int) -> GpuInfo | None:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=name,memory.free", "--format=csv,noheader,nounits",
                              "-i", str(index)], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    name, _, free = out.stdout.strip().partition(",")
    if out.returncode != 0 or not name:
        return None
    return GpuInfo(name.strip(), int(free.strip()) if free.strip().isdigit() else 0)


def list_gpus() -> list[tuple[str, GpuInfo]]:
    """The GPUs a voice could run on here, as (device, info): ("cuda:0", RTX 3060 …).
    Without torch imported (a Piper PC), nvidia-smi is asked; nothing found: []."""
    torch = sys.modules.get("torch")
    found: list[tuple[str, GpuInfo]] = []
    if torch is not None:
        try:
            for index in range(torch.cuda.device_count() if torch.cuda.is_available() else 0):
                info = _from_torch(index)
                if info is not None:
                    found.append((f"cuda:{index}", info))
            mps = getattr(torch.backends, "mps", None)
            if mps is not None and mps.is_available():
                found.append(("mps", GpuInfo("Apple GPU")))
        except Exception:  # a driver in trouble: the CPU is still there
            return found
        return found
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, "--query-gpu=index,name,memory.free",
                              "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return []
    for line in out.stdout.splitlines() if out.returncode == 0 else []:
        number, _, rest = line.partition(",")
        name, _, free = rest.partition(",")
        if number.strip().isdigit() and name.strip():
            found.append((f"cuda:{number.strip()}", GpuInfo(
                name.strip(), int(free.strip()) if free.strip().isdigit() else 0)))
    return found


def gpu_label(device: str, gpu: str, free_mb: int) -> str:
    """How a node's device reads in a table: "cuda · RTX 3060, 10.2 GB free"."""
    if not gpu:
        return device
    free = f", {free_mb / 1024:.1f} GB free" if free_mb else ""
    return f"{device} · {gpu}{free}"
