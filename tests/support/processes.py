"""Long-running helper processes for end-to-end tests (a Prefect server, its workers), torn down for sure.

Each process starts in its own session, so stopping it takes its whole group; anything it started in a
session of its own (Prefect's process worker isolates each flow run that way) is found through /proc as a
descendant and stopped too. Only processes these helpers started are ever signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Group:
    """Started processes, each logging to its own file; ``stop()`` ends them and their descendants."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        pids = {p.pid for p in self.procs.values()}
        doomed = pids | _descendants(pids)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for proc in self.procs.values():
                _signal_group(proc.pid, sig)
            for pid in doomed:
                if _alive(pid):
                    _signal(pid, sig)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and any(_alive(pid) for pid in doomed):
                for proc in self.procs.values():
                    proc.poll()  # reap our children, or they stay zombies and look alive
                time.sleep(0.2)
        for proc in self.procs.values():
            proc.wait(timeout=10)


def wait_until(check: Callable[[], bool], what: str, timeout: float, on_fail: Callable[[], str] = str) -> None:
    """Poll ``check`` until it holds; a deadline so a hang fails with what was awaited (not a speed check)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s\n{on_fail()}")


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def _descendants(roots: set[int]) -> set[int]:
    children, found, todo = _children(), set(), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
