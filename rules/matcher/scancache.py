"""Compiled Hyperscan databases kept on disk, so a process loads the default pack's in a blink.

Compiling the default pack's text conditions takes Hyperscan several seconds, once per process: a nightly
run, each ``leadsig`` command and each test process pays it again for the same patterns. The C module can
hand its compiled database out as bytes and take them back, so a database is stored once per distinct
(patterns, flags, Hyperscan version, machine) and loaded by later processes instead of compiled. Loading
gives back the very database that was compiled, so answers cannot differ.

``LEADSIG_TEXTSCAN_CACHE`` chooses the directory (default: ``$XDG_CACHE_HOME/leadsig/textscan``, else
``~/.cache/leadsig/textscan``); ``off`` turns the cache off. It is a cache: an entry that is unreadable,
corrupt (each file carries the SHA-256 of its database, checked before Hyperscan sees the bytes) or from
another build is compiled again and rewritten, and a directory that cannot be written is skipped. The
newest ``KEEP`` entries are kept.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
from pathlib import Path

ENV = "LEADSIG_TEXTSCAN_CACHE"
MAGIC = b"leadsig-textscan-1\n"
KEEP = 32  # entries kept: each edit of the pack makes a new one, so the oldest go (a few MB each)


def directory() -> Path | None:
    """Where databases are kept (None: the cache is off)."""
    want = os.environ.get(ENV, "").strip()
    if want.lower() == "off":
        return None
    if want:
        return Path(want)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "leadsig" / "textscan"


def key(patterns: list[bytes], flags: list[int], version: str) -> str:
    """One name per database: the same patterns and flags compiled by the same library on the same machine."""
    h = hashlib.sha256()
    for part in (version, platform.machine(), platform.system()):
        h.update(part.encode() + b"\0")
    for p, f in zip(patterns, flags, strict=True):
        h.update(len(p).to_bytes(8, "little") + p + f.to_bytes(4, "little"))
    return h.hexdigest()


def read(name: str) -> bytes | None:
    """The stored database called ``name``, if present and intact."""
    where = directory()
    if where is None:
        return None
    try:
        data = (where / name).read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if len(data) <= head or not data.startswith(MAGIC):
        return None
    body = data[head:]
    return body if hashlib.sha256(body).digest() == data[len(MAGIC):head] else None


def write(name: str, body: bytes) -> None:
    """Store a database atomically (a reader never sees half a file); failures leave no trace."""
    where = directory()
    if where is None:
        return
    tmp = None
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + hashlib.sha256(body).digest() + body)
        os.replace(tmp, where / name)
        tmp = None
        _prune(where)
    except OSError:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(where: Path) -> None:
    entries = []
    for p in where.iterdir():
        try:
            entries.append((p.stat().st_mtime, p))
        except OSError:  # removed meanwhile by another process
            continue
    for _, p in sorted(entries, reverse=True)[KEEP:]:
        p.unlink(missing_ok=True)
