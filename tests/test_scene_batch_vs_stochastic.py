"""BatchVsStochastic, manim side: fitted lines against the engine's (w, b), the scatter against
the data, the legend's live numbers, and dry runs that say exactly the plan's sentences.
(The plan's claims are checked in tests/lessons/test_batch_vs_stochastic.py.)"""

import re

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.lessons.batch_vs_stochastic import Params, plan, regression_landscape, run_methods  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.narration import TitleCard  # noqa: E402
from gdanim.visual.regression_plot import (  # noqa: E402
    FitLegend,
    RegressionPlot,
    clip_line,
    fit_at,
    legend_values,
)
from gdanim.wording import sci  # noqa: E402
from scenes.l6_batch_vs_stochastic import BatchVsStochastic  # noqa: E402

P = Params()
FRAME_WIDTH = 14.2


@pytest.fixture(scope="module")
def land():
    return regression_landscape(P)


@pytest.fixture(scope="module")
def trajs(land):
    return run_methods(land, P)


def test_clip_line_keeps_the_part_inside_the_box():
    box = ((-1.0, 3.0), (-4.0, 6.0))
    assert np.allclose(clip_line(2.0, -1.0, *box), [[-1.0, -3.0], [3.0, 5.0]])  # wholly inside
    assert np.allclose(clip_line(5.0, 2.0, *box), [[-1.0, -3.0], [0.8, 6.0]])  # leaves at the top
    assert np.allclose(clip_line(-4.0, 0.0, *box), [[-1.0, 4.0], [1.0, -4.0]])  # falling line
    assert np.allclose(clip_line(0.0, 1.5, *box), [[-1.0, 1.5], [3.0, 1.5]])
    assert clip_line(0.0, 7.0, *box) is None
    assert clip_line(1.0, 20.0, *box) is None


def test_scatter_is_the_landscape_data(land):
    plot = RegressionPlot(land)
    xs, ys = land.data
    assert len(plot.dots) == land.n_samples
    assert np.allclose(plot.data_points()[:, :2], np.column_stack([xs, ys]), atol=1e-9)
    assert plot.x_range[0] <= xs.min() and xs.max() <= plot.x_range[1]
    assert plot.y_range[0] <= ys.min() and ys.max() <= plot.y_range[1]


@pytest.mark.parametrize("key", ["full", "mini", "sgd"])
def test_fitted_line_slope_and_intercept_equal_w_b_at_step_k(land, trajs, key):
    plot = RegressionPlot(land)
    step = manim.ValueTracker(0)
    line = plot.add_fit(trajs[key], 0, step, color="#ffffff")
    for k in (0, 1, 3, 17, P.steps):
        step.set_value(k)
        line.update()
        (x0, y0), (x1, y1) = (plot.axes.p2c(pt)[:2] for pt in line.get_start_and_end())
        w, b = trajs[key].positions[0, k]
        assert fit_at(trajs[key], 0, k) == pytest.approx((w, b))
        assert (y1 - y0) / (x1 - x0) == pytest.approx(w, rel=1e-6)
        assert y0 - (y1 - y0) / (x1 - x0) * x0 == pytest.approx(b, abs=1e-6)
    step.set_value(2.5)  # between steps the line is halfway between the two fits
    assert fit_at(trajs[key], 0, 2.5) == pytest.approx(tuple(trajs[key].positions[0, 2:4].mean(axis=0)))


def test_legend_rows_follow_the_step(trajs):
    step = manim.ValueTracker(0)
    entries = [(k, "#ffffff", t, 0) for k, t in trajs.items()]
    legend = FitLegend(entries, step)
    # the legend rounds losses as the captions do (3 significant digits, never 0.000)
    assert legend_values(trajs["sgd"], 0, 12) == f"loss  {sci(trajs['sgd'].losses[0, 12], 3)}\ngrads 12"
    assert legend_values(trajs["full"], 0, P.steps) == "loss  0.249\ngrads 2000"
    noise_free = run_methods(regression_landscape(Params(noise_std=0.0)), Params(noise_std=0.0))["sgd"]
    assert legend_values(noise_free, 0, 40) == "loss  1.1×10⁻⁴\ngrads 40"
    step.set_value(12.6)
    legend.update()
    assert legend._shown == 12
    for slot, row in zip(legend.slots, legend._rows(12)):
        assert np.allclose(slot.points, np.vstack([m.points for m in row.family_members_with_points()]))


def test_title_card_fits():
    lesson = plan(P)
    assert TitleCard(lesson.title, lesson.subtitle).width < FRAME_WIDTH - 0.5


@pytest.mark.parametrize("values", [
    {},
    {"n_samples": 30, "noise_std": 0.8, "data_seed": 3, "optimizer": "momentum", "lr": 0.05, "start": (4.0, 1.0),
     "steps": 12, "mini_batch": 4, "seed": 7, "first_steps": 2, "noise_window": 4, "seconds_per_step": 0.1},
    {"lr": 1.2, "mini_batch": 50, "steps": 15, "seconds_per_step": 0.05},  # diverges; two runs
])
def test_dry_run_says_exactly_the_plan(tmp_path, values):
    p = Params(**values)
    assert BatchVsStochastic.plan is plan and BatchVsStochastic.Params is Params
    assert [c.text for c in dry_run_cues(BatchVsStochastic, p, out_dir=tmp_path)] == plan(p).cue_texts()


def test_sgd_samples_read_back_are_the_engines_draws(land):
    """The ring under the stochastic caption marks the sample SGD's step really used: the one the
    engine's seeded draw picked (re-drawn here as the engine draws a batch of one)."""
    from gdanim.visual.regression_plot import sampled_samples

    p = Params(steps=12, seed=5)
    sgd = run_methods(land, p)["sgd"]
    rng = np.random.default_rng(p.seed)
    drawn = [int(np.argpartition(rng.random((1, land.n_samples)), 0, axis=1)[0, 0]) for _ in range(p.steps)]
    assert sampled_samples(sgd, 0).tolist() == drawn
    assert (sampled_samples(run_methods(land, p)["mini"], 0) == -1).all()  # a batch of 8: not one sample


@pytest.mark.parametrize("values", [{}, {"lr": 1.2, "mini_batch": 50, "steps": 15, "seconds_per_step": 0.05}])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, values):
    """As tests/test_visual.py asks of every ported scene: each play inside a beat lies within its
    cue (its caption's fade-out just after), and no other play overlaps a caption."""
    from test_visual import assert_beats_own_their_plays, beat_plays

    from gdanim.subtitles import CardCue

    cues, plays = beat_plays(BatchVsStochastic, Params(**values), tmp_path)
    captions = [c for c in cues if not isinstance(c, CardCue)]
    assert [c.text for c in captions] == [b.caption for b in plan(Params(**values)).beats]
    assert any(beat is not None for _, _, beat in plays)
    assert_beats_own_their_plays(cues, plays)


def _box(mob):
    """(left, bottom, right, top) of a mobject's bounding box."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(manim.DL), mob.get_corner(manim.UR)
    return x0, y0, x1, y1


def _overlap(a, b, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _assert_outside(labels, frame, gap: float = 0.1):
    """Every label lies wholly below the frame or wholly left of it, at least ``gap`` away, and no
    two labels touch."""
    left, bottom, right, top = _box(frame)
    boxes = [_box(label) for label in labels]
    for (x0, y0, x1, y1), label in zip(boxes, labels):
        assert y1 <= bottom - gap or x1 <= left - gap, f"{label.text!r} reaches into the frame"
        assert not _overlap((x0, y0, x1, y1), (left, bottom, right, top)), label.text
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a, b, pad=0.03), "two labels touch"


@pytest.mark.parametrize("values", [{}, {"lr": 1.2}])
def test_tick_labels_sit_outside_the_plots_clear_of_data_and_lines(values):
    """The data plot's and the loss map's numbers and names are outside their frames (below /
    left of them), touch no data point and no other label, and every fitted line (any step, in
    between steps too, diverged or not) stays inside the data frame, so it never crosses one."""
    from scenes.l6_batch_vs_stochastic import DATA_CENTER, PANEL

    p = Params(**values)
    land = regression_landscape(p)
    plot = RegressionPlot(land, width=PANEL, height=PANEL).move_to(DATA_CENTER)
    texts = [*plot.numbers, *plot.labels]
    assert sorted(t.text for t in plot.labels) == ["x", "y"]
    assert {"−3", "0", "3", "6"} <= {t.text for t in plot.numbers}  # the "−3" that once sat among the dots
    _assert_outside(texts, plot.frame)
    dots = [_box(d) for d in plot.dots]
    left, bottom, right, top = _box(plot.frame)
    for d in dots:  # every sample inside the frame
        assert left < d[0] and d[2] < right and bottom < d[1] and d[3] < top
    for t in texts:
        assert not any(_overlap(_box(t), d, pad=0.05) for d in dots), t.text

    step = manim.ValueTracker(0)
    for key, traj in run_methods(land, p).items():
        line = plot.add_fit(traj, 0, step, color="#ffffff")
        for s in np.arange(0, p.steps + 0.01, 0.25):
            step.set_value(s)
            line.update()
            pts = line.points[:, :2]
            assert np.all(np.isfinite(pts)), (key, s)
            assert (pts[:, 0] >= left - 1e-6).all() and (pts[:, 0] <= right + 1e-6).all(), (key, s)
            assert (pts[:, 1] >= bottom - 1e-6).all() and (pts[:, 1] <= top + 1e-6).all(), (key, s)

    stage, axis_labels, _, best, _ = BatchVsStochastic.loss_map(land, plot, p.start)
    assert [t.original_text for t in axis_labels][-2:] == ["w (slope)", "b"]
    _assert_outside(list(axis_labels), stage.frame)
    for t in axis_labels:  # nor do they crowd the data plot beside the map
        assert not _overlap(_box(t), _box(plot), pad=0.15), t.text


def test_best_fit_stands_out_from_every_trail_and_the_map(land, trajs):
    """The best fit's cross (and its dashed line) differ from each run's colour and from the map
    by the theme's ΔE2000 limits, sit on the minimum, and are drawn over the trails, under the
    balls: SGD's white trail once hid a white cross."""
    from test_theme import ON_MAP, TOGETHER, delta_e, map_colors

    from gdanim.visual.tracer import TrajectoryTracer
    from scenes.l6_batch_vs_stochastic import BEST_FIT_COLOR, COLORS

    assert min(delta_e(BEST_FIT_COLOR, c) for c in COLORS.values()) >= TOGETHER
    assert min(delta_e(BEST_FIT_COLOR, c) for c in map_colors()) >= ON_MAP
    plot = RegressionPlot(land)
    stage, _, _, best, cross = BatchVsStochastic.loss_map(land, plot, P.start)
    assert cross.get_stroke_color().to_hex().upper() == best.get_stroke_color().to_hex().upper() == BEST_FIT_COLOR
    np.testing.assert_allclose(cross.get_center(), stage.to_scene(land.minima[0])[0], atol=1e-9)
    scene = BatchVsStochastic(params=P)
    step = manim.ValueTracker(P.steps)
    tracers = [TrajectoryTracer(stage, traj, 0, step, color=COLORS[key]) for key, traj in trajs.items()]
    scene.add(stage, cross)
    scene.add_tracers(*tracers)
    scene.between_trails_and_balls(cross, tracers)
    at = scene.mobjects.index(cross)
    assert all(scene.mobjects.index(t) < at < scene.mobjects.index(t.ball) for t in tracers)


# --- every value a caption quotes is on screen when it ends (a lecturer pauses and checks) -------

ALTERED = [
    {},
    {"optimizer": "momentum", "lr": 0.05, "noise_window": 6},  # full batch's loss rises too
    {"lr": 0.2, "noise_std": 3.0, "start": (1.0, 1.0)},  # full batch wins the budget; its loss stays put
    {"lr": 1.2, "steps": 15, "seconds_per_step": 0.05},  # every run diverges
]


def caption_ends(values, out_dir):
    """A dry run of the scene; per caption, as it ends: (beat, the mobjects drawn for it alone,
    the rate-and-step line). The scene and its lesson plan are returned too."""
    from contextlib import contextmanager

    from gdanim.render import dry_run

    p = Params(**values)
    beats = iter([b for b in plan(p).beats])
    ends = []

    def record(scene):
        beat = scene.beat

        @contextmanager
        def recording(text):
            with beat(text) as clock:
                yield clock
                counter = getattr(scene, "counter", None)
                ends.append((next(beats), list(scene.ghosts), counter.shown if counter else None))

        scene.beat = recording

    scene = dry_run(BatchVsStochastic, p, out_dir=out_dir, prepare=record)
    return scene, ends


def engine_runs(p: Params):
    """The three runs, simulated here from the params alone."""
    from gdanim.engine import simulate
    from gdanim.landscapes import get_landscape

    land = get_landscape("linear_regression", n_samples=p.n_samples, noise_std=p.noise_std, seed=p.data_seed)
    return land, {key: simulate(land, p.optimizer, p.start, p.steps, lr=p.lr, batch_size=size, seed=p.seed,
                                tol_grad=0.0) for key, size in (("full", None), ("mini", p.mini_batch), ("sgd", 1))}


def value(text: str) -> float:
    """A number as sci printed it ('0.249', '3.48×10⁻⁴', '−2')."""
    from gdanim.wording import UNSUPERSCRIPTS

    head, _, power = text.replace("−", "-").partition("×10")
    return float(head) * 10.0 ** int("".join(UNSUPERSCRIPTS.get(c, c) for c in power) or 0)


def texts(mobjects) -> list[str]:
    """Every Text among the mobjects (and inside them), as written."""
    found = []
    for mob in mobjects:
        found += [m.original_text for m in mob.get_family() if isinstance(m, manim.Text)]
    return found


@pytest.fixture(scope="module", params=ALTERED, ids=lambda v: ",".join(v) or "defaults")
def ended(request, tmp_path_factory):
    values = request.param
    scene, ends = caption_ends(values, tmp_path_factory.mktemp("bvs"))
    return Params(**values), scene, ends


def test_the_data_line_and_start_are_labelled_as_the_captions_say(ended):
    p, scene, ends = ended
    land, runs = engine_runs(p)
    data = next(e for e in ends if e[0].kind == "data")
    quoted = re.search(r"(y = \S+x [−+] \S+)\.", data[0].caption).group(1)
    assert quoted in texts(data[1]), (quoted, texts(data[1]))
    drawn = [m for m in data[1] if isinstance(m, manim.Line)][0]  # the data's line, slope and intercept
    (x0, y0), (x1, y1) = (scene.plot.axes.p2c(pt)[:2] for pt in drawn.get_start_and_end())
    assert (y1 - y0) / (x1 - x0) == pytest.approx(land.params["true_w"])
    assert y0 - (y1 - y0) / (x1 - x0) * x0 == pytest.approx(land.params["true_b"])

    methods, ghosts, counter = next(e for e in ends if e[0].kind == "methods")
    start = re.search(r"\(w, b\) = (\([^)]*\))", methods.caption).group(1)
    alpha = re.search(r"(α = [\d.]+)", methods.caption).group(1)
    (label,) = ghosts
    assert label.text == start and counter == f"{alpha}   step 0"
    from gdanim.visual.value_labels import clearance, polyline_samples
    at = scene.stage.to_scene(p.start)  # near the ring at the start (radius 0.12), clear of every path
    assert 0.12 < clearance(label, at) < 1.0
    from gdanim.display import domain_exit
    paths = []
    for t in runs.values():  # each path as drawn: a diverged one up to where it leaves the map
        shown = t.positions[0, : int(t.stop_step[0]) + 1]
        exit_ = domain_exit(land, shown)
        if str(t.stop_reason[0]) == "diverged" and exit_ is not None:
            shown = np.vstack([shown[: int(exit_[0]) + 1], exit_[1]])
        paths.append(polyline_samples(scene.stage.to_scene(shown)))
    assert clearance(label, np.vstack(paths)) > 0.02


def test_step_counts_are_on_screen_when_quoted(ended):
    from gdanim.wording import NUMBER_WORDS

    p, scene, ends = ended
    said = [(re.match(r"After (\w+) steps?", beat.caption), counter) for beat, _, counter in ends]
    said = [(m.group(1), counter) for m, counter in said if m]
    assert len(said) == (0 if p.lr >= 1.2 else 1)
    for word, counter in said:
        k = NUMBER_WORDS.index(word) if word in NUMBER_WORDS else int(word)
        assert k == p.steps and counter.endswith(f"   step {k}")


def test_budget_names_full_batchs_steps_loss_and_gradients_at_its_ring(ended):
    p, scene, ends = ended
    _, runs = engine_runs(p)
    budgets = [(beat, ghosts) for beat, ghosts, _ in ends if beat.kind == "budget"]
    assert len(budgets) == (0 if p.lr >= 1.2 else 1)
    for beat, ghosts in budgets:
        m = re.search(r"full batch \((\w+) steps?, (\d+) gradients\)(?: reaches loss| only) ([^\s,]+?)(?:,|\.$)",
                      beat.caption)
        steps_word, paid, loss = m.groups()
        shown = texts(ghosts)
        assert f"full batch, {steps_word} step{'s' if steps_word != 'one' else ''}" in shown, shown
        assert f"loss  {loss}\ngrads {paid}" in shown, shown
        steps = beat.facts["full_steps"]
        assert paid == str(steps * p.n_samples)
        (ring,) = [g for g in ghosts if isinstance(g, manim.Circle)]
        np.testing.assert_allclose(ring.get_center(), scene.stage.to_scene(runs["full"].positions[0, steps])[0],
                                   atol=1e-9)
        assert sci(runs["full"].losses[0, steps], 3) == loss


def test_divergence_steps_are_listed_as_the_caption_says(ended):
    p, scene, ends = ended
    _, runs = engine_runs(p)
    for beat, ghosts, _ in ends:
        if beat.kind == "diverged":
            shown = texts(ghosts)
            said = re.findall(r"(full batch|mini-batch|SGD) at step (\d+)", beat.caption)
            assert shown == [f"{name} at step {k}" for name, k in said]
            keys = {"full batch": "full", "mini-batch": "mini", "SGD": "sgd"}
            assert all(int(runs[keys[name]].stop_step[0]) == int(k) for name, k in said)


def test_settle_windows_show_the_quoted_losses_rises_and_steps(ended):
    from gdanim.visual.regression_plot import LossWindow

    p, scene, ends = ended
    _, runs = engine_runs(p)
    k, first = p.steps, p.steps - p.noise_window
    for beat, ghosts, _ in ends:
        if beat.kind != "settle":
            continue
        strips = [g for g in ghosts if isinstance(g, LossWindow)]
        sentences = [s for s in re.split(r"(?<=\.) ", beat.caption) if "loss" in s]
        assert len(strips) == len(sentences) >= 1
        for strip, sentence in zip(strips, sentences):
            key = "full" if sentence.startswith("Full batch") else "sgd"
            tail = runs[key].losses[0, first: k + 1]
            quoted = re.search(r"(?:between (\S+) and (\S+)|from (\S+) to (\S+)|stayed at (\S+))\.$", sentence)
            assert [v.original_text for v in strip.values] == [v for v in quoted.groups() if v], sentence
            assert [s.original_text for s in strip.steps] == [str(first), str(k)]
            assert strip.shown_steps() == p.noise_window  # drawn to the end when the caption ends
            strip.step.set_value(k - 0.02)  # as on a play's last frame, drawn just short of its end
            strip.update()
            assert strip.shown_steps() == p.noise_window and strip.segments[-1].get_stroke_opacity() > 0
            assert strip.steps[0].get_left()[0] >= strip.frame.get_left()[0] - 1e-9  # under the frame, clear of
            assert strip.steps[1].get_right()[0] <= strip.frame.get_right()[0] + 1e-9  # the value labels
            assert strip.get_right()[0] <= FRAME_WIDTH / 2 and strip.get_bottom()[1] > -4.0 + 0.1
            # the line's heights follow the engine's losses, and the bold (rising) steps are the rises
            heights = np.array([d.get_center()[1] for d in strip.dots])
            if sci(tail.min(), 3) == sci(tail.max(), 3):  # "stayed at": one flat line, one label on it
                assert np.ptp(heights) < 1e-9 and strip.values[0].get_y() == pytest.approx(heights[0])
            else:  # lowest loss on the bottom edge, highest on the top, linear between; labels at their heights
                slope, offset = np.polyfit(tail, heights, 1)
                assert slope > 0 and np.allclose(slope * tail + offset, heights, atol=1e-6)
                assert heights.min() == pytest.approx(strip.frame.get_bottom()[1])
                assert heights.max() == pytest.approx(strip.frame.get_top()[1])
                for label in strip.values:
                    i = np.argmin(np.abs(tail - value(label.original_text)))
                    assert label.get_y() == pytest.approx(heights[i], abs=0.02)
                    assert label.get_right()[0] < strip.frame.get_left()[0]
            ups = int(np.count_nonzero(np.diff(tail) > 1e-12 * np.maximum(1.0, np.abs(tail[:-1]))))
            assert int(strip.rising.sum()) == ups
            widths = [seg.get_stroke_width() for seg in strip.segments]
            assert sum(w > 3 for w in widths) == ups
            said = re.search(r"rose on (\w+) of those steps", sentence)
            from gdanim.wording import number_word
            assert (said.group(1) if said else None) == (number_word(ups) if ups else None)
