"""Rendering on a Dask cluster (gdanim.cluster): a real LocalCluster of 2 worker processes on
loopback renders a course scene through `gdanim render --scheduler`, frame for frame the serial
video; an unreachable scheduler or a worker with other code is refused in one line."""

import sys

import pytest

from gdanim import cluster, render

distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from tests.test_cli import gdanim, manifest  # noqa: E402
from tests.test_segments import decoded  # noqa: E402

SCENE = ["GradientDescent3D", "--quality", "tiny", "--set", "GradientDescent3D.steps=12"]


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local.scheduler_address


def test_a_scene_renders_on_the_cluster_as_it_does_serially(scheduler, tmp_path):
    gdanim("render", *SCENE, "--out", str(tmp_path / "serial"), check=0)
    done = gdanim("render", *SCENE, "--out", str(tmp_path / "dask"), "--scheduler", scheduler, check=0)
    assert "rendered" in done.stdout
    (serial,), (dask,) = manifest(tmp_path / "serial").values(), manifest(tmp_path / "dask").values()
    assert dask["key"] == serial["key"] and dask["frames"] == serial["frames"] > 50
    for fmt in ("mp4", "srt"):
        a, b = tmp_path / "serial" / serial["files"][fmt]["path"], tmp_path / "dask" / dask["files"][fmt]["path"]
        assert (decoded(a) == decoded(b)) if fmt == "mp4" else (a.read_text() == b.read_text())


def test_the_workers_are_counted_and_checked(scheduler, monkeypatch):
    assert cluster.check_cluster(scheduler) == 2
    monkeypatch.setattr(render, "__version__", "0.0.1")  # this process differs from its workers
    with pytest.raises(cluster.ClusterError, match=r"runs gdanim .*, this machine 0\.0\.1: install the same"):
        cluster.check_cluster(scheduler)


def test_the_scheduler_is_checked_too(scheduler, monkeypatch):
    """The scheduler unpickles every task: without gdanim (or with another one) it cannot."""
    real = cluster.installed()
    monkeypatch.setattr(distributed.Client, "run_on_scheduler", lambda self, f: {**real, "manim": "0.1"})
    with pytest.raises(cluster.ClusterError, match=r"scheduler at .* runs manim 0\.1, this machine "):
        cluster.check_cluster(scheduler)

    def cannot_import(self, f):
        raise ModuleNotFoundError("No module named 'gdanim'")

    monkeypatch.setattr(distributed.Client, "run_on_scheduler", cannot_import)
    with pytest.raises(cluster.ClusterError, match=r"cannot run gdanim \(ModuleNotFoundError\): start `dask sch"):
        cluster.check_cluster(scheduler)


def test_a_task_the_cluster_cannot_load_is_one_line_naming_the_fix():
    dask_message = ("Error during deserialization of the task graph. This frequently\n"
                    "occurs if the Scheduler and Client have different environments.")
    assert cluster.unloadable(RuntimeError(dask_message)).startswith("the Dask cluster cannot load this scene")
    assert "\n" not in cluster.unloadable(RuntimeError(dask_message))
    assert cluster.unloadable(RuntimeError("ffmpeg failed: x")) == "ffmpeg failed: x"


def test_an_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "media"
    done = gdanim("render", *SCENE, "--out", str(out), "--scheduler", "tcp://127.0.0.1:9", check=2)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not out.exists()
