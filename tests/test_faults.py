"""Faults injected into the render pipeline: crashes at every commit step, kills, concurrent runs,
damaged outputs, manifests and caches. After each, a run must serve only correct files.

"Correct" is checked against reference renders of the same params in a clean folder: the files
gdanim serves (cached or re-rendered) must be byte-identical to them.
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import ENV, ROOT, gdanim, manifest, render

CRASH_POINTS = ["before-record", "manifest-written", "before-move-srt", "before-move-vtt",
                "before-move-mp4", "installed"]
SHORT, LONG = "DotA.seconds=0.6", "DotA.seconds=1.0"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(out: Path) -> dict:
    return {p.name: digest(p) for p in sorted((out / "tiny").glob("DotA.*"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The files of each params set, rendered once in a clean folder."""
    refs = {}
    for setting in (SHORT, LONG):
        out = tmp_path_factory.mktemp("ref")
        render(out, "DotA", "--set", setting)
        refs[setting] = outputs(out)
    assert refs[SHORT]["DotA.mp4"] != refs[LONG]["DotA.mp4"]
    return refs


def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start(out, *args, env=None):
    return subprocess.Popen([sys.executable, "-m", "gdanim", "render", "--quality", "tiny", "--out", str(out), *args],
                            cwd=ROOT, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_crash_at_any_install_step_never_serves_wrong_files(tmp_path, reference, point):
    out = tmp_path / "media"
    render(out, "DotA", "--set", LONG)
    crashed = gdanim("render", "--quality", "tiny", "--out", str(out), "DotA", "--set", SHORT,
                     env_extra={"GDANIM_CRASH_AT": point})
    assert crashed.returncode == 1 and "worker died" in crashed.stderr
    # whatever the crash left, each params set now gets exactly its own files
    for setting in (LONG, SHORT):
        render(out, "DotA", "--set", setting)
        assert outputs(out) == reference[setting], f"after a crash at {point}, {setting}"
    assert not any((out / ".work").iterdir())


def test_a_full_disk_while_writing_the_manifest_keeps_the_previous_output(tmp_path, reference):
    out = tmp_path / "media"
    render(out, "DotA", "--set", LONG)
    failed = gdanim("render", "--quality", "tiny", "--out", str(out), "DotA", "--set", SHORT,
                    env_extra={"GDANIM_CRASH_AT": "manifest-written:disk-full"})
    assert failed.returncode == 1 and "No space left" in failed.stderr
    assert "cached" in render(out, "DotA", "--set", LONG).stdout and outputs(out) == reference[LONG]
    render(out, "DotA", "--set", SHORT)
    assert outputs(out) == reference[SHORT]


def test_killing_only_the_parent_takes_its_workers_along(tmp_path):
    out = tmp_path / "media"
    proc = start(out, "DotA", "DotB", "--jobs", "2", "--set", "DotA.seconds=60", "--set", "DotB.seconds=60")
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / ".work").glob("Dot*"))) < 2:
        time.sleep(0.2)
    workers = children(proc.pid)
    assert workers, "no worker started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)
    assert not (out / "tiny" / "DotA.mp4").exists() and "tiny/DotA" not in (
        manifest(out) if (out / "manifest.json").exists() else {})
    render(out, "DotA")  # the next run removes the dead folders and renders
    assert not any((out / ".work").iterdir())


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    out = tmp_path / "media"
    proc = start(out, "DotA", "--set", "DotA.seconds=60")
    deadline = time.time() + 60
    while time.time() < deadline and not any((out / ".work").glob("DotA-*/**/*.mp4")):
        time.sleep(0.2)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode != 0 and "leaked" not in stderr and "Traceback" not in stderr, stderr
    time.sleep(1)
    assert not any(alive(pid) for pid in workers)
    assert not any((out / ".work").iterdir())  # the worker removed its own folder


def test_concurrent_runs_into_one_folder_keep_every_entry(tmp_path):
    out = tmp_path / "media"
    procs = [start(out, "DotA"), start(out, "DotB")]
    for p in procs:
        p.communicate(timeout=120)
        assert p.returncode == 0
    assert set(manifest(out)) == {"tiny/DotA", "tiny/DotB"}


def test_the_same_scene_requested_twice_at_once_renders_once(tmp_path):
    out = tmp_path / "media"
    procs = [start(out, "DotA"), start(out, "DotA")]
    stdouts = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    statuses = sorted("rendered" if "rendered" in s else "cached" for s in stdouts)
    assert statuses == ["cached", "rendered"], stdouts
    done = render(out, "DotA", "DotA")  # listed twice in one run: one job
    assert done.stdout.count("cached") == 2  # one row per request, both served by one entry


def test_a_damaged_output_is_rendered_again(tmp_path, reference):
    # (every kind of damage and manifest shape: tests/test_store.py)
    out = tmp_path / "media"
    render(out, "DotA", "--set", LONG)
    mp4 = out / "tiny" / "DotA.mp4"
    mp4.write_bytes(os.urandom(mp4.stat().st_size))  # same size: only the checksum tells
    done = render(out, "DotA", "--set", LONG)
    assert "rendered" in done.stdout and outputs(out) == reference[LONG]


def test_a_manifest_of_the_wrong_shape_is_survived_and_rebuilt(tmp_path, reference):
    out = tmp_path / "media"
    render(out, "DotA", "--set", LONG)
    (out / "manifest.json").write_text('{"outputs": {"tiny/DotA": "x"}}')
    done = render(out, "DotA", "--set", LONG)
    assert "warning" in done.stderr and "Traceback" not in done.stderr
    assert outputs(out) == reference[LONG] and "tiny/DotA" in manifest(out)


def test_a_manifest_entry_pointing_outside_the_folder_is_not_trusted(tmp_path, reference):
    out = tmp_path / "media"
    render(out, "DotA", "--set", LONG)
    data = json.loads((out / "manifest.json").read_text())
    data["outputs"]["tiny/DotA"]["files"]["mp4"]["path"] = "../elsewhere.mp4"
    (out / "manifest.json").write_text(json.dumps(data))
    done = render(out, "DotA", "--set", LONG)
    assert "rendered" in done.stdout and outputs(out) == reference[LONG]


def test_a_copied_media_folder_checks_its_own_files(tmp_path, reference):
    out, copy = tmp_path / "media", tmp_path / "copy"
    render(out, "DotA", "--set", LONG)
    shutil.copytree(out, copy)
    shutil.rmtree(out)
    assert "cached" in render(copy, "DotA", "--set", LONG).stdout
    assert outputs(copy) == reference[LONG]


def test_a_half_written_text_cache_file_heals(tmp_path, reference):
    out = tmp_path / "media"
    render(out, "DotA", "--set", LONG)
    (svg,) = (out / ".cache" / "DotA" / "texts").glob("*.svg")
    svg.write_text("<svg><g>")  # what a kill mid-write leaves
    render(out, "DotA", "--set", LONG, "--force")
    assert outputs(out) == reference[LONG] and svg.read_text().rstrip().endswith("</svg>")


def test_a_failed_run_leaves_no_empty_folders(tmp_path):
    out = tmp_path / "media"
    render(out, "Broken", check=1)
    assert not (out / "tiny").exists() and not (out / ".work").exists()
