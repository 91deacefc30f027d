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
from manim import DEGREES, LEFT, RIGHT, UL, UR, config, tempconfig  # noqa: E402

from gdanim.engine import simulate, simulate_each  # noqa: E402
from gdanim.lessons.adaptive_learning_rates import shown_values  # noqa: E402
from gdanim.visual import (  # noqa: E402
    HUD, THEME, Caption, ContourMap, EquationCard, LessonScene, LossCurve, LossSurface, StepArrow,
    TrajectoryTracer, optimizer_color,
)
from gdanim.display import ball_trajectory  # noqa: E402
from gdanim.visual.criteria_panel import CriteriaPanel  # noqa: E402
from gdanim.visual.end_card import EndCard  # noqa: E402
from gdanim.visual.leaderboard import Leaderboard  # noqa: E402
from gdanim.visual.lookahead import LookaheadGhost  # noqa: E402
from gdanim.visual.regression_plot import RegressionPlot  # noqa: E402
from gdanim.visual.step_bars import HistoryMarker, StepBars, StepHistory  # noqa: E402

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


def fill_frame(mobject, margin: float = 0.3):
    """Scale ``mobject`` to fill the frame (its text stays legible at 256x144) and centre it.

    Panels that redraw their glyphs at each refresh only redraw when the integer step changes,
    so set the step tracker before building them and do not move it afterwards.
    """
    mobject.scale(min((config.frame_width - 2 * margin) / mobject.width,
                      (config.frame_height - 2 * margin) / mobject.height))
    return mobject.move_to([0, 0, 0])


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


def compose_surface_with_tracers(scene):
    """Himmelblau from above at 55°, two GD runs after 60 steps (also tests/test_camera.py's still)."""
    traj = simulate("himmelblau", "gd", [(0.0, 0.0), (-1.0, -1.0)], 60, lr=0.01)
    scene.set_camera_orientation(phi=55 * DEGREES, theta=-60 * DEGREES)
    surface = LossSurface(traj.landscape, resolution=12, width=5.0)
    scene.add(surface)
    scene.step_tracker.set_value(60)
    scene.add_tracers(*[TrajectoryTracer(surface, traj, i, scene.step_tracker, color=c)
                        for i, c in enumerate([optimizer_color("gd"), optimizer_color("momentum")])])
    scene.update_mobjects(0)


def test_surface_with_tracer_from_above(tmp_path):
    check("surface_tracers", render_still(compose_surface_with_tracers), tmp_path)


def test_overlays_hud_equation_caption(race, tmp_path):
    def compose(scene):
        scene.step_tracker.set_value(12)
        scene.add(HUD(race, 0, scene.step_tracker, title="adam  lr=0.05", corner=UL))
        scene.add(EquationCard.for_optimizer("adam").to_corner(UR))
        scene.add(Caption("Captions sit at the bottom, on a panel, at most two lines long."))
        scene.update_mobjects(0)

    check("overlays", render_still(compose), tmp_path)


@pytest.fixture(scope="module")
def adaptive():
    """The adaptive-rates lesson's runs on the valley: AdaGrad, RMSprop, Adam from (2, 1)."""
    return simulate_each("valley", ["adagrad", "rmsprop", "adam"], [0.1, 0.01, 0.1], (2.0, 1.0), 60)


def test_leaderboard(tmp_path):
    # at step 150: momentum done (loss <= 0.01 at step 71), two running, the large-rate GD diverged
    traj = simulate_each("rosenbrock", ["gd", "gd", "momentum", "adam"], [0.01, 0.001, 0.002, 0.02],
                         (-1.5, 2.0), 300)
    labels = ["GD α=0.01", "GD α=0.001", "Momentum", "Adam"]
    colors = list(THEME.run_colors[:4])

    def compose(scene):
        scene.step_tracker.set_value(150)
        board = Leaderboard(traj, range(traj.n_runs), scene.step_tracker, labels, colors, target=0.01,
                            note="finish: loss at or below 0.01")
        scene.add(fill_frame(board))
        scene.update_mobjects(0)

    check("leaderboard", render_still(compose), tmp_path)


def test_step_bars(adaptive, tmp_path):
    rates, _ = shown_values(adaptive)
    names = ["AdaGrad", "RMSprop", "Adam"]

    def compose(scene):
        scene.step_tracker.set_value(30)
        bars = StepBars(rates, scene.step_tracker, names, [optimizer_color(n.lower()) for n in names],
                        bar_width=2.7, bar_height=0.18, font_size=18)
        scene.add(fill_frame(bars))
        scene.update_mobjects(0)

    check("step_bars", render_still(compose), tmp_path)


def test_step_history_with_marker(adaptive, tmp_path):
    rates, moves = shown_values(adaptive)
    colors = [optimizer_color(n) for n in ("adagrad", "rmsprop", "adam")]

    def compose(scene):
        scene.step_tracker.set_value(45)
        history = StepHistory(rates[:, :, 0], scene.step_tracker, colors, thin=moves[:, :, 0],
                              width=11.0, height=5.6, font_size=40)
        marker = HistoryMarker(history, 2, at=20, color=colors[2], radius=0.15)
        scene.add(history.move_to([0.3, 0.1, 0]), marker)
        scene.update_mobjects(0)

    check("step_history", render_still(compose), tmp_path)


def test_criteria_panel(tmp_path):
    # the convergence lesson's four rates: diverged at 5, gradient rule at 10, loss rule at 90, running
    traj = simulate("himmelblau", "gd", (-0.5, 0.0), 120, lr=np.array([0.1, 0.015, 0.002, 0.0005]),
                    tol_grad=1e-2, tol_loss=1e-5)
    labels = ["α = 0.1", "α = 0.015", "α = 0.002", "α = 0.0005"]

    def compose(scene):
        scene.step_tracker.set_value(95)
        panel = CriteriaPanel(traj, range(traj.n_runs), scene.step_tracker, labels,
                              list(THEME.run_colors[: traj.n_runs]))
        scene.add(fill_frame(panel, margin=0.15))
        scene.update_mobjects(0)

    check("criteria_panel", render_still(compose), tmp_path)


def test_regression_plot_with_fits(tmp_path):
    # the batch lesson's methods (full batch, SGD) part-way, with the least-squares line dashed
    traj = simulate("linear_regression", "gd", (0.0, 0.0), 40, lr=0.1, tol_grad=0.0)
    sgd = simulate("linear_regression", "gd", (0.0, 0.0), 40, lr=0.1, batch_size=1, seed=0, tol_grad=0.0)
    (w, b), = traj.landscape.minima

    def compose(scene):
        scene.step_tracker.set_value(2.5)
        plot = RegressionPlot(traj.landscape, width=11.0, height=6.2, dot_radius=0.09)
        scene.add(plot.move_to([0, 0, 0]))
        scene.add(plot.static_line(w, b, color=THEME.text, stroke_width=4))
        scene.add(plot.add_fit(traj, 0, scene.step_tracker, color=optimizer_color("gd"), stroke_width=7),
                  plot.add_fit(sgd, 0, scene.step_tracker, color=THEME.role_colors["lr"], stroke_width=7))
        scene.update_mobjects(0)

    check("regression_plot", render_still(compose), tmp_path)


def test_lookahead_ghost(tmp_path):
    # Nesterov's first step on the valley, zoomed in: the ball, the dashed jump, the ghost ring
    traj = simulate("valley", "nesterov", (-2.2, 1.0), 60, lr=0.04, momentum=0.6, tol_grad=1e-2)
    drawn = ball_trajectory(traj, 0.6)

    def compose(scene):
        stage = ContourMap(traj.landscape, width=30.0, levels=12)
        ends = stage.to_scene(np.array([drawn.positions[0, 1], traj.positions[0, 1]]))
        stage.shift(-ends.mean(axis=0))
        scene.add(stage)
        scene.step_tracker.set_value(1)
        scene.add_tracers(TrajectoryTracer(stage, drawn, 0, scene.step_tracker, color=optimizer_color("nesterov"),
                                           radius=0.15))
        scene.add(LookaheadGhost(stage, traj, 0, scene.step_tracker, color=THEME.role_colors["lookahead"],
                                 momentum=0.6, radius=0.3, stroke_width=6))
        scene.update_mobjects(0)

    check("lookahead_ghost", render_still(compose), tmp_path)


def test_end_card(tmp_path):
    params = {"landscape": "rosenbrock", "optimizers": ["adam", "rmsprop"], "lr": 0.003, "steps": 200,
              "start": (-1.5, 2.0), "seed": 42}
    command = ("gdanim render OptimizerRace --quality low --end-card --set OptimizerRace.lr=0.003 "
               "--set 'OptimizerRace.optimizers=[\"adam\", \"rmsprop\"]' --set OptimizerRace.seed=42")

    def compose(scene):
        scene.add(EndCard("OptimizerRace", params, "0.0.0-test", command))

    check("end_card", render_still(compose), tmp_path)


def test_caption_two_lines(tmp_path):
    text = ("A two-line caption sits in its band at the bottom of the frame, "
            "on a panel over whatever is drawn behind it.")

    def compose(scene):
        stage = ContourMap(simulate("bowl", "gd", (1.0, 1.0), 1).landscape, width=9.0)
        scene.add(stage, Caption(text))

    check("caption_two_lines", render_still(compose), tmp_path)
