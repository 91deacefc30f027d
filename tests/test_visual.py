"""The manim kit: geometry checked numerically, and every scene run in dry-run mode."""

from datetime import timedelta

import numpy as np
import pytest
import srt

manim = pytest.importorskip("manim")

from gdanim.catalog import discover_scenes, get_scene  # noqa: E402
from gdanim.engine import simulate  # noqa: E402
from gdanim.render import dry_run_cues, render_scene  # noqa: E402
from gdanim.visual import LossSurface, TrajectoryTracer  # noqa: E402
from gdanim.visual.hud import HUD, hud_rows  # noqa: E402
from gdanim.wording import GRAD_NORM, superscript  # noqa: E402


@pytest.fixture(scope="module")
def valley_run():
    return simulate("valley", "gd", (-2.2, 1.2), 40, lr=0.085, tol_grad=1e-2)


def test_tracer_sits_on_the_trajectory_point_at_each_step(valley_run):
    land = valley_run.landscape
    surface = LossSurface(land, resolution=6).shift([1.0, -0.5, 0.3])
    step = manim.ValueTracker(0)
    tracer = TrajectoryTracer(surface, valley_run, 0, step, color="#E69F00", radius=0.1)
    for k in (0, 3, 17, int(valley_run.stop_step[0])):
        step.set_value(k)
        tracer.update()
        x, y = valley_run.positions[0, k]
        expected = surface.axes.c2p(x, y, float(surface.heights(land.value(np.array([x, y])))))
        np.testing.assert_allclose(tracer.head(), expected, atol=1e-9)
        np.testing.assert_allclose(tracer.ball.get_center(), expected + [0, 0, 0.1], atol=1e-9)
        np.testing.assert_allclose(tracer.trail.points[-1], expected, atol=1e-9)


def test_hud_rows_show_the_trajectory_values(valley_run):
    k = 5
    rows = dict(hud_rows(valley_run, 0, k))
    x, y = valley_run.positions[0, k]
    assert rows["step"] == "5"
    assert rows["position"] == "(−0.867, −0.202)" and (x, y) == pytest.approx((-0.8666, -0.2017), abs=1e-4)
    assert float(rows["loss"]) == pytest.approx(valley_run.losses[0, k], rel=0.05)  # two figures, as captions
    assert float(rows[GRAD_NORM]) == pytest.approx(np.linalg.norm(valley_run.gradients[0, k]), rel=0.05)
    assert rows["α"] == "0.085" and rows["status"] == "running"
    final = dict(hud_rows(valley_run, 0, int(valley_run.stop_step[0])))
    assert final["status"] == "converged" and final["α"] == "0.085" and final["loss"] == "2.2×10⁻⁵"


def test_hud_updates_in_place(valley_run):
    step = manim.ValueTracker(0)
    hud = HUD(valley_run, 0, step)
    family = hud.get_family()
    before = [m.points.copy() for m in hud.slots]
    step.set_value(7)
    hud.update()
    assert hud.get_family() == family  # same mobjects: Cairo's moving-mobject snapshot stays valid
    assert any(not np.array_equal(b, m.points) for b, m in zip(before, hud.slots))


def test_scenes_are_discovered_and_unknown_names_suggest():
    scenes = discover_scenes()
    assert "GradientDescent3D" in scenes
    with pytest.raises(KeyError, match="did you mean GradientDescent3D"):
        get_scene("GradientDecent3D", scenes)


@pytest.mark.parametrize("name", sorted(discover_scenes()))
def test_every_scene_says_its_plan_with_defaults(name, tmp_path):
    """A dry run (no frame drawn) records exactly the plan's cues: the scene types no sentence."""
    cls = discover_scenes()[name]
    cues = dry_run_cues(cls, cls.Params(), out_dir=tmp_path)
    assert [c.text for c in cues] == cls.plan(cls.Params()).cue_texts()
    assert all(c.end > c.start for c in cues)
    assert not any(tmp_path.rglob("*.mp4"))


def test_gradient_descent_scene_with_altered_params_renders_a_video(tmp_path):
    import imageio_ffmpeg

    cls = get_scene("GradientDescent3D")
    params = cls.Params(landscape="rosenbrock", optimizer="adam", lr=0.1, start=(-1.5, 2.0),
                        steps=8, seconds_per_step=0.2, first_steps=1, surface_resolution=8)
    path = render_scene(cls, params, quality="tiny", out_dir=tmp_path)
    assert path == tmp_path / "tiny" / "GradientDescent3D.mp4"
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert 8 < seconds < 40 and frames == pytest.approx(seconds * 5, abs=2)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    assert tuple(meta["size"]) == (256, 144)
    names = sorted(p.name for p in (tmp_path / "tiny").iterdir())
    assert names == ["GradientDescent3D.mp4", "GradientDescent3D.png", "GradientDescent3D.srt", "GradientDescent3D.vtt"]
    cues = list(srt.parse((tmp_path / "tiny" / "GradientDescent3D.srt").read_text()))
    assert [c.content for c in cues] == cls.plan(params).cue_texts()
    assert cues[0].content.startswith("Descent with Adam")
    assert all(a.end <= b.start + timedelta(milliseconds=1) for a, b in zip(cues, cues[1:]))
    assert cues[-1].end.total_seconds() == pytest.approx(seconds, abs=0.5)
    assert (tmp_path / "tiny" / "GradientDescent3D.vtt").read_text().startswith("WEBVTT")


def beat_plays(cls, params, out_dir):
    """A dry run's cues and every play as (start, end, the caption of the beat that played it)."""
    from gdanim.render import dry_run

    plays = []

    def record_plays(scene):
        play = scene.play

        def recording_play(*args, **kwargs):
            start, beat = scene.now, scene.open_beat
            play(*args, **kwargs)
            plays.append((start, scene.now, beat))

        scene.play = recording_play

    scene = dry_run(cls, params, out_dir=out_dir, prepare=record_plays)
    return scene.cues, plays


def assert_beats_own_their_plays(cues, plays) -> None:
    """Nothing of the next beat is drawn while a caption is up: every play inside a beat lies
    within its cue (its caption's fade-out just after), and no other play overlaps a caption."""
    from gdanim.subtitles import CardCue
    from gdanim.visual.lesson import FADE

    captions = [c for c in cues if not isinstance(c, CardCue)]
    assert captions
    for start, end, beat in plays:
        if beat is not None:
            (cue,) = [c for c in captions if c.text == beat and c.start <= start + 1e-9 <= c.end + 1e-9]
            assert cue.start - 1e-9 <= start and end <= cue.end + FADE / 2 + 1e-9, (beat, start, end)
        else:
            assert all(end <= c.start + 1e-9 or start >= c.end - 1e-9 for c in captions), (start, end)


@pytest.mark.parametrize("values", [{}, {"optimizer": "adam", "steps": 8, "landscape": "bowl"}])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(values, tmp_path):
    cls = discover_scenes()["GradientDescent3D"]
    cues, plays = beat_plays(cls, cls.Params(**values), tmp_path)
    assert [c.text for c in cues] == cls.plan(cls.Params(**values)).cue_texts()
    assert_beats_own_their_plays(cues, plays)


def test_a_beat_lasts_its_reading_time_or_its_animations_whichever_is_longer(tmp_path):
    from dataclasses import dataclass

    from manim import Dot, linear

    from gdanim.visual.lesson import FADE, LessonScene, MIN_CAPTION_SECONDS

    @dataclass
    class NoParams:
        pass

    class TwoBeats(LessonScene):
        Params = NoParams

        def construct(self):
            dot = Dot()
            self.add(dot)
            with self.beat("Short.") as clock:  # a 0.5 s move under a 2 s caption: the beat waits
                assert clock.duration == MIN_CAPTION_SECONDS
                self.play(dot.animate.shift([1, 0, 0]), run_time=0.5, rate_func=linear)
                assert 0 < clock.remaining < clock.duration
            with self.beat("Long.") as clock:  # a 3 s move under a 2 s caption: the beat lasts 3 s
                self.play(dot.animate.shift([-1, 0, 0]), run_time=3.0, rate_func=linear)
                assert clock.remaining == 0

    cues, plays = beat_plays(TwoBeats, NoParams(), tmp_path)
    short, long = cues
    assert (short.text, short.start, short.end) == ("Short.", 0.0, pytest.approx(MIN_CAPTION_SECONDS))
    assert long.start == pytest.approx(short.end + FADE / 2)  # the old caption fades first
    assert long.end == pytest.approx(long.start + FADE / 2 + 3.0)
    assert plays[-1][1] == pytest.approx(long.end + FADE / 2)  # and the last one fades after its cue


def test_loss_curve_reads_decades_and_ends_each_run_where_it_stopped():
    import manim

    from gdanim.visual.loss_curve import LossCurve

    traj = simulate("valley", "gd", (2.0, 1.0), 100, lr=np.array([0.05, 0.11])[:, None], tol_grad=1e-2)
    assert list(traj.stop_reason) == ["converged_grad", "diverged"]
    step = manim.ValueTracker(0)
    curve = LossCurve(traj, [0, 1], step, ["#ffffff", "#ff00ff"], max_step=100)
    ylabels, xlabels, _ = curve.ticks
    lo, hi = curve.value_range
    assert [t.text for t in xlabels] == ["0", "50", "100"]
    assert ylabels[0].text == "10" + superscript(int(lo))  # the bottom decade, written once as 10ᵏ
    assert len(ylabels) >= 3 and all(t.text.startswith("10") for t in ylabels)
    step.set_value(100)
    curve.update()
    for i in range(2):  # each line ends at the engine's stop step, not a flat line to the end
        end = curve.axes.p2c(curve.lines[i].points[-1])[0]
        assert end == pytest.approx(traj.stop_step[i], abs=1e-6)
    assert curve.crosses[1].get_stroke_opacity() == 1.0 and curve.crosses[0].get_stroke_opacity() == 0.0


def test_axes_points_are_where_c2p_puts_each_point_on_moved_axes():
    """The vectorised placement of curve points equals manim's c2p, point by point, after the
    axes were shifted and scaled (as LossCurve.between does)."""
    import manim

    from gdanim.visual.loss_curve import axes_points

    axes = manim.Axes(x_range=[0, 300, 75], y_range=[0, 7, 1], x_length=4.0, y_length=2.4, tips=False)
    axes.shift(1.3 * manim.LEFT + 0.7 * manim.UP).scale(0.8)
    xs, ys = np.arange(301), np.random.default_rng(1).uniform(0, 7, 301)
    expected = np.array([axes.c2p(x, y) for x, y in zip(xs, ys)])
    assert np.allclose(axes_points(axes, xs, ys), expected, atol=1e-9)
