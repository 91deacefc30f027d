"""gdanim.store without rendering: checksummed entries, every manifest shape, merged writers."""

import hashlib
import json
import multiprocessing
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gdanim.store import Store, valid_entry


@dataclass(frozen=True)
class FakeJob:
    manifest_id: str = "tiny/Scene"
    key: str = "k1"


ENTRY = {"scene": "Scene", "quality": "tiny", "key": "k1", "params": {}, "duration": 2.0, "frames": 10,
         "size": {"mp4": 5}, "settings": {}}


def install(root: Path, ident="tiny/Scene", content=b"video", key="k1") -> dict:
    work = root / ".work" / ident.replace("/", "-")
    work.mkdir(parents=True, exist_ok=True)
    (work / "final.mp4").write_bytes(content)
    (work / "final.srt").write_text("1\n")
    final = root / ident
    return Store(root).install(ident, {**ENTRY, "key": key}, {
        "srt": (work / "final.srt", final.with_suffix(".srt")), "mp4": (work / "final.mp4", final.with_suffix(".mp4"))})


def test_an_installed_output_is_cached_under_its_own_key_only(tmp_path):
    entry = install(tmp_path)
    assert entry["files"]["mp4"] == {"path": "tiny/Scene.mp4", "bytes": 5,
                                     "sha256": hashlib.sha256(b"video").hexdigest()}
    assert list(entry["files"]) == ["srt", "mp4"]  # moved in this order: captions before the video
    assert Store(tmp_path).cached(FakeJob()) == entry
    assert Store(tmp_path).cached(FakeJob(key="k2")) is None
    assert Store(tmp_path).cached(FakeJob(manifest_id="tiny/Other")) is None


@pytest.mark.parametrize("damage", ["truncate", "empty", "same-size garbage", "delete", "folder"])
def test_damaged_files_are_not_cached(tmp_path, damage):
    install(tmp_path)
    mp4 = tmp_path / "tiny" / "Scene.mp4"
    if damage == "truncate":
        mp4.write_bytes(b"vid")
    elif damage == "empty":
        mp4.write_bytes(b"")
    elif damage == "same-size garbage":
        mp4.write_bytes(b"VIDEO")
    elif damage == "delete":
        mp4.unlink()
    else:
        mp4.unlink()
        mp4.mkdir()
    assert Store(tmp_path).cached(FakeJob()) is None


@pytest.mark.parametrize("text", [
    "not json", "[]", "null", "3", '{"outputs": []}', '{"outputs": {"tiny/Scene": "x"}}',
    '{"outputs": {"tiny/Scene": {}}}', '{"outputs": {"tiny/Scene": {"key": 1}}}', b"\x00\xff\xfe",
])
def test_any_manifest_shape_reads_as_no_outputs_with_one_warning(tmp_path, capsys, text):
    install(tmp_path)
    path = tmp_path / "manifest.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert Store(tmp_path).entries() == {}
    err = capsys.readouterr().err
    assert err.startswith("gdanim: warning: ") and len(err.strip().splitlines()) == 1
    install(tmp_path)  # the next install rebuilds it
    assert list(Store(tmp_path).entries()) == ["tiny/Scene"]


def test_a_folder_in_the_manifests_place_is_survived_and_replaced(tmp_path, capsys):
    (tmp_path / "manifest.json" / "inside").mkdir(parents=True)
    assert Store(tmp_path).entries() == {}
    install(tmp_path)
    assert json.loads((tmp_path / "manifest.json").read_text())["outputs"]["tiny/Scene"]["key"] == "k1"


@pytest.mark.parametrize("field, value", [
    ("key", 3), ("files", []), ("duration", "long"), ("frames", 2.5), ("frames", True), ("params", None),
    ("settings", "x"), ("scene", None),
])
def test_entries_of_the_wrong_types_are_dropped(tmp_path, field, value):
    entry = install(tmp_path)
    assert valid_entry(entry) and not valid_entry({**entry, field: value})


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.mp4", "tiny/../../x.mp4"])
def test_entries_pointing_outside_the_folder_are_dropped(tmp_path, path):
    entry = install(tmp_path)
    bad = {**entry, "files": {"mp4": {**entry["files"]["mp4"], "path": path}}}
    assert not valid_entry(bad)


def test_a_moved_or_copied_folder_checks_its_own_files(tmp_path):
    install(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    (tmp_path / "a" / "tiny" / "Scene.mp4").write_bytes(b"other")
    assert Store(tmp_path / "b").cached(FakeJob()) is not None
    assert Store(tmp_path / "a").cached(FakeJob()) is None


def _install_many(root: str, prefix: str, count: int) -> None:
    for i in range(count):
        install(Path(root), ident=f"tiny/{prefix}{i}", content=f"{prefix}{i}".encode())


def test_concurrent_writers_merge_their_entries(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_install_many, args=(str(tmp_path), p, 15)) for p in "AB"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert set(Store(tmp_path).entries()) == {f"tiny/{p}{i}" for p in "AB" for i in range(15)}
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
