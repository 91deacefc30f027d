"""One PNG frame of a scene at a time or optimizer step, without rendering the video.

The scene runs in manim's skip mode (no frames drawn); the play that contains the requested
time is advanced to exactly that moment, the scene ends there, and that frame is drawn.
``--step K`` first finds when the scene's step tracker reaches K, in a dry pass.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import types
from pathlib import Path

from gdanim.render import QUALITIES, SKIP_EVERY_PLAY


def _watch_plays(scene, on_play) -> None:
    """Call ``on_play(start, end)`` before each skipped play; it may end the scene."""
    original = scene.play_internal

    def play_internal(self, skip_rendering=False):
        end = self.renderer.time  # skip mode already counted this play's duration
        if on_play(end - self.duration, end) is False:
            return None
        return original(skip_rendering)

    scene.play_internal = types.MethodType(play_internal, scene)


def step_time(scene_cls, params, step: float) -> float:
    """Seconds into the video at which ``scene.step_tracker`` first reaches ``step``."""
    from manim import tempconfig

    found: list[float] = []
    with tempconfig({**SKIP_EVERY_PLAY, "verbosity": "ERROR", "progress_bar": "none",
                     "media_dir": tempfile.mkdtemp(prefix="gdanim-preview-")}):
        scene = scene_cls(params=params)
        tracker = scene.step_tracker

        def on_play(start, end):
            before = tracker.get_value()
            scene._step_before = (start, end, before)

        original_update = scene.update_to_time

        def update_to_time(self, t):
            original_update(t)
            start, end, before = self._step_before
            after = tracker.get_value()
            if not found and before < step <= after:
                found.append(start + (step - before) / (after - before) * (end - start))

        scene.update_to_time = types.MethodType(update_to_time, scene)
        _watch_plays(scene, on_play)
        scene.render()
    if not found:
        reached = tracker.get_value()
        raise ValueError(f"{scene_cls.__name__} never reaches step {step:g} (its tracker ends at "
                         f"{reached:g}); pick a smaller --step or use --time")
    return found[0]


def preview_frame(scene_cls, params, *, at_time: float | None = None, step: float | None = None,
                  quality: str = "low", out_dir: Path = Path("media")) -> Path:
    """Write ``out_dir/preview/<Scene>-t<seconds>.png`` and return its path."""
    from manim import tempconfig
    from manim.utils.exceptions import EndSceneEarlyException

    if step is not None:
        at_time = step_time(scene_cls, params, step)
    at_time = 1e9 if at_time is None else float(at_time)
    target_dir = Path(out_dir) / "preview"
    target_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".preview-", dir=target_dir))
    try:
        settings = {**QUALITIES[quality], "media_dir": str(work), "write_to_movie": False,
                    "save_last_frame": True, "format": "png", "verbosity": "ERROR",
                    "progress_bar": "none", "disable_caching": True, "output_file": scene_cls.__name__}
        with tempconfig(settings):
            scene = scene_cls(params=params)
            done = []

            def on_play(start, end):
                if done:
                    return False  # after the stop (e.g. tear_down's waits): change nothing
                if end >= at_time:
                    scene.update_to_time(max(at_time - start, 0.0))
                    done.append(True)
                    raise EndSceneEarlyException()
                return None

            _watch_plays(scene, on_play)
            scene.render()
            png = Path(scene.renderer.file_writer.image_file_path)
        label = "end" if at_time >= 1e9 else f"t{at_time:.2f}"
        final = target_dir / f"{scene_cls.__name__}-{label}.png"
        os.replace(png, final)
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)
