"""Loading mcl for the native backend (zkvmc.backend.mcl): the libraries mclbn256 ships, cached
and checked against pinned digests, then mclBn_init for Ethereum's BN254.

Takes the installed mclbn256 and a cache folder; gives the ctypes library initialised for
BN_SNARK1 (alt_bn128, the curve snarkjs uses). mclbn256 ships its libraries as hex strings in a
Python module and decodes them on every import (~160 ms); the decoded libraries are cached once
and later loaded directly. A cached file is loaded only if it and its folders are private to this
user and its sha256 is the pinned one (_SHIPPED); else the package's own bytes are used and the
cache rewritten. Without a writable cache, or for an mclbn256 build not in _SHIPPED, mclbn256 is
used as is. Costs of a cached load here (issue 15): the digests ~8 ms (10.7 MB; OpenSSL's sha256
with the CPU's SHA extensions beats blake2b), dlopen ~2 ms, and mclBn_init ~30 ms, nearly all of
it mcl's Miller-Rabin tests of q and r in its generic big-integer code. None of these holds the
GIL, so preload() runs them in a thread while the command imports the rest of zkvmc.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    import threading

MCL_BN_SNARK1 = 4
"""mcl's id for Ethereum's BN254 (alt_bn128), the curve snarkjs uses."""
COMPILED_TIME_VAR = 44
"""MCLBN_FR_UNIT_SIZE * 10 + MCLBN_FP_UNIT_SIZE for the 256-bit build."""

_SHIPPED: dict[int, tuple[str, str]] = {
    21571212: ("882af92df5d56d8a7bd4457cb27738e88d8131c81a3502cd17e1358b241e566a",
               "cb62be45eecbe58edc0c1e8e56d981a194ee47d8201915d698d13c397ecdfd65"),
}
"""sha256 of the two libraries (_SO order) that mclbn256 ships, keyed by the size of its
mclbn256.py (1.3.5, the version pyproject.toml pins; tests/test_backend_mcl_cache.py checks them
against the installed package). Pinned here, in the package, because anyone who can write the
cache could also write a digest kept there; recomputing them costs as much as the import."""

_SO = ("lib/libmcl.so", "libmclbn256.so")
"""The two libraries mclbn256 carries; the second finds the first through its RUNPATH $ORIGIN/lib."""


def _module() -> os.stat_result | None:
    """The stat of mclbn256's module (the file its libraries are decoded from), if installed."""
    spec = importlib.util.find_spec("mclbn256")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.stat(os.path.join(list(spec.submodule_search_locations)[0], "mclbn256.py"))


def _cache_dir(st: os.stat_result | None) -> Path | None:
    """Where the libraries of the mclbn256 install whose module has stat st are kept (keyed by
    its size and mtime) under $ZKVMC_CACHE_DIR, else $XDG_CACHE_HOME/zkvmc, else ~/.cache/zkvmc."""
    if st is None:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    root = os.environ.get("ZKVMC_CACHE_DIR") or os.path.join(base, "zkvmc")
    return Path(root) / f"mclbn256-{st.st_size}-{st.st_mtime_ns}"


def _digests(blobs: Sequence[bytes]) -> tuple[str, ...]:
    return tuple(hashlib.sha256(b).hexdigest() for b in blobs)


def _file_digest(path: Path) -> str:
    """sha256 of a file, read in 1 MiB pieces into one buffer: _digests of its bytes without a
    10 MB bytes object, whose fresh pages cost about as much as the hashing."""
    h, buf = hashlib.sha256(), bytearray(1 << 20)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def _save(d: Path, blobs: tuple[bytes, bytes]) -> None:
    """Write the libraries atomically, private to this user (caching is an optimisation:
    failures are ignored)."""
    with contextlib.suppress(OSError):
        for name, blob in zip(_SO, blobs):
            if blob:
                (d / name).parent.mkdir(mode=0o755, parents=True, exist_ok=True)
                (d / name).parent.chmod(0o755)  # whatever the umask: _private must accept it
                tmp = d / f"{name}.{os.getpid()}.tmp"
                tmp.write_bytes(blob)
                tmp.chmod(0o644)
                os.replace(tmp, d / name)


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else (else it could change after the check)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _cached_bytes_ok(d: Path, expected: tuple[str, str]) -> bool:
    """Whether both cached files hold exactly the shipped bytes, in folders only we can write."""
    if not all(_private(p) for p in (d.parent, d, d / "lib", *(d / n for n in _SO))):
        return False
    try:
        return tuple(_file_digest(d / n) for n in _SO) == expected
    except OSError:
        return False


def _from_cache(d: Path | None, expected: tuple[str, str] | None) -> Any:
    """The cached mclbn256 library if its files match the shipped digests, else None."""
    if d is None or expected is None or not _cached_bytes_ok(d, expected):
        return None
    try:
        return ctypes.CDLL(str(d / _SO[1]))
    except OSError:
        return None


def load_now() -> Any:
    """mcl, initialised for BN_SNARK1, loaded in this thread (the module docstring says how)."""
    st = _module() if sys.platform == "linux" else None  # the cached layout is the Linux wheel's
    d = _cache_dir(st)
    expected = _SHIPPED.get(st.st_size) if st is not None else None
    lib = _from_cache(d, expected)
    if lib is None:
        from mclbn256 import mclbn256 as m

        lib = m.lib
        blobs = (m.mcl_bs, m.mclbn256_bs)
        if d is not None and expected is not None and _digests(blobs) == expected:
            _save(d, blobs)
    if lib.mclBn_init(MCL_BN_SNARK1, COMPILED_TIME_VAR) != 0:
        raise RuntimeError("mcl: mclBn_init for BN_SNARK1 failed")
    return lib


class _Preload:
    """One load_now() in a background thread, then its library or its exception."""

    def __init__(self) -> None:
        import threading

        self.lib: Any = None
        """The library, once loaded."""
        self.error: BaseException | None = None
        """Why it did not load, re-raised by load() in the thread that asks for it."""
        self.thread: threading.Thread = threading.Thread(target=self._run, name="zkvmc-mcl-load")
        """Not a daemon: the interpreter waits for it at exit rather than killing it inside mcl."""
        self.thread.start()

    def _run(self) -> None:
        try:
            self.lib = load_now()
        except BaseException as e:  # noqa: BLE001 - handed to load(), which raises it
            self.error = e


_PRELOAD: _Preload | None = None
"""The background load preload() started, if any."""


def preload() -> None:
    """Start loading mcl in a background thread, which load() then waits for; a no-op once the
    backend module is imported (or being imported): mclBn_init resets mcl's global curve state,
    so it must run once, before any computation, never beside one."""
    global _PRELOAD
    if _PRELOAD is None and "zkvmc.backend.mcl" not in sys.modules:
        _PRELOAD = _Preload()


def load() -> Any:
    """mcl initialised for BN_SNARK1: preload()'s library when one was started, else load_now()."""
    if _PRELOAD is None:
        return load_now()
    _PRELOAD.thread.join()
    if _PRELOAD.error is not None:
        raise _PRELOAD.error
    return _PRELOAD.lib
