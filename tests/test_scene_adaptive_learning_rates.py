"""AdaptiveLearningRates' drawing: StepBars and StepHistory place the plan's values (rates and
real steps) on their log axes, and dry runs say exactly the plan. Claims: tests/lessons."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from manim import ValueTracker  # noqa: E402

from gdanim.engine import simulate  # noqa: E402
from gdanim.lessons.adaptive_learning_rates import Params, plan  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.step_bars import (  # noqa: E402
    HistoryMarker,
    StepBars,
    StepHistory,
    decade_span,
    log_fraction,
    tracker_index,
    value_label,
)
from gdanim.visual.value_labels import box_samples, clearance  # noqa: E402
from gdanim.wording import sci  # noqa: E402
from scenes.l5_adaptive_learning_rates import BARS_TITLE, AdaptiveLearningRates  # noqa: E402

P = Params()


@pytest.fixture(scope="module")
def lesson():
    return plan(P)


def test_scene_draws_its_plan():
    assert AdaptiveLearningRates.Params is Params and AdaptiveLearningRates.plan is plan
    assert "step" not in BARS_TITLE.lower() and "learning rate" in BARS_TITLE.lower()


def test_log_axis_helpers():
    assert decade_span([0.00113, 0.117]) == (-3, 0)
    assert decade_span([0.02, 0.03]) == (-2, -1)
    assert decade_span([0.0, np.nan]) == (-1, 0)
    assert decade_span([1e-12, 0.5], max_decades=8) == (-8, 0)
    assert log_fraction(0.01, -3, 0) == pytest.approx(1 / 3)
    assert log_fraction(0.0, -3, 0) == 0.0 and log_fraction(10.0, -3, 0) == 1.0
    assert value_label(0.0227272) == "0.0227" and value_label(1.2e-5) == "1.2×10⁻⁵"
    assert [tracker_index(k, 200) for k in (-1, 0, 0.5, 1.9999999999, 2, 250)] == [0, 0, 0, 2, 2, 200]


def test_bar_lengths_are_the_engine_rates_on_the_log_axis(lesson):
    runs = lesson.runs
    step = ValueTracker(0)
    bars = StepBars(runs.rates, step, ["AdaGrad", "RMSprop", "Adam"], ["#E69F00"] * 3, bar_width=2.7)
    bars.move_to([3.0, 1.0, 0.0])  # bars are redrawn relative to the moved panel
    assert (bars.lo, bars.hi) == (-3, 0)
    for k in (1, 10, 57, 100, 200):
        step.set_value(k)
        bars.update()
        for run in range(3):
            for c in range(2):
                want = runs.traj.step_scale[run, k - 1, c]  # the rate applied at step k
                length = bars.bar_extent(run, c)
                assert length == pytest.approx(2.7 * (np.log10(want) + 3) / 3, abs=1e-9)
                decoded = 10 ** (bars.lo + length / bars.bar_width * (bars.hi - bars.lo))
                assert decoded == pytest.approx(want, rel=1e-9)
                left = bars.bars[run][c].points[:, 0].min()
                assert left == pytest.approx(bars.panel.get_left()[0] + (bars.bar_left - bars._corner[0]))
    # AdaGrad's x bar at step 200 is shorter than at step 1; Adam's is longer (as the captions say)
    step.set_value(1)
    bars.update()
    first = [bars.bar_extent(r, 0) for r in range(3)]
    step.set_value(200)
    bars.update()
    assert bars.bar_extent(0, 0) < first[0] and bars.bar_extent(2, 0) > first[2]


def test_history_lines_decode_to_rates_and_real_steps(lesson):
    runs = lesson.runs
    step = ValueTracker(150)
    history = StepHistory(runs.rates[:, :, 0], step, ["#E69F00"] * 3, thin=runs.moves[:, :, 0])
    for thin, want in ((False, runs.traj.step_scale[1, :150, 0]),
                       (True, np.abs(np.diff(runs.traj.positions[1, :151, 0])))):
        pts = history.points_until(1, 150, thin)
        assert len(pts) == 150
        logs = np.array([history.axes.p2c(p)[1] for p in pts]) + history.lo
        np.testing.assert_allclose(10**logs, np.clip(want, 10.0**history.lo, None), rtol=1e-6)
    # Adam's thin line ends far below its thick one: a large rate, a tiny step
    step.set_value(200)
    history.update()
    rate_end = history.points_until(2, 200)[-1][1]
    move_end = history.points_until(2, 200, thin=True)[-1][1]
    assert move_end < rate_end - 0.5 * history.axes.y_length / (history.hi - history.lo)


def test_history_step_axis_is_numbered_outside_the_data(lesson):
    """Issue 10: "at step 57", "by step 200" must read off the history. Its step axis carries
    the first, middle and last step, each centred on its step, below every line and dot the
    history draws, and clear of the decade numbers up its side."""
    runs = lesson.runs
    step = ValueTracker(200)
    history = StepHistory(runs.rates[:, :, 0], step, ["#E69F00"] * 3, thin=runs.moves[:, :, 0])
    history.move_to([3.0, -1.5, 0.0])
    numbers = history.step_numbers
    assert [n.text for n in numbers] == ["0", "100", "200"]
    for n, k in zip(numbers, (0, 100, 200)):
        assert n.get_x() == pytest.approx(history.axes.c2p(k, 0)[0])
    lowest = min(line.points[:, 1].min() for line in [*history.lines, *history.thin_lines])
    marker = HistoryMarker(history, 2, thin=True)  # a dot at Adam's lowest real step
    marker.at.set_value(int(np.argmin(runs.moves[2, 1:, 0])) + 1)
    marker.update()
    lowest = min(lowest, marker.get_bottom()[1], history.cursor.get_bottom()[1])
    assert numbers.get_top()[1] < lowest - 0.05
    assert all(d.get_right()[0] < numbers.get_left()[0] or d.get_bottom()[1] > numbers.get_top()[1]
               for d in history.decades)


def test_history_marker_rides_a_line_at_its_own_step(lesson):
    """The closing captions' dot sits on the drawn line at whole steps and between them at
    fractional ones, while the step tracker (bars, runs) stays at the end."""
    runs = lesson.runs
    step = ValueTracker(200)
    history = StepHistory(runs.rates[:, :, 0], step, ["#E69F00"] * 3, thin=runs.moves[:, :, 0])
    history.move_to([2.0, -1.0, 0.0])
    for thin in (False, True):
        marker = HistoryMarker(history, 1, thin=thin)
        line = history.points_until(1, 200, thin)
        for k in (1, 57, 200):
            marker.at.set_value(k)
            marker.update()
            np.testing.assert_allclose(marker.get_center(), line[k - 1], atol=1e-9)
        marker.at.set_value(57.25)
        marker.update()
        np.testing.assert_allclose(marker.get_center(), 0.75 * line[56] + 0.25 * line[57], atol=1e-9)
    assert step.get_value() == 200
    band = history.window(180, 200, "#FFFFFF")
    assert band.get_left()[0] == pytest.approx(history.axes.c2p(180, 0)[0])
    assert band.get_right()[0] == pytest.approx(history.axes.c2p(200, 0)[0])


def test_a_stopped_run_keeps_its_last_rate_on_the_bars():
    traj = simulate("valley", "gd", (2.0, 1.0), 30, lr=0.5, tol_grad=0.0)  # diverges at step 7
    lesson = plan(Params(optimizers=["gd", "adam"], lrs={"gd": 0.5}, steps=30))
    assert int(traj.stop_step[0]) == 7
    step = ValueTracker(30)
    bars = StepBars(lesson.runs.rates, step, ["GD", "Adam"], ["#D55E00", "#E69F00"])
    assert bars.bar_extent(0, 0) == pytest.approx(bars.bar_length(0.5))


def test_dry_run_says_exactly_the_plan(tmp_path):
    p = Params()
    assert [c.text for c in dry_run_cues(AdaptiveLearningRates, p, out_dir=tmp_path)] == plan(p).cue_texts()


@pytest.mark.parametrize("values", [
    {"landscape": "rosenbrock", "optimizers": ["momentum", "adam"], "lrs": {"momentum": 0.0005, "adam": 0.05},
     "steps": 60, "first_steps": 5, "first_seconds": 1.0, "run_seconds": 2.0, "hold_seconds": 0.2},
    {"optimizers": ["gd", "adagrad"], "lrs": {"gd": 0.5}, "steps": 3, "first_steps": 10, "first_seconds": 1.0},
])
def test_dry_run_altered_params(tmp_path, values):
    p = Params(**values)
    assert [c.text for c in dry_run_cues(AdaptiveLearningRates, p, out_dir=tmp_path)] == plan(p).cue_texts()


def test_scaled_bars_keep_their_values(lesson):
    """Four runs make the panel too tall: the scene scales it, and redrawn bars follow."""
    step = ValueTracker(1)
    bars = StepBars(lesson.runs.rates, step, ["AdaGrad", "RMSprop", "Adam"], ["#E69F00"] * 3, bar_width=2.7)
    bars.scale(0.8).move_to([2.0, -1.0, 0.0])
    step.set_value(200)
    bars.update()
    for run in range(3):
        want = lesson.runs.traj.step_scale[run, 199, 0]
        assert bars.bar_extent(run, 0) == pytest.approx(0.8 * bars.bar_length(want), abs=1e-9)
        assert bars.bars[run][0].points[:, 0].min() == pytest.approx(
            bars.panel.get_left()[0] + 0.8 * (bars.bar_left - bars._corner[0]))
        label = bars.labels[run][0].points
        assert bars.panel.get_left()[0] < label[:, 0].min() and label[:, 0].max() < bars.panel.get_right()[0]


@pytest.mark.parametrize("values", [{}, {"optimizers": ["adagrad", "rmsprop"], "steps": 80, "first_steps": 5,
                                         "run_seconds": 3.0}])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, values):
    """Nothing of the next beat is drawn while a caption is up: every play inside a beat lies
    within its cue (its caption's fade-out just after), and no other play overlaps a caption
    (the invariant of tests/test_visual.py, on this scene)."""
    from test_visual import assert_beats_own_their_plays, beat_plays

    cues, plays = beat_plays(AdaptiveLearningRates, Params(**values), tmp_path)
    assert [c.text for c in cues] == plan(Params(**values)).cue_texts()
    assert_beats_own_their_plays(cues, plays)


@pytest.mark.parametrize("values", [{}, {"optimizers": ["gd", "adagrad", "adam"], "lrs": {"gd": 0.05}}])
def test_the_card_shows_the_rule_of_the_run_the_caption_speaks_of(tmp_path, values):
    """Issue 10: AdaGrad's and RMSprop's closing numbers were read beside Adam's rule. Every
    caption about one run (its rule, its rate, its contrast) is read beside that run's card."""
    shown, read = [], []

    class Probe(AdaptiveLearningRates):
        def swap_card(self, old, name, label):
            shown.append(name)
            return super().swap_card(old, name, label)

        def beat(self, text):
            read.append(shown[-1] if shown else None)
            return super().beat(text)

    p = Params(**values)
    dry_run_cues(Probe, p, out_dir=tmp_path)
    beats = plan(p).beats
    assert len(read) == len(beats)
    about_one = [(b.facts["optimizer"], card) for b, card in zip(beats, read) if "optimizer" in b.facts]
    assert {b.kind for b in beats if "optimizer" in b.facts} >= {"rule", "rate"}
    assert all(name == card for name, card in about_one), about_one


def test_highlights_leave_the_panels_whole_and_live(tmp_path):
    """Flashing a bar or a line takes its panel apart in manim's scene (a stuck panel's updater
    would stop): at the takeaway the bars and the history are whole and show the last step."""
    seen = {}

    class Probe(AdaptiveLearningRates):
        def show_takeaway(self, text, hold=6.0):
            seen["whole"] = all(m in self.mobjects for m in self.panels)
            seen["x"] = [self.bars.bar_extent(i, 0) for i in range(len(self.tracers))]
            seen["bar_length"], seen["scale"] = self.bars.bar_length, self.bars.panel.width / self.bars._panel_width
            super().show_takeaway(text, hold)

    lesson = plan(P)
    dry_run_cues(Probe, P, out_dir=tmp_path)
    assert seen["whole"]
    for i, x in enumerate(seen["x"]):
        want = lesson.runs.rates[i, -1, 0]
        assert x == pytest.approx(seen["scale"] * seen["bar_length"](want), abs=1e-9)


# --- the values the captions quote, on screen when they end -----------------------------------

QUOTED = [{}, {"optimizers": ["adagrad", "rmsprop"], "steps": 80, "first_steps": 5, "run_seconds": 3.0},
          {"optimizers": ["adam", "rmsprop"], "start": (-2.2, 1.2), "steps": 150}]


def one_line(text: str) -> str:
    return " ".join(text.split())


def quoted_pictures(tmp_path, p):
    """Dry run: the start label, every tag with the caption it was drawn under, and the bars."""
    seen = {"tags": []}

    class Probe(AdaptiveLearningRates):
        def start_label(self, stage, ring, facts):
            seen["start"] = label = super().start_label(stage, ring, facts)
            seen["ring"] = ring.get_center()
            return label

        def tag(self, i, step, words, thin=False):
            animations = super().tag(i, step, words, thin)
            seen["tags"].append((one_line(self.open_beat), self.tags[-1]))
            seen["history"] = self.history
            return animations

        def show_takeaway(self, text, hold=6.0):
            seen["bars"] = self.bars
            super().show_takeaway(text, hold)

    dry_run_cues(Probe, p, out_dir=tmp_path)
    return seen


def engine_runs(p):
    from gdanim.landscapes import get_landscape

    land = get_landscape(p.landscape)
    start = land.default_start if p.start is None else p.start
    lrs = {"adagrad": 0.1, "rmsprop": 0.01, "adam": 0.1}
    return land, start, [simulate(land, n, start, p.steps, lr=p.lrs.get(n, lrs[n]), tol_grad=0.0)
                         for n in p.optimizers]


@pytest.mark.parametrize("values", QUOTED)
def test_every_value_a_closing_caption_quotes_is_written_at_its_step(tmp_path, values):
    """Issue: 'loss 0.049', 'dipped to 0.0063 at step 57', 'AdaGrad 0.00237' were true but on
    no screen. Each tag says what its caption says, sits on its run's line at the step it names,
    and the value there is the engine's; each run's loss is under its name once quoted."""
    p = Params(**values)
    land, start, refs = engine_runs(p)
    lesson = plan(p)
    seen = quoted_pictures(tmp_path, p)
    captions = [one_line(b.caption) for b in lesson.beats]

    where, loss = seen["start"].text.split(", loss ")
    assert f"from {where}, where the {land.title} loss is {loss}." in captions[0]
    assert where == f"({start[0]:g}, {start[1]:g})".replace("-", "−") and loss == sci(land.value(np.array(start)), 3)
    assert 0.1 < clearance(seen["start"], seen["ring"]) < 0.5  # beside the start's ring, not over it

    history = seen["history"]
    kinds = set()
    for caption, tag in seen["tags"]:
        assert tag.text in caption
        t = refs[tag.run]
        rate, move = t.step_scale[0, :, 0], np.abs(np.diff(t.positions[0, :, 0]))
        np.testing.assert_allclose(tag[0].get_center(), history.point_at(tag.run, tag.step, tag.thin), atol=1e-9)
        number = tag.text.split()[0] if tag.text[0].isdigit() else tag.text.split()[-1]
        if tag.text.startswith(("fell", "rose")):  # how many times the x rate changed, first to last
            assert number == f"{sci(max(rate[-1] / rate[0], rate[0] / rate[-1]), 2)}×" and tag.step == p.steps
            kinds.add("ratio")
        elif tag.thin:  # a real step |Δx|
            assert number == sci(move[tag.step - 1], 3)
            kinds.add("step")
        else:  # a rate: the first, or the turn at its step
            assert number == sci(rate[tag.step - 1], 3)
            if " at step " in tag.text:
                assert int(tag.text.split()[-1]) == tag.step
                assert tag.step - 1 in (int(np.argmin(rate)), int(np.argmax(rate)))
                kinds.add("turn")
            else:
                assert tag.step == 1
                kinds.add("first")
    assert {"first", "step"} <= kinds
    for caption in {c for c, _ in seen["tags"]}:  # the tags of one caption do not cover each other
        labels = [tag[1] for c, tag in seen["tags"] if c == caption]
        lo, hi = history.axes.get_corner(manim.DL)[:2] - 1e-6, history.axes.get_corner(manim.UR)[:2] + 1e-6
        assert all(np.all(a.get_corner(manim.DL)[:2] >= lo) and np.all(a.get_corner(manim.UR)[:2] <= hi)
                   for a in labels), caption  # on the chart
        for n, a in enumerate(labels):
            assert all(clearance(a, box_samples(b)) > 0 for b in labels[n + 1:]), caption

    bars = seen["bars"]
    for i, (name, t) in enumerate(zip(p.optimizers, refs)):
        note = f"loss {sci(t.losses[0, p.steps])}"
        assert bars.note_texts[i] == note and bars.notes[i].get_fill_opacity() == 1.0
        said = [c for c, b in zip(captions, lesson.beats) if b.kind == "rate" and b.facts["optimizer"] == name]
        assert f"; {note}." in said[0]
