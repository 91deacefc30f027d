"""Frame comparisons for the visual kit, at tiny resolution against committed control frames.

Each test builds a still composition, renders its last frame at 256x144 and compares it
with tests/controls/<name>.npz. A failure writes the new frame and a diff image next to the
test's tmp folder. After a deliberate visual change, regenerate the controls with:

    GDANIM_SET_CONTROLS=1 .venv/bin/python -m pytest tests/test_frames.py

and look at the PNGs it writes to tests/controls/ before committing them.
"""

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

manim = pytest.importorskip("manim")
from manim import DEGREES, LEFT, RIGHT, UL, UR, tempconfig  # noqa: E402

from gdanim.engine import simulate  # noqa: E402
from gdanim.visual import (  # noqa: E402
    HUD, THEME, Caption, ContourMap, EquationCard, LessonScene, LossCurve, LossSurface, StepArrow,
    TrajectoryTracer, optimizer_color,
)

CONTROLS = Path(__file__).parent / "controls"
SETTING = os.environ.get("GDANIM_SET_CONTROLS") == "1"


class Still(LessonScene):
    """Runs ``compose(scene)`` and keeps the result as the last frame."""

    Params = dict
    compose = None

    def construct(self):
        type(self).compose(self)


def render_still(compose) -> np.ndarray:
    scene_cls = type("StillScene", (Still,), {"compose": staticmethod(compose)})
    with tempconfig({"pixel_width": 256, "pixel_height": 144, "frame_rate": 5, "write_to_movie": False,
                     "save_last_frame": True, "media_dir": tempfile.mkdtemp(), "verbosity": "ERROR",
                     "progress_bar": "none", "disable_caching": True}):
        scene = scene_cls(params={})
        scene.render()
        return np.asarray(scene.renderer.get_frame())[..., :3].copy()


def check(name: str, frame: np.ndarray, tmp_path: Path) -> None:
    control = CONTROLS / f"{name}.npz"
    if SETTING:
        CONTROLS.mkdir(exist_ok=True)
        np.savez_compressed(control, frame=frame)
        Image.fromarray(frame).save(CONTROLS / f"{name}.png")
        pytest.skip(f"wrote control {control}")
    expected = np.load(control)["frame"]
    assert frame.shape == expected.shape
    diff = np.abs(frame.astype(int) - expected.astype(int))
    changed = (diff.max(axis=-1) > 40).mean()
    if changed > 0.002 or diff.mean() > 1.0:
        Image.fromarray(frame).save(tmp_path / f"{name}-new.png")
        Image.fromarray((diff * 4).clip(0, 255).astype(np.uint8)).save(tmp_path / f"{name}-diff.png")
        pytest.fail(f"{name}: {changed:.2%} of pixels changed (mean diff {diff.mean():.2f}); "
                    f"see {tmp_path}")


@pytest.fixture(scope="module")
def race():
    return simulate("rosenbrock", "adam", [(-1.5, 2.0), (-0.5, 2.5)], 120, lr=np.array([0.05, 0.02]))


def test_contour_map_with_tracers_and_arrow(race, tmp_path):
    def compose(scene):
        stage = ContourMap(race.landscape, width=4.0).shift(LEFT * 2)
        scene.add(stage)
        scene.step_tracker.set_value(40)
        tracers = [TrajectoryTracer(stage, race, i, scene.step_tracker, color=c)
                   for i, c in enumerate([optimizer_color("adam"), optimizer_color("rmsprop")])]
        scene.add_tracers(*tracers)
        scene.add(StepArrow(stage, race, 0, scene.step_tracker, vector="velocity",
                            color=THEME.role_colors["velocity"]))
        scene.add(LossCurve(race, [0, 1], scene.step_tracker,
                            [optimizer_color("adam"), optimizer_color("rmsprop")], width=3, height=2)
                  .shift(RIGHT * 3.5))
        scene.update_mobjects(0)

    check("contour_tracers_arrow", render_still(compose), tmp_path)


def test_surface_with_tracer_from_above(tmp_path):
    traj = simulate("himmelblau", "gd", [(0.0, 0.0), (-1.0, -1.0)], 60, lr=0.01)

    def compose(scene):
        scene.set_camera_orientation(phi=55 * DEGREES, theta=-60 * DEGREES)
        surface = LossSurface(traj.landscape, resolution=12, width=5.0)
        scene.add(surface)
        scene.step_tracker.set_value(60)
        scene.add_tracers(*[TrajectoryTracer(surface, traj, i, scene.step_tracker, color=c)
                            for i, c in enumerate([optimizer_color("gd"), optimizer_color("momentum")])])
        scene.update_mobjects(0)

    check("surface_tracers", render_still(compose), tmp_path)


def test_overlays_hud_equation_caption(race, tmp_path):
    def compose(scene):
        scene.step_tracker.set_value(12)
        scene.add(HUD(race, 0, scene.step_tracker, title="adam  lr=0.05", corner=UL))
        scene.add(EquationCard.for_optimizer("adam").to_corner(UR))
        scene.add(Caption("Captions sit at the bottom, on a panel, at most two lines long."))
        scene.update_mobjects(0)

    check("overlays", render_still(compose), tmp_path)
