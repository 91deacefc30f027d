"""LandscapeTour's manim side: framing and visibility of the 3D stops, and dry runs that say
exactly the plan's captions (the claims themselves are tested in tests/lessons)."""

import re

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.config import ConfigError, build_params  # noqa: E402
from gdanim.display import draped_path, shown_steps  # noqa: E402
from gdanim.engine import simulate  # noqa: E402
from gdanim.lessons.landscape_tour import Params, plan, resolve_stop, run_stop  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.framing import fit_to_screen, hidden_points, screen_bounds  # noqa: E402
from gdanim.visual.surface import MARK_RADIUS, LossSurface  # noqa: E402
from scenes.l7_landscape_tour import LABEL_BAND, LandscapeTour, box, overlap  # noqa: E402

P = Params()


def test_fit_to_screen_fills_the_box_for_any_camera_angle():
    from manim.camera.three_d_camera import ThreeDCamera

    for name, phi, theta in (("bowl", 60, -60), ("saddle", 60, -130), ("valley", 30, -90)):
        camera = ThreeDCamera()
        camera.set_phi(phi * manim.DEGREES)
        camera.set_theta(theta * manim.DEGREES)
        surface = LossSurface(resolution_land(name), resolution=6)
        fit_to_screen(surface, camera, width=8.6, height=5.5, center=[0.0, 0.2, 0.0], measure=surface.surface)
        low, high = screen_bounds(surface.surface, camera)
        size, centre = high - low, (low + high) / 2
        assert size[0] <= 8.6 * 1.01 and size[1] <= 5.5 * 1.01
        assert max(size[0] / 8.6, size[1] / 5.5) > 0.99  # one side fills the box
        np.testing.assert_allclose(centre, [0.0, 0.2], atol=0.02)


def staged(name, phi, theta, runs=P.runs):
    """The stop's surface framed as the scene frames it, its camera, and its GD runs."""
    from manim.camera.three_d_camera import ThreeDCamera

    stop = resolve_stop(name, runs)
    camera = ThreeDCamera()
    camera.set_phi(phi * manim.DEGREES)
    camera.set_theta(theta * manim.DEGREES)
    surface = LossSurface(stop.land, resolution=6)
    fit_to_screen(surface, camera, width=8.6, height=5.5, center=[0.0, 0.2, 0.0], measure=surface.surface)
    return surface, camera, run_stop(stop, P.tol_grad)


def drawn_trail(surface, traj, run):
    return surface.to_scene(draped_path(traj.landscape, traj.positions[run, : shown_steps(traj)[run] + 1]))


def test_default_3d_views_show_every_trail_point():
    """Cairo draws trails over the surface: no drawn point may lie behind a hill from the camera."""
    for name in ("bowl", "valley", "saddle"):
        stop = resolve_stop(name, P.runs)
        phi = P.camera_phi if stop.phi is None else stop.phi
        theta = P.camera_theta if stop.theta is None else stop.theta
        surface, camera, traj = staged(name, phi, theta)
        for run in range(traj.n_runs):
            assert not hidden_points(surface, camera, drawn_trail(surface, traj, run)).any(), (name, run)


def test_hidden_points_finds_what_a_hill_hides():
    # the old saddle run (sliding to +y) ends behind the ridge x < 0 as seen from theta = -130
    surface, camera, traj = staged("saddle", 60, -130, {"saddle": {"starts": [[1.8, 1e-4]]}})
    hidden = hidden_points(surface, camera, drawn_trail(surface, traj, 0))
    assert hidden[-1] and not hidden[0]  # starts on the near ridge in sight, ends out of sight
    # a bowl seen from low down (phi 75) hides the inside of its near wall, not its far wall
    surface, camera, traj = staged("bowl", 75, -90, {"bowl": {"starts": [[0.0, -1.6], [0.0, 1.6]]}})
    near, far = (drawn_trail(surface, traj, run)[0] for run in (0, 1))
    assert hidden_points(surface, camera, np.array([near, far])).tolist() == [True, False]
    # lifted high above the surface, nothing hides a point
    assert not hidden_points(surface, camera, near + [0, 0, 5.0]).any()


def resolution_land(name):
    return resolve_stop(name, P.runs).land


def test_scene_uses_the_plan():
    assert LandscapeTour.Params is Params and LandscapeTour.plan is plan


def test_config_errors_name_the_fix():
    with pytest.raises(ConfigError, match="unknown landscape"):
        build_params(Params, {"stops": ["bowl", "volcano"]}, where="LandscapeTour")
    with pytest.raises(ConfigError, match="speed"):
        build_params(Params, {"runs": {"saddle": {"speed": 2}}}, where="LandscapeTour")


def test_dry_run_defaults_say_the_plan(tmp_path):
    p = Params()
    assert [c.text for c in dry_run_cues(LandscapeTour, p, out_dir=tmp_path)] == plan(p).cue_texts()


@pytest.mark.parametrize("values", [
    {"stops": ["saddle", "himmelblau", "booth"], "seconds_per_stop": 4.0, "hold_seconds": 0.5,
     "surface_resolution": 8,
     "runs": {"saddle": {"view": "contour", "starts": [[1.5, 1e-3], [-1.5, -1e-3]]},
              "himmelblau": {"starts": [[1.0, 1.0], [2.0, 2.0]], "steps": 40},
              "booth": {"lr": 0.02, "steps": 30, "view": "surface", "theta": -45.0}}},
    {"stops": ["six_hump_camel", "rastrigin", "bowl"], "surface_resolution": 8, "seconds_per_stop": 3.0,
     "runs": {"bowl": {"lr": 1.1}, "rastrigin": {"view": "surface", "steps": 2},
              "six_hump_camel": {"view": "contour", "lr": 0.02, "steps": 300,
                                 "starts": [[-1.0, -0.6], [1.0, 0.6], [1.9, 0.9]]}}},
])
def test_dry_run_altered_params_say_the_plan(tmp_path, values):
    p = Params(**values)
    assert [c.text for c in dry_run_cues(LandscapeTour, p, out_dir=tmp_path)] == plan(p).cue_texts()


BEAT_PARAM_SETS = [
    {},
    {"stops": ["saddle", "himmelblau", "booth"], "seconds_per_stop": 4.0, "hold_seconds": 0.0,
     "surface_resolution": 8,
     "runs": {"saddle": {"view": "contour", "starts": [[1.5, 1e-3], [-1.5, -1e-3]]},
              "himmelblau": {"starts": [[1.0, 1.0], [2.0, 2.0]], "steps": 40},
              "booth": {"lr": 0.02, "steps": 30, "view": "surface", "theta": -45.0}}},
    {"stops": ["valley", "rosenbrock", "saddle"], "seconds_per_stop": 4.0, "surface_resolution": 8,
     "runs": {"valley": {"lr": 0.095}, "rosenbrock": {"lr": 0.002, "steps": 600, "starts": [[-1.5, 2.0]]},
              "saddle": {"starts": [[1.6, 2e-4]], "view": "contour"}}},
]


class Logged(LandscapeTour):
    """LandscapeTour noting every wait (start, seconds, caption of its beat), after every play
    the caption of its beat and the optimizer step shown, the ball colours of every stop, and
    every label drawn (its beat's caption, the stop, the label and the trails on screen)."""

    waits: list = []
    steps: list = []
    colours: list = []
    labels: list = []

    def value_labels(self, shown, labels):
        group = super().value_labels(shown, labels)
        trails = [self.on_screen(t.path) for t in shown.tracers]
        for lab, value in zip(labels, group):
            Logged.labels.append((self.open_beat, shown.visit.name, lab, value, trails,
                                  [t.positions for t in shown.tracers]))
        return group

    def arrive(self, *args, **kwargs):
        shown = super().arrive(*args, **kwargs)
        Logged.colours.append((shown.visit.name, [t.ball.get_color().to_hex() for t in shown.tracers]))
        return shown

    def wait(self, duration=1.0, *args, **kwargs):
        Logged.waits.append((self.now, duration, self.open_beat))
        super().wait(duration, *args, **kwargs)

    def play(self, *args, **kwargs):
        beat = self.open_beat
        super().play(*args, **kwargs)
        Logged.steps.append((beat, self.step_tracker.get_value()))


@pytest.mark.parametrize("values", BEAT_PARAM_SETS)
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, values):
    """test_visual's invariant for this scene: every play inside a beat lies within its cue (its
    caption's fade-out just after); no other play - the next stop's terrain - overlaps a caption."""
    from test_visual import assert_beats_own_their_plays, beat_plays


    p = Params(**values)
    cues, plays = beat_plays(LandscapeTour, p, tmp_path)
    assert [c.text for c in cues] == plan(p).cue_texts()
    assert_beats_own_their_plays(cues, plays)


@pytest.fixture(scope="module", params=BEAT_PARAM_SETS)
def logged(request, tmp_path_factory):
    """A dry run of Logged: the params' plan, and what Logged noted."""
    from test_visual import beat_plays

    p = Params(**request.param)
    Logged.waits, Logged.steps, Logged.colours, Logged.labels = [], [], [], []
    beat_plays(Logged, p, tmp_path_factory.mktemp("tour"))
    return plan(p), list(Logged.waits), list(Logged.steps), list(Logged.colours), list(Logged.labels), p


def test_every_caption_is_read_over_a_moving_picture(logged):
    """No caption waits out its reading time over a still picture; the runs stay at their starts
    under the terrain captions and descend under each stop's first outcome caption."""
    lesson, waits, steps, *_ = logged
    assert [(start, beat) for start, seconds, beat in waits if beat is not None and seconds > 0.05] == []
    kinds = {beat.caption: beat.kind for beat in lesson.beats}
    assert all(step == 0 for beat, step in steps if kinds.get(beat) == "terrain")
    firsts = {}
    for beat in lesson.beats:
        if beat.kind == "outcome":
            firsts.setdefault(beat.facts["stop"], beat.caption)
    for stop, caption in firsts.items():
        shown = [step for beat, step in steps if beat == caption]
        assert shown[0] == 0 and shown[-1] == lesson.runs[stop].shown.max(), caption


def test_runs_drawn_together_differ_in_colour(logged):
    """Every stop's runs (from different starts) wear colours far apart (ΔE2000, as the theme's
    colours drawn together), in the same order at every stop."""
    from test_theme import TOGETHER, delta_e

    lesson, _, _, colours, *_ = logged
    assert [name for name, _ in colours] == [v.name for v in lesson.runs]
    for name, balls in colours:
        for i, a in enumerate(balls):
            for b in balls[i + 1:]:
                assert delta_e(a, b) >= TOGETHER, (name, a, b)
    firsts = {balls[0] for _, balls in colours}
    assert len(firsts) == 1  # run 0 keeps its colour from stop to stop


def staged_stop(name, runs=P.runs):
    """The scene's stage for stop ``name``, its marks, and the visit and terrain beat it was built for."""
    p = Params(stops=[name], runs=runs)
    lesson = plan(p)
    beat = next(b for b in lesson.beats if b.kind == "terrain")
    scene = LandscapeTour(params=p)
    stage, marks = scene.staged(lesson.runs[0].stop, beat)
    return scene, stage, marks, lesson.runs[0]


@pytest.mark.parametrize("view", ["surface", "contour"])
def test_the_saddle_point_the_caption_names_is_marked(view):
    """Like the minima: a ring lying on the surface, a cross on the contour map, at (0, 0)."""
    _, stage, marks, visit = staged_stop("saddle", {"saddle": {"view": view}})
    (mark,) = marks
    assert mark in stage.get_family()  # faded in and out with the terrain
    if view == "surface":
        assert isinstance(mark, manim.Circle)
        np.testing.assert_allclose(mark.get_center(), stage.to_surface([0.0, 0.0])[0], atol=1e-6)
        assert mark.depth == pytest.approx(0.0, abs=1e-9)  # flat on the floor plane, as minimum rings are
        assert mark.width == pytest.approx(2 * MARK_RADIUS * stage.axes.x_axis.width, rel=1e-3)  # their size
    else:
        assert isinstance(mark, manim.Cross)
        np.testing.assert_allclose(mark.get_center(), stage.to_scene(np.array([[0.0, 0.0]]))[0], atol=1e-6)


def engine_run(name, p):
    """The stop's runs, simulated here from its settings (not by the plan)."""
    stop = resolve_stop(name, p.runs)
    return stop.land, simulate(stop.land, "gd", stop.starts, stop.steps, lr=stop.lr, tol_grad=p.tol_grad)


def step_on_trail(traj, xy):
    """(run, step) of the first drawn position equal to ``xy``."""
    for run, last in enumerate(shown_steps(traj)):
        hits = np.flatnonzero(np.all(np.isclose(traj.positions[run, : last + 1], xy, rtol=0, atol=1e-12), axis=1))
        if len(hits):
            return run, int(hits[0])
    return None


def test_each_beat_draws_its_values_under_its_caption(logged):
    """Every label the plan gives a beat is drawn while that beat's caption is up, with that text,
    and nothing else is: the picture at a caption's end holds the values it quotes."""
    lesson, *_, labels, _ = logged
    for beat in lesson.beats:
        drawn = [value.words.original_text for caption, _, _, value, _, _ in labels if caption == beat.caption]
        assert drawn == [lab["text"] for lab in beat.facts["labels"]], beat.caption
    assert {caption for caption, *_ in labels} <= {beat.caption for beat in lesson.beats}
    assert any("steps" in value.text for *_, value, _, _ in labels)


def test_rings_sit_on_the_engine_trail_at_the_step_the_caption_names(logged):
    """A ring marks the step the caption names (a coordinate settling, the floor reached, the
    gradient small): at that step of the engine's run, where the drawn trail passes."""
    *_, labels, p = logged
    rings = 0
    for caption, name, lab, value, trails, drawn in labels:
        land, traj = engine_run(name, p)
        found = step_on_trail(traj, lab["at"])
        if value.ring is None:
            if found:  # beside a run's point (its start or end): where that run is drawn
                run, step = found
                np.testing.assert_allclose(value.at[:2], trails[run][step * 8], atol=1e-6)
            continue
        rings += 1
        assert found, (caption, value.text)
        run, step = found
        np.testing.assert_allclose(drawn[run], traj.positions[run, : len(drawn[run])])
        np.testing.assert_allclose(value.ring.get_center()[:2], trails[run][step * 8], atol=1e-6)
        settle = re.match(r"\|([xy])\| < (\S+) in (\d+) steps?$", value.text)
        floor = re.match(r"floor in (\d+) steps?$", value.text)
        crawl = re.match(r"‖∇L‖ < (\S+) for (\d+)(?: of (\d+))? steps?$", value.text)
        if settle:
            axis, distance, named = settle.group(1), float(settle.group(2)), int(settle.group(3))
            coordinate = np.abs(traj.positions[run, : shown_steps(traj)[run] + 1, "xy".index(axis)])
            assert named == step and (coordinate[step:] < distance).all()
            assert step == 0 or coordinate[step - 1] >= distance
            assert re.search(rf"\b{axis} (?:settles within {distance:g} of 0 |only )?in {named} steps?", caption)
        elif floor:
            assert int(floor.group(1)) == step and f"onto the curved floor in {step} step" in caption
        else:
            assert crawl and np.linalg.norm(land.gradient(traj.positions[run, step])) < float(crawl.group(1))
            if crawl.group(3):  # one run: the caption's own words
                assert value.text in caption
            else:  # several: each run's count within the caption's span
                low, high = re.search(r"for (\d+)(?: to (\d+))? steps? each", caption).groups(default=None)
                assert int(low) <= int(crawl.group(2)) <= int(high or low), (value.text, caption)
    assert rings > 0


def test_labels_cover_no_mark_ring_or_other_label_and_stay_between_heading_and_captions(logged):
    """Labels drawn together (one beat's) cover neither each other nor a ring, and sit in the band
    between the heading and the captions, each beside its own point."""
    *_, labels, _ = logged
    beats = {}
    for caption, name, lab, value, *_ in labels:
        beats.setdefault((caption, name), []).append(value)
    for (caption, _), values in beats.items():
        patches = [box(v.patch) for v in values]
        rings = [box(v.ring) for v in values if v.ring is not None]
        left, bottom, right, top = LABEL_BAND
        for i, (patch, value) in enumerate(zip(patches, values)):
            assert left <= patch[0] and bottom <= patch[1] and patch[2] <= right and patch[3] <= top, value.text
            assert not any(overlap(patch, other) for other in patches[i + 1:] + rings), (caption, value.text)
            gap = np.maximum(np.maximum(patch[:2] - value.at[:2], value.at[:2] - patch[2:]), 0.0)
            assert gap.max() <= value.buff + 1e-6, value.text  # beside its point (or its corner)
