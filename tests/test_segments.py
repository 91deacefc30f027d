"""Segmented renders (gdanim.segments): one scene cut at play boundaries, each segment rendered by
its own process, joined into frame for frame the video and cues of a serial render."""

import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from manim import RIGHT, Dot, FadeOut, Square, linear, tempconfig

from gdanim import render, segments
from gdanim.config import as_dict
from gdanim.render import Job, OutputSettings, run_job

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test scenes, also in spawned workers
from tests.scenes_for_tests.narrated import Narrated, NarratedParams  # noqa: E402

# plays of 0.3 s at 5 fps draw 2 frames (0.4 s): skip mode's clock would run 0.1 s behind per play
SHORT_PLAYS = NarratedParams(seconds=0.3)


@dataclasses.dataclass(frozen=True)
class SplitSettings(OutputSettings):
    """Output settings asking ``render._render_files`` for a segmented render."""

    segments: int = 1


def job_for(scene_cls, params, **settings) -> Job:
    return Job(scene_cls.__name__, as_dict(params), OutputSettings(quality="tiny", **settings))


def serial_lossless(scene_cls, params, job: Job, work: Path) -> tuple[bytes, list]:
    """A serial render's lossless intermediate (as render._render_files makes it), decoded, and its cues."""
    with tempconfig(render.drawing_config(job, work, work / "cache")):
        scene = scene_cls(params=params)
        render.add_extras(scene, scene_cls, job)
        scene.render()
        return decoded(scene.renderer.file_writer.movie_file_path), list(scene.cues)


def decoded(path) -> bytes:
    """Every frame of a video as raw rgb24 bytes, decoded by the bundled ffmpeg."""
    return subprocess.run([render.ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                           "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout


def pickled_in_process(function, specs):
    """A ``run`` as a remote backend sees it: specs and results cross a pickle, one process
    renders one segment after another (as a reused worker would), no folder is shared."""
    return [pickle.loads(pickle.dumps(function(pickle.loads(pickle.dumps(spec))))) for spec in specs]


def segmented(scene_cls, params, job: Job, count: int, work: Path, run=None):
    work.mkdir()
    return segments.render_segmented(scene_cls, params, job, count, work=work, cache=work / "cache", run=run)


# --- cutting ----------------------------------------------------------------------------------


def covered(cuts) -> list[int]:
    return [play for first, last in cuts for play in range(first, last + 1)]


@pytest.mark.parametrize("frames, count", [([10, 0, 3, 7, 0, 5, 15, 5], 3), ([30, 1, 1, 1, 1], 2),
                                           ([4] * 40, 4), ([2, 9, 0, 0, 7, 1, 3, 3, 8], 5)])
def test_cuts_cover_every_play_once_in_order_with_balanced_frames(frames, count):
    cuts = segments.cut_plays(frames, count)
    assert covered(cuts) == list(range(len(frames)))
    sizes = [sum(frames[first:last + 1]) for first, last in cuts]
    assert all(size > 0 for size in sizes) and len(cuts) <= count
    assert max(sizes) <= sum(frames) / count + max(frames)  # a cut is off by at most one play


def test_cuts_of_equal_plays_are_equal():
    assert segments.cut_plays([4] * 40, 4) == [(0, 9), (10, 19), (20, 29), (30, 39)]


def test_cuts_never_leave_a_segment_without_frames():
    assert segments.cut_plays([0, 0, 4, 0, 0], 3) == [(0, 4)]
    assert segments.cut_plays([5, 5], 4) == [(0, 0), (1, 1)]


# --- planning -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def serial_short(tmp_path_factory):
    """Narrated with plays that are no whole number of frames, end card on: decoded frames and cues."""
    job = job_for(Narrated, SHORT_PLAYS, end_card=True)
    return job, serial_lossless(Narrated, SHORT_PLAYS, job, tmp_path_factory.mktemp("serial"))


def test_planning_keeps_the_clock_of_a_drawn_render(serial_short, tmp_path):
    """Skipped plays advance the clock by whole frames, as drawn ones do: the plan's frame count
    and cue times are the serial render's (manim's skip mode alone starts the caption 0.1 s early)."""
    job, (frames, cues) = serial_short
    plan = segments.plan_scene(Narrated, SHORT_PLAYS, job, tmp_path / "cache")
    width, height = render.QUALITIES["tiny"]["pixel_width"], render.QUALITIES["tiny"]["pixel_height"]
    assert sum(plan.frames) == len(frames) // (width * height * 3)
    assert plan.cues == cues and plan.splittable
    assert plan.seconds == pytest.approx(sum(plan.frames) / 5)


class Drifting(Narrated):
    """A dot moved by its updater's dt: skip mode gives it one big dt, not a dt per frame."""

    def construct(self):
        self.add(Dot().add_updater(lambda m, dt: m.shift(dt * RIGHT)))
        super().construct()


def test_a_scene_with_time_based_updaters_is_not_split(tmp_path):
    plan = segments.plan_scene(Drifting, SHORT_PLAYS, job_for(Drifting, SHORT_PLAYS), tmp_path / "cache")
    assert not plan.splittable
    assert segments.plan_scene(Narrated, SHORT_PLAYS, job_for(Narrated, SHORT_PLAYS), tmp_path / "c2").splittable


# --- frame identity -------------------------------------------------------------------------


@pytest.mark.parametrize("run", [None, pickled_in_process], ids=["spawned processes", "pickled, one process"])
def test_segments_join_into_the_serial_frames_and_cues(serial_short, tmp_path, run):
    job, (frames, cues) = serial_short
    done = segmented(Narrated, SHORT_PLAYS, job, 3, tmp_path / "segments", run=run)
    assert len(done.cuts) == 3
    assert decoded(done.path) == frames
    assert done.cues == cues


class Vanishing(Narrated):
    """A square shown while the dot is in the scene: a drawn play's last updater call, after the
    FadeOut took the dot away, hides it for the still wait that follows."""

    def construct(self):
        dot = Dot()
        self.add(dot, Square().add_updater(lambda m: m.set_opacity(float(dot in self.mobjects))))
        self.play(FadeOut(dot), run_time=1, rate_func=linear)
        self.wait(1)


def test_skipped_plays_end_with_the_updaters_of_a_drawn_play(tmp_path):
    job = job_for(Vanishing, SHORT_PLAYS)
    frames, _ = serial_lossless(Vanishing, SHORT_PLAYS, job, tmp_path / "serial")
    done = segmented(Vanishing, SHORT_PLAYS, job, 2, tmp_path / "segments", run=pickled_in_process)
    assert done.cuts == [(0, 0), (1, 1)]
    assert decoded(done.path) == frames


def test_a_course_scene_splits_frame_identically(tmp_path):
    from scenes.l1_gradient_descent_3d import GradientDescent3D, Params

    params = Params(steps=12)
    job = job_for(GradientDescent3D, params)
    frames, cues = serial_lossless(GradientDescent3D, params, job, tmp_path / "serial")
    done = segmented(GradientDescent3D, params, job, 2, tmp_path / "segments")
    assert len(done.cuts) == 2 and done.frames > 100
    assert decoded(done.path) == frames
    assert done.cues == cues


def test_render_jobs_split_when_their_settings_ask(tmp_path, monkeypatch):
    """run_job's outputs (MP4 frames, subtitles) are the same with or without segments."""
    calls, render_segmented = [], segments.render_segmented
    monkeypatch.setattr(segments, "render_segmented", lambda *a, **k: calls.append(a) or render_segmented(*a, **k))
    outputs = {}
    for count in (1, 2):
        settings = SplitSettings(quality="tiny", out_dir=tmp_path / str(count), segments=count)
        result = run_job(Job("Narrated", as_dict(SHORT_PLAYS), settings), scene_cls=Narrated,
                         params_obj=SHORT_PLAYS, raise_errors=True)
        outputs[count] = result.files
    assert len(calls) == 1
    assert decoded(outputs[1]["mp4"]) == decoded(outputs[2]["mp4"])
    assert outputs[1]["srt"].read_text() == outputs[2]["srt"].read_text()

