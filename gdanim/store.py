"""The out folder's manifest, and the one way files are installed under it.

An output counts as cached only when its manifest entry holds the job's key and every file on
disk has the recorded size and sha256: existence proves nothing (a truncated file, a kill
mid-install, a folder copied from elsewhere). An install records the new entry first, then
moves the files into place, so a crash at any point leaves either the new files under their own
entry, or an entry whose checksums the files on disk fail (re-rendered by the next run), never
files served under another job's entry. Runs sharing an out folder take its lock around every
read-modify-write of the manifest and so merge their entries; a render holds its scene's lock,
so the same scene is never rendered into one folder twice at once. Paths are relative to the
out folder, which may be moved or copied whole.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
LOCKS = ".locks"


def crash_point(name: str) -> None:
    """Fault injection for tests/test_faults.py: GDANIM_CRASH_AT=name dies here as a kill
    would; name:disk-full fails here as a full disk would."""
    fault = os.environ.get("GDANIM_CRASH_AT")
    if fault == name:
        os.kill(os.getpid(), signal.SIGKILL)
    elif fault == f"{name}:disk-full":
        raise OSError(errno.ENOSPC, "No space left on device (injected)")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def file_lock(path: Path):
    """An exclusive lock held for the block; the kernel drops it if the holder dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def warn(message: str) -> None:
    print(f"gdanim: warning: {message}", file=sys.stderr)


class Store:
    """The manifest of ``out_dir``: entries by manifest id (``quality/Scene``)."""

    def __init__(self, out_dir: Path):
        self.root = Path(out_dir)
        self.path = self.root / MANIFEST

    # --- reading: any shape is survived ----------------------------------------------------

    def read(self) -> dict:
        """The manifest; unreadable or malformed parts are dropped with a one-line warning
        (their outputs are then simply not cached, and rebuilt by the next install)."""
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {"outputs": {}}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            warn(f"{self.path} is unreadable ({type(exc).__name__}); treating it as empty, it will be rebuilt")
            return {"outputs": {}}
        outputs = data.get("outputs") if isinstance(data, dict) else None
        if not isinstance(outputs, dict):
            warn(f"{self.path} has no outputs table; treating it as empty, it will be rebuilt")
            return {"outputs": {}}
        bad = [ident for ident, entry in outputs.items() if not valid_entry(entry)]
        if bad:
            warn(f"{self.path}: dropping malformed entries {', '.join(map(str, bad))}; they will be re-rendered")
        return {**data, "outputs": {k: v for k, v in outputs.items() if k not in bad}}

    def entries(self) -> dict:
        return self.read()["outputs"]

    def file_path(self, record: dict) -> Path:
        return self.root / record["path"]

    def cached(self, job) -> dict | None:
        """The entry for ``job`` when its key matches and every file checks out, else None."""
        entry = self.entries().get(job.manifest_id)
        if entry is None or entry.get("key") != job.key:
            return None
        for record in entry["files"].values():
            path = self.file_path(record)
            try:
                if path.stat().st_size != record["bytes"] or sha256(path) != record["sha256"]:
                    return None
            except OSError:
                return None
        return entry

    # --- writing ---------------------------------------------------------------------------

    def locked(self):
        """The out folder's manifest lock, around a read-modify-write."""
        return file_lock(self.root / LOCKS / "manifest.lock")

    def scene_lock(self, scene: str):
        """Held while ``scene`` renders into this folder (any quality: they share its text cache)."""
        return file_lock(self.root / LOCKS / f"{scene}.lock")

    def record(self, ident: str, entry: dict) -> None:
        """Merge one entry into the manifest as it is now on disk, atomically."""
        with self.locked():
            manifest = self.read()
            manifest["outputs"][ident] = entry
            self._write(manifest)

    def _write(self, manifest: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.path.is_dir():  # a folder where the manifest belongs cannot be our data
            shutil.rmtree(self.path)
        tmp = self.path.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w") as f:
                f.write(json.dumps(manifest, indent=2, sort_keys=True))
                f.flush()
                os.fsync(f.fileno())
            crash_point("manifest-written")
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)

    def install(self, ident: str, entry: dict, staged: dict[str, tuple[Path, Path]]) -> dict:
        """Record ``entry`` with the staged files' checksums, then move each staged file to its
        final path. ``staged`` maps format -> (file in the work folder, final path); files are
        moved in the given order. Returns the entry as recorded."""
        files = {}
        for fmt, (source, final) in staged.items():
            files[fmt] = {"path": self.relative(final), "bytes": source.stat().st_size, "sha256": sha256(source)}
        entry = {**entry, "files": files}
        crash_point("before-record")
        self.record(ident, entry)
        for fmt, (source, final) in staged.items():
            crash_point(f"before-move-{fmt}")
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, final)
        crash_point("installed")
        return entry

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(Path(path).resolve(), self.root.resolve())).as_posix()


# field -> the types an entry's value may have (what Store.install and render.manifest_entry write)
ENTRY_FIELDS = {"scene": (str,), "quality": (str,), "key": (str,), "params": (dict,), "files": (dict,),
                "duration": (int, float), "frames": (int,), "size": (dict,), "settings": (dict,)}


def valid_entry(entry) -> bool:
    """The shape ``Store.install`` writes; anything else (older or hand-edited) is not trusted."""
    if not isinstance(entry, dict):
        return False
    if not all(isinstance(entry.get(k), types) and not isinstance(entry.get(k), bool)
               for k, types in ENTRY_FIELDS.items()):
        return False
    for record in entry["files"].values():
        if not (isinstance(record, dict) and isinstance(record.get("path"), str)
                and isinstance(record.get("bytes"), int) and isinstance(record.get("sha256"), str)):
            return False
        path = PurePosixPath(record["path"])
        if path.is_absolute() or ".." in path.parts:
            return False
    return True
