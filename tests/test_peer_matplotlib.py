"""scripts/peer_matplotlib.py, the benchmark's matplotlib peer: it must write what gdanim writes
(1280x720 H.264 yuv420p, the asked number of frames) and draw the lesson's own run, or the fps
ratio in scripts/bench_render.py --peer compares different work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")  # the `bench` extra

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))
import peer_matplotlib as peer  # noqa: E402

from gdanim.lessons.gradient_descent_3d import Params, plan  # noqa: E402
from gdanim.render import ffmpeg_exe, frame_size, probe  # noqa: E402


def test_timeline_gives_every_caption_frames_and_ends_on_the_last():
    captions = ["a title", "a much longer caption, read for longer", "x", "the takeaway"]
    starts = peer.timeline(captions, 1082)
    assert starts[0] == 0 and starts[-1] == 1082
    assert np.all(np.diff(starts) >= 1)
    assert np.argmax(np.diff(starts)) == 1  # the longest caption stays longest


def test_step_holds_before_the_descent_and_ends_on_the_shown_step():
    steps = [peer.step_at(f, 100, 400, 33) for f in range(0, 500, 10)]
    assert steps[0] == 0.0 and steps[-1] == 33.0
    assert np.all(np.diff(steps) >= 0)


def test_ball_ends_where_the_engine_run_is_shown_to_end():
    run = plan(Params()).runs
    frames = 90
    fig, animation = peer.build(frames)
    trail, ball, hud, _ = animation._func(frames - 1)
    x, y, _ = ball.get_data_3d()
    assert np.allclose([x[0], y[0]], run.traj.positions[0, run.shown])
    assert hud.get_text().startswith(f"step     {run.shown}\n")
    assert len(trail.get_data_3d()[0]) == run.shown * peer.SUBSTEPS + 1
    animation._draw_was_started = True  # built to inspect, not to save: no warning


def test_writes_the_asked_frames_as_gdanim_medium_does(tmp_path):
    first, copy = tmp_path / "peer.mp4", tmp_path / "like.mp4"
    subprocess.run([sys.executable, str(SCRIPTS / "peer_matplotlib.py"), "--frames", "4", "--out", str(first)],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, str(SCRIPTS / "peer_matplotlib.py"), "--like", str(first), "--out", str(copy)],
                   check=True, capture_output=True)
    assert probe(first)[0] == probe(copy)[0] == 4
    assert frame_size(first) == (1280, 720)
    info = subprocess.run([ffmpeg_exe(), "-i", str(first)], capture_output=True, text=True).stderr
    assert "h264" in info and "yuv420p" in info and "30 fps" in info
