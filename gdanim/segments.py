"""Render one scene in N segments, one process each, cut at play boundaries (issue 12, part 1).

A planning run plays the whole scene in manim's skip mode (no frame drawn) and counts the frames
every play will write; the plays are cut into N runs of about equal frame counts. Each segment is
a render with ``from_animation_number``/``upto_animation_number``: it plays the scene's logic up to
its first play without drawing, draws its own plays, and stops. manim encodes every play on its
own, so the segments' plays are the serial render's plays: joined in order (ffmpeg's concat
demuxer, stream copy) they make the same video as a serial render, frame for frame.

Skip mode alone does not reproduce a serial render's state: a skipped play advances the clock by
its exact run time, a drawn one by whole frames, and scenes time their beats by the clock
(``LessonScene.now``), so the clock is advanced as drawing would (``frame_clock``). Scenes with
time-based updaters, or waits with a stop condition, depend on every frame's dt: they are not
split (one segment renders them whole).

``render_segmented(..., run=...)``: ``run(render_segment, specs)`` renders the specs anywhere
(default: ``LocalProcesses``, a local spawn process pool; ``gdanim.cluster.DaskSegments``, a Dask
cluster) and yields their ``SegmentResult``s as they finish; specs, function and results are
picklable and results carry the video as bytes, so no shared filesystem is assumed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gdanim import render
from gdanim.lifetime import become_worker
from gdanim.render import SKIP_EVERY_PLAY, Job, drawing_config


# --- the clock of skipped plays ----------------------------------------------------------


def frame_clock(scene, frames: list[int]) -> None:
    """Make skipped plays end as drawn ones do: the clock advanced by whole frames, the updaters
    run once more; draw nothing while skipping; append each play's frame count to ``frames``.

    A drawn animation writes a frame per step of ``arange(0, run_time, 1/fps)``, each adding dt to
    the clock; a still wait writes ``int(run_time / dt)`` copies of one frame at once. Skip mode
    adds the run time instead, so a beat timed by the clock would last other frames in a segment
    than in a serial render. The same additions, in the same order, give the same float."""
    renderer = scene.renderer
    play, update_frame = renderer.play, renderer.update_frame

    def counted_play(scene, *args, **kwargs):
        start = renderer.time
        play(scene, *args, **kwargs)
        if renderer.skip_animations:
            renderer.time = start
            frames.append(advance_as_drawn(renderer, scene))
            scene.update_mobjects(0)  # a drawn play's last step, after its animations clean up
        else:
            frames.append(drawn_frames(renderer, scene))

    renderer.play = counted_play
    renderer.update_frame = lambda *a, **k: None if renderer.skip_animations else update_frame(*a, **k)


def drawn_frames(renderer, scene) -> int:
    """Frames a drawn play writes (see ``frame_clock``)."""
    from manim import config

    if scene.is_current_animation_frozen_frame():
        return int(scene.duration / (1 / renderer.camera.frame_rate))
    return len(np.arange(0, scene.duration, 1 / config["frame_rate"]))


def advance_as_drawn(renderer, scene) -> int:
    """Advance the clock of a skipped play as drawing it would have; returns its frame count."""
    count = drawn_frames(renderer, scene)
    dt = 1 / renderer.camera.frame_rate
    if scene.is_current_animation_frozen_frame():
        renderer.time += count * dt
    else:
        for _ in range(count):
            renderer.time += 1 * dt
    return count


def frame_exact(scene) -> bool:
    """Whether a skipped play reaches the state its drawn frames would: not so when updaters read
    each frame's dt, or when a wait stops on a condition checked every frame."""
    return not (scene.updaters or getattr(scene, "stop_condition", None) is not None
                or any(m.has_time_based_updater() for m in scene.get_mobject_family_members()))


# --- planning and cutting -----------------------------------------------------------------


@dataclass
class Plan:
    """What a skip-mode run of the whole scene learnt: each play's frame count, the cues, the
    scene's voice (if any), whether skipping reproduces every play's end state, the video's length."""

    frames: list[int]
    cues: list
    voice: object = None
    splittable: bool = True
    seconds: float = 0.0


def plan_scene(scene_cls, params_obj, job: Job, cache: Path) -> Plan:
    """Play the whole scene in skip mode, with the clock of a drawn render."""
    from manim import tempconfig

    frames: list[int] = []
    with tempfile.TemporaryDirectory(prefix="gdanim-plan-") as work, \
            tempconfig({**drawing_config(job, Path(work), cache), **SKIP_EVERY_PLAY, "write_to_movie": False}):
        scene, voice = build_scene(scene_cls, params_obj, job)
        frame_clock(scene, frames)
        exact = watch_exactness(scene)
        scene.render()
    return Plan(frames, list(scene.cues), voice, all(exact), scene.renderer.time)


def watch_exactness(scene) -> list[bool]:
    """A list that gets, per play, whether skipping it is frame exact (``frame_exact``)."""
    exact: list[bool] = []
    renderer = scene.renderer
    play = renderer.play

    def watched_play(scene, *args, **kwargs):
        play(scene, *args, **kwargs)
        exact.append(frame_exact(scene))

    renderer.play = watched_play
    return exact


def cut_plays(frames: list[int], segments: int) -> list[tuple[int, int]]:
    """Split plays ``0..n-1`` into at most ``segments`` runs ``(first, last)`` of about equal
    frame counts: each cut is the play boundary nearest to k/segments of all frames. Runs
    without a frame are merged away (nothing to draw, nothing to join)."""
    ends = np.cumsum(frames)
    targets = ends[-1] * np.arange(1, segments) / segments
    cuts = [int(np.abs(ends - t).argmin()) for t in targets]  # last play before each cut
    bounds = sorted({int(ends[c]): c for c in cuts if 0 < ends[c] < ends[-1]}.values()) + [len(frames) - 1]
    return [(first, last) for first, last in zip([0] + [b + 1 for b in bounds[:-1]], bounds)]


# --- one segment --------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentSpec:
    """A segment to render: plays ``first..last`` (``last`` -1: to the end) of ``job``'s scene.
    ``cache``: the TeX and text drawings the scene made, by relative path, to start from."""

    scene_cls: type
    params_obj: object
    job: Job
    index: int
    first: int
    last: int
    frames: int
    cache: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class SegmentResult:
    index: int
    frames: int
    video: bytes = field(repr=False)  # the segment, an MP4 encoded as render.drawing_config says


_ONE_AT_A_TIME = threading.Lock()  # manim's config is global to a process: one scene per process


def render_segment(spec: SegmentSpec) -> SegmentResult:
    """Render ``spec``'s plays in a private folder; returns the video's bytes. Segments sent to
    one process (a Dask worker with several threads) render one after another."""
    with _ONE_AT_A_TIME:
        return _render_segment(spec)


def _render_segment(spec: SegmentSpec) -> SegmentResult:
    from manim import tempconfig

    with tempfile.TemporaryDirectory(prefix=f"gdanim-segment-{spec.index}-") as work:
        cache = unpack(spec.cache, Path(work) / "cache")
        plays = {"from_animation_number": spec.first, "upto_animation_number": spec.last}
        with tempconfig({**drawing_config(spec.job, Path(work), cache), **plays}):
            scene, _ = build_scene(spec.scene_cls, spec.params_obj, spec.job)
            frame_clock(scene, [])
            stop_quietly_after(scene)
            scene.render()
            video = Path(scene.renderer.file_writer.movie_file_path)
        frames = frame_count(video)
        if frames != spec.frames:
            raise RuntimeError(f"segment {spec.index} (plays {spec.first}..{spec.last}) has {frames} frames, "
                               f"planned {spec.frames}")
        return SegmentResult(spec.index, frames, video.read_bytes())


def snapshot(folder: Path) -> dict[str, bytes]:
    """The files under ``folder`` by relative path: a scene's TeX and text drawings (some
    hundred kB) travel with each segment, to workers that may not share this filesystem."""
    files = folder.rglob("*") if folder.is_dir() else []
    return {str(path.relative_to(folder)): path.read_bytes() for path in files
            if path.is_file() and path.suffix != ".lock"}


def unpack(files: dict[str, bytes], folder: Path) -> Path:
    """Write a ``snapshot`` into ``folder``; returns it."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def build_scene(scene_cls, params_obj, job: Job):
    """The scene with the caption mode, voice and end card ``job`` asks for; returns (scene, voice)."""
    scene = scene_cls(params=params_obj)
    return scene, render.add_extras(scene, scene_cls, job)


def stop_quietly_after(scene) -> None:
    """manim ends a scene at ``upto_animation_number`` by raising from the next play, but then
    runs ``tear_down``, whose plays (an end card) raise again, past manim: end there too."""
    from manim.utils.exceptions import EndSceneEarlyException

    tear_down = scene.tear_down

    def guarded_tear_down():
        try:
            tear_down()
        except EndSceneEarlyException:
            pass

    scene.tear_down = guarded_tear_down


# --- all segments ---------------------------------------------------------------------------


class LocalProcesses:
    """The default ``run``: a pool of spawned processes on this machine. They start, and import
    manim, as soon as the pool is made: while the parent plans the cuts."""

    def __init__(self, workers: int):
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=become_worker, initargs=(os.getpid(),))
        for _ in range(workers):  # a spawn pool starts a process per task waiting
            self.pool.submit(_import_renderer)

    def __call__(self, function, specs: list[SegmentSpec]):
        yield from (future.result() for future in as_completed([self.pool.submit(function, s) for s in specs]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.pool.shutdown(cancel_futures=True)


def _import_renderer() -> None:
    import manim  # noqa: F401


@dataclass
class Segmented:
    """A segmented render's video, its frames and seconds, its cues and voice (from the
    planning run), and the plays each segment drew."""

    path: Path
    frames: int
    seconds: float
    cues: list
    voice: object
    cuts: list[tuple[int, int]]


def render_segmented(scene_cls, params_obj, job: Job, segments: int, *, work: Path, cache: Path,
                     run=None, progress=None) -> Segmented:
    """Render ``job``'s scene in up to ``segments`` processes into ``work/joined.mp4``, the same
    frames as a serial render. ``cache`` (TeX and text drawings) is filled by the
    planning run; each segment gets a copy. ``run(render_segment, specs)`` yields the
    specs' results (default: ``LocalProcesses``). ``progress(seconds)``: video seconds done so far."""
    with LocalProcesses(segments) if run is None else contextlib.nullcontext(run) as run:
        plan = plan_scene(scene_cls, params_obj, job, cache)
        cuts = cut_plays(plan.frames, segments if plan.splittable else 1)
        drawings = snapshot(cache)
        specs = [SegmentSpec(scene_cls, params_obj, job, k, first, -1 if last == cuts[-1][1] else last,
                             sum(plan.frames[first:last + 1]), drawings)
                 for k, (first, last) in enumerate(cuts)]
        results = []
        for result in run(render_segment, specs):
            results.append(result)
            if progress is not None:
                progress(plan.seconds * sum(r.frames for r in results) / sum(plan.frames))
        results.sort(key=lambda r: r.index)
    joined = join_videos([r.video for r in results], Path(work))
    frames = frame_count(joined)
    if frames != sum(plan.frames):
        raise RuntimeError(f"joined segments have {frames} frames, planned {sum(plan.frames)}")
    return Segmented(joined, frames, plan.seconds, plan.cues, plan.voice, cuts)


def frame_count(video: Path) -> int:
    """Frames in an MP4, from its index (PyAV, a manim dependency): no decoding."""
    import av

    with av.open(str(video)) as container:
        return container.streams.video[0].frames


def join_videos(videos: list[bytes], work: Path) -> Path:
    """Write the segments into ``work`` and join them in order, packets copied, into one MP4."""
    names = [f"segment-{k:03d}.mp4" for k in range(len(videos))]
    for name, video in zip(names, videos):
        (work / name).write_bytes(video)
    (work / "segments.txt").write_text("".join(f"file '{name}'\n" for name in names))
    render.run_ffmpeg("-f", "concat", "-safe", "0", "-i", "segments.txt", "-c", "copy", "joined.mp4", cwd=work)
    return work / "joined.mp4"
