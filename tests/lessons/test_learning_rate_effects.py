"""LearningRateEffects' plan: every claim checked against an independent engine run, over a grid
of lecturer-style parameters (other landscapes, optimizers, rate sets that all diverge, one
rate, five rates, tiny budgets, other starts, tol_grad=0)."""

import math
import re

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.learning_rate_effects import Params, curvatures, default_rates, plan, stability_limit
from gdanim.wording import rate, sci

from caption_reading import count_of as number

GRID = [
    {},
    {"lrs": [0.001, 0.01, 0.1]},  # the README's example: nothing diverges, 0.1 sits at 2/λmax
    {"landscape": "bowl"},
    {"landscape": "rosenbrock"},  # GD, default fractions: the largest is above 2/λmax yet stays
    {"landscape": "rosenbrock", "lrs": [0.0005, 0.001, 0.002]},
    {"optimizer": "adam"},
    {"optimizer": "momentum"},
    {"optimizer": "nesterov"},
    {"optimizer": "adam", "lrs": [0.01, 0.1, 0.5, 1.0]},
    {"optimizer": "rmsprop", "lrs": [0.001, 0.01, 0.1]},
    {"lrs": [0.05]},  # one rate
    {"landscape": "bowl", "lrs": [0.5]},  # one rate, one step
    {"lrs": [0.01, 0.03, 0.05, 0.08, 0.1]},  # five rates
    {"lrs": [0.11, 0.2, 0.5]},  # every rate diverges
    {"steps": 1},
    {"steps": 2},
    {"steps": 5},
    {"start": (-2.0, -1.2)},
    {"landscape": "himmelblau"},
    {"landscape": "six_hump_camel"},
    {"landscape": "saddle", "lrs": [0.01, 0.1, 0.6]},  # no minimum: no limit; escapes with falling loss
    {"landscape": "booth"},  # a rate below 2/λmax leaves the plot
    {"landscape": "ackley", "lrs": [1e-5, 1e-4, 1e-3]},  # a cusp, no curvature; losses differ in the 3rd figure
    {"landscape": "ackley", "lrs": [0.001, 0.01, 0.1, 0.5]},
    {"tol_grad": 0.0},
    {"first_steps": 200},
    {"landscape": "bowl", "start": (0.001, 0.001)},  # already converged at the start
    {"landscape": "saddle", "lrs": [0.6]},  # one rate, escaping with a falling loss
]
CLAIMS = {}  # claims checked per parameter set (for the report)
NUMBER = r"−?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+|e[-+]\d+)?"


def rate_text(lr) -> str:
    return rate(lr)  # the one way a rate is printed (gdanim.wording)


def quoted(value: float, text: str) -> bool:
    """Whether ``text`` is ``value`` to some number of significant figures (2 to 6)."""
    return any(sci(value, d) == text for d in range(2, 7))


def hessian_top(land, at, scale=1e-4) -> float:
    """Largest Hessian eigenvalue at ``at`` from second differences of the loss itself."""
    h = scale * max(hi - lo for lo, hi in land.domain)
    f = lambda x, y: float(land.value(np.array([x, y])))  # noqa: E731
    x, y = at
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h**2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h**2
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h * h)
    return float(np.linalg.eigvalsh([[fxx, fxy], [fxy, fyy]])[-1])


class Reference:
    """The lesson's runs simulated here from the params alone, and what each run did, counted
    step by step (not through the plan module)."""

    def __init__(self, p: Params):
        self.land = land = get_landscape(p.landscape)
        self.start = tuple(land.default_start if p.start is None else p.start)
        self.minimum = None  # the nearest minimum, where the curvature is smooth and positive
        if len(land.minima):
            at = min(land.minima, key=lambda m: math.dist(m, self.start))
            self.top = hessian_top(land, at)
            if self.top > 0 and hessian_top(land, at, 1e-3) == pytest.approx(self.top, rel=1e-2):
                self.minimum, self.limit = at, 2 / self.top
        if p.lrs is not None:
            self.lrs = list(p.lrs)
        else:
            self.lrs = [float(f"{f * self.limit:.2g}") for f in p.stability_fractions]
        self.traj = simulate(p.landscape, p.optimizer, self.start, p.steps, lr=np.array(self.lrs),
                             tol_grad=p.tol_grad, diverge_at=p.diverge_at)
        self.n = len(self.lrs)
        (x0, x1), (y0, y1) = land.domain
        self.stop, self.reason, self.left, self.turns, self.pairs = [], [], [], [], []
        for i in range(self.n):
            stop = int(self.traj.stop_step[i])
            self.stop.append(stop)
            self.reason.append(str(self.traj.stop_reason[i]))
            pos = self.traj.positions[i, : stop + 1]
            out = [k for k, (x, y) in enumerate(pos) if not (x0 <= x <= x1 and y0 <= y <= y1)]
            self.left.append(out[0] if out else None)
            moves = [pos[k + 1] - pos[k] for k in range(stop) if np.any(pos[k + 1] != pos[k])]
            self.pairs.append(max(len(moves) - 1, 0))
            self.turns.append(sum(float(np.dot(a, b)) < 0 for a, b in zip(moves, moves[1:])))
        self.first = [float(self.traj.losses[i, 0]) for i in range(self.n)]
        self.last = [float(self.traj.losses[i, self.stop[i]]) for i in range(self.n)]

    def escaped(self, i):
        return self.reason[i] == "diverged" or self.left[i] is not None

    def converged(self, i):
        return self.reason[i] == "converged_grad"

    def too_large(self, i):
        return self.escaped(i) and self.last[i] > self.first[i]

    def overshoots(self, i, share):
        return self.turns[i] >= 1 and self.turns[i] >= share * self.pairs[i]


def run_text(lesson, i) -> str:
    return " ".join(b.caption for b in lesson.beats if b.kind == "verdict" and b.facts["run"] == i)


def numbers_in(text: str) -> list[str]:
    return re.findall(NUMBER, text.replace("2/λmax", "").replace("10⁻", "10⁻"))


@pytest.mark.parametrize("values", GRID, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "defaults")
def test_every_claim_holds_for_the_runs(values):
    p = Params(**values)
    lesson = plan(p)
    ref = Reference(p)
    n, traj = ref.n, ref.traj
    kinds = [b.kind for b in lesson.beats]
    claims = 0

    # the runs drawn are these runs, at these rates
    assert np.array_equal(lesson.runs.traj.positions, traj.positions); claims += 1
    assert list(lesson.runs.lrs) == ref.lrs and list(lesson.runs.rate_labels) == [rate_text(v) for v in ref.lrs]
    claims += 1

    # beats in drawing order
    order = ["intro", "limit", "slow_steps", "rest_steps", "verdict"]
    assert [order.index(k) for k in kinds] == sorted(order.index(k) for k in kinds); claims += 1
    told = [b.facts["run"] for b in lesson.beats_of("verdict")]
    assert told == sorted(told)
    assert {b.facts["run"] for b in lesson.beats_of("verdict")} == set(range(n)); claims += 1

    # intro: how many runs, of which rule, on which landscape, from where
    (intro,) = lesson.beats_of("intro")
    title = {"gd": "GD", "adam": "Adam", "momentum": "momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop"}
    m = re.match(r"(\w+) runs? of (\S+) on the (.+) loss from \((.+)\)", intro.caption)
    assert m and number(m.group(1)) == n; claims += 1
    assert m.group(2) == title[p.optimizer] and m.group(3) == ref.land.title; claims += 1
    assert [float(v.replace("−", "-")) for v in m.group(4).split(", ")] == pytest.approx(ref.start); claims += 1
    assert ("only the learning rate α differs" in intro.caption) == (n > 1); claims += 1
    if n == 1:
        assert intro.caption.endswith(f"with {rate_text(ref.lrs[0])}."); claims += 1

    # GD's stability limit: only for GD at a minimum; stated as the rule only when no run contradicts it
    limit_text = " ".join(b.caption for b in lesson.beats_of("limit"))
    rule = "stable only for" in limit_text
    assert bool(limit_text) == (p.optimizer == "gd" and ref.minimum is not None); claims += 1
    assert lesson.runs.rule == {"gd": r"\theta \leftarrow \theta - \alpha \, \nabla L(\theta)"}.get(
        p.optimizer, lesson.runs.rule) and lesson.runs.rule; claims += 1
    if limit_text:
        lam = re.search(r"λmax = (" + NUMBER + r")", limit_text).group(1)
        lim = re.search(r"2/λmax = (" + NUMBER + r")", limit_text).group(1)
        assert float(lam) == pytest.approx(ref.top, rel=2e-3); claims += 1
        digits = len(lim.replace("0.", "").lstrip("0").replace(".", ""))
        assert float(lim) == float(f"{ref.limit:.{max(digits, 1)}g}"); claims += 1
        off = [i for i in range(n) if abs(ref.lrs[i] - ref.limit) > 1e-6 * ref.limit]
        above_ok = [i for i in off if ref.lrs[i] > ref.limit and not ref.escaped(i)]
        below_bad = [i for i in off if ref.lrs[i] < ref.limit and ref.escaped(i)]
        assert all((ref.lrs[i] > float(lim)) == (ref.lrs[i] > ref.limit) for i in off); claims += 1
        assert rule == (not above_ok and not below_bad); claims += 1
        if len(ref.land.minima) > 1:
            assert f"({sci(ref.minimum[0], 3)}" in limit_text.replace(" ", ""); claims += 1
        if not rule:
            m = re.search(r"Yet (α = \S+), (above|below) that, (.*?)\.", limit_text)
            i = [rate_text(v) for v in ref.lrs].index(m.group(1))
            if m.group(2) == "above":
                assert i in above_ok; claims += 1
                assert re.fullmatch(r"neither diverges nor leaves the plot in (\w+) steps?", m.group(3))
                assert number(m.group(3).split(" in ")[-1].split()[0]) == p.steps; claims += 1
            else:
                assert i in below_bad; claims += 1
                k = int(re.search(r"step (\d+)", m.group(3)).group(1))
                assert k == (ref.left[i] if "leaves the plot" in m.group(3) else ref.stop[i]); claims += 1

    # the slow steps and the rest: the steps really played, the loss axis really log
    (slow,) = lesson.beats_of("slow_steps")
    end = max(ref.stop)
    first = min(p.first_steps, end)
    assert slow.facts["to_step"] == first; claims += 1
    if end == 0:
        assert slow.caption.startswith("No run moves") and all(ref.converged(i) for i in range(n)); claims += 1
    elif first == end:
        m = re.match(r"(?:All (\w+) steps|The one step|Both steps), slowly\.", slow.caption)
        assert m and (number(m.group(1)) if m.group(1) else {"T": 1, "B": 2}[slow.caption[0]]) == end; claims += 1
    else:
        m = re.match(r"The first (\w+) steps, slowly\.", slow.caption)
        assert m and number(m.group(1)) == first < end; claims += 1
    finite = traj.losses[np.isfinite(traj.losses)]
    log = ref.land.min_value is not None and bool(np.all(finite - ref.land.min_value > -1e-12))
    assert ("on a log axis" in slow.caption) == log == lesson.runs.log_axis; claims += 1
    assert ("each run's" in slow.caption) == (n > 1); claims += 1
    rest = lesson.beats_of("rest_steps")
    assert bool(rest) == (end > first); claims += 1
    for beat in rest:
        k = int(re.search(r"up to step (\d+)", beat.caption).group(1))
        assert k == end == beat.facts["to_step"]; claims += 1
        assert ("stops" in beat.caption) == (end < p.steps); claims += 1

    # each run's verdict
    fastest_stop = min((ref.stop[i] for i in range(n) if ref.converged(i)), default=None)
    n_done = sum(ref.converged(i) for i in range(n))
    for i in range(n):
        text = run_text(lesson, i)
        a = rate_text(ref.lrs[i])
        for beat in (b for b in lesson.beats_of("verdict") if b.facts["run"] == i):
            f = beat.facts
            assert (f["lr"], f["stop_step"], f["stop_reason"], f["left_plot"], f["turns"], f["pairs"]) == \
                (ref.lrs[i], ref.stop[i], ref.reason[i], ref.left[i], ref.turns[i], ref.pairs[i]); claims += 1
            assert (f["first_loss"], f["loss"]) == (ref.first[i], ref.last[i]); claims += 1
        assert text.startswith(a); claims += 1
        # the numbers quoted are this run's (or its witness's) numbers
        w = next(b.facts["too_small_witness"] for b in lesson.beats_of("verdict") if b.facts["run"] == i)
        known = {rate(v)[len("α = "):] for v in ref.lrs} | {str(v) for v in (ref.stop[i], ref.left[i], ref.turns[i], ref.pairs[i],
                                                                p.steps) if v is not None} | {f"{p.tol_grad:g}"}
        losses = [ref.first[i], ref.last[i]] + ([ref.last[w]] if w is not None else [])
        if w is not None:
            known.add(str(ref.stop[w]))
        for token in numbers_in(text):
            assert token in known or any(quoted(v, token) for v in losses), (token, text); claims += 1
        # too large <=> the loss grew as the run diverged or left the plot
        assert ("is too large" in text) == ref.too_large(i); claims += 1
        m = re.search(r"leaves the plot at step (\d+)", text)
        if m:
            k = int(m.group(1))
            assert k == ref.left[i]; claims += 1
            (x0, x1), (y0, y1) = ref.land.domain
            x, y = traj.positions[i, k - 1] if k else (x0, y0)
            assert x0 <= x <= x1 and y0 <= y <= y1; claims += 1
        else:
            assert ref.left[i] is None or (ref.reason[i] == "diverged" and ref.left[i] == ref.stop[i]); claims += 1
        m = re.search(r"diverges at step (\d+)", text)
        assert bool(m) == (ref.reason[i] == "diverged"); claims += 1
        if m:
            assert int(m.group(1)) == ref.stop[i]; claims += 1
        m = re.search(r"[Ii]ts loss (fell|rose) from (" + NUMBER + r") to (" + NUMBER + r")", text)
        if m:
            assert (m.group(1) == "rose") == (ref.last[i] > ref.first[i]); claims += 1
            assert quoted(ref.first[i], m.group(2)) and quoted(ref.last[i], m.group(3)); claims += 1
            assert m.group(2) != m.group(3); claims += 1
        # overshooting: steps that really turn back, counted here
        over = re.search(r"overshoots: (every step after the first turns back|its second step turns back against "
                         r"the first|(\d+) of its (\d+) steps after the first turn back)", text)
        assert bool(over) == ref.overshoots(i, p.oscillation_share); claims += 1
        if over and over.group(2):
            assert (int(over.group(2)), int(over.group(3))) == (ref.turns[i], ref.pairs[i]); claims += 1
            assert ref.turns[i] < ref.pairs[i]; claims += 1
        elif over:
            assert ref.turns[i] == ref.pairs[i] >= 1; claims += 1
            assert ("second step" in over.group(1)) == (ref.pairs[i] == 1); claims += 1
        # converged: the engine's stop step, the gradient norm below tolerance there
        m = re.search(r"‖∇L‖ < (\S+) after (\w+) steps?", text)
        assert bool(m) == (ref.converged(i) and ref.stop[i] > 0); claims += 1
        if m:
            assert number(m.group(2)) == ref.stop[i] and float(m.group(1)) == p.tol_grad; claims += 1
            assert np.hypot(*traj.gradients[i, ref.stop[i]]) < p.tol_grad; claims += 1
        if "smoothly" in text:
            assert ref.turns[i] == 0 and ref.pairs[i] >= 1 and ref.converged(i); claims += 1
        if "the fastest here" in text:
            assert ref.stop[i] == fastest_stop and n_done > 1; claims += 1
            assert [ref.stop[j] for j in range(n) if ref.converged(j)].count(fastest_stop) == 1; claims += 1
        if "the only run that converges" in text:
            assert n_done == 1 and ref.converged(i) and n > 1; claims += 1
        # too small: out of budget, no overshoot, in the plot, and a larger rate clearly did better
        m = re.search(r"is too small: after (\w+) steps? its loss is still (\S+) \(from (\S+)\), while "
                      r"(α = \S+) (?:converges in (\w+) steps?|gets to (\S+))\.", text)
        better = [j for j in range(n) if ref.lrs[j] > ref.lrs[i] and not ref.escaped(j)
                  and (ref.converged(j) or 10 * ref.last[j] <= ref.last[i])]
        slow_run = (not ref.converged(i) and not ref.escaped(i) and not ref.overshoots(i, p.oscillation_share)
                    and ref.last[i] < ref.first[i])
        assert bool(m) == (slow_run and bool(better)) == ("too small" in text); claims += 1
        if m:
            assert number(m.group(1)) == p.steps and ref.reason[i] == "max_steps"; claims += 1
            assert quoted(ref.last[i], m.group(2)) and quoted(ref.first[i], m.group(3)); claims += 1
            j = [rate_text(v) for v in ref.lrs].index(m.group(4))
            assert j in better and j == w; claims += 1
            if m.group(5):
                assert ref.converged(j) and number(m.group(5)) == ref.stop[j]; claims += 1
            else:
                assert not any(ref.converged(k) for k in better) and quoted(ref.last[j], m.group(6)); claims += 1
        if "has not converged" in text:
            assert ref.reason[i] == "max_steps" and p.tol_grad > 0; claims += 1
            assert number(re.search(r"after (\w+) steps?", text).group(1)) == p.steps; claims += 1
        if "limit 2/λmax itself" in text:
            assert abs(ref.lrs[i] - ref.limit) <= 1e-6 * ref.limit and p.optimizer == "gd"; claims += 1
        # the label under the panel
        label = lesson.runs.labels[i]
        expected = ("diverged" if ref.reason[i] == "diverged" else "left the plot" if ref.left[i] is not None else
                    "converged" if ref.converged(i) else "too small" if "too small" in text else
                    "not converged" if p.tol_grad > 0 else "loss")
        assert label.startswith(expected); claims += 1

    # subtitle and takeaway: each word earned by some run
    small = [i for i in range(n) if "is too small" in run_text(lesson, i)]
    large = [i for i in range(n) if ref.too_large(i)]
    stops = [ref.stop[i] for i in range(n) if ref.converged(i)]
    just = stops.count(min(stops, default=-1)) == 1
    words = ["too small"] * bool(small) + ["just right"] * (just and bool(small or large)) + ["too large"] * bool(large)
    assert lesson.title == "The learning rate"; claims += 1
    if len(words) >= 2:
        assert lesson.subtitle == ", ".join(words); claims += 1
    else:
        assert lesson.subtitle.startswith(title[p.optimizer] + " from one start") and "too" not in lesson.subtitle
        claims += 1
    t = lesson.takeaway
    assert ("Too small a rate" in t) == bool(small); claims += 1
    assert ("too large a rate" in t.lower()) == bool(large); claims += 1
    assert ("keep α below 2/λmax" in t) == rule; claims += 1
    if rule:
        assert re.search(r"2/λmax = (" + NUMBER + ")", t).group(1) == lim; claims += 1
    m = re.search(r"Here (only )?(.+?) converged(?: fastest)?,? in (\w+) steps?", t)
    if m:
        named = re.split(r", | and ", m.group(2))
        best = [rate_text(ref.lrs[i]) for i in range(n) if ref.converged(i) and ref.stop[i] == min(stops)]
        assert named == best and number(m.group(3)) == min(stops) > 0; claims += 1
        assert bool(m.group(1)) == (n_done == 1 and n > 1); claims += 1
        assert ("fastest" in m.group(0)) == (n_done > 1); claims += 1
    else:
        assert not stops or max(ref.stop) == 0; claims += 1
    m = re.search(r"the lowest final loss here is (α = \S+)'s, (" + NUMBER + ")", t)
    if m:
        i = [rate_text(v) for v in ref.lrs].index(m.group(1))
        assert ref.last[i] == min(ref.last) and quoted(ref.last[i], m.group(2)); claims += 1
    m = re.search(r"At (α = \S+), its loss (fell|rose) from (\S+) to (\S+) by step (\d+)\.", t)
    if m:
        assert n == 1 and int(m.group(5)) == ref.stop[0] and quoted(ref.last[0], m.group(4)); claims += 1
    assert bool(re.search("lowest final loss|by step|none moves|not move|converged", t)) or small or large
    claims += 1
    assert "blows up" not in t and "crawls" not in t; claims += 1
    CLAIMS[repr(values)] = claims
    assert claims >= 25


# --- rates from curvature ------------------------------------------------------------------------

def test_curvature_of_the_quadratics_and_the_default_rates():
    assert np.allclose(curvatures(get_landscape("valley"), (0, 0)), [2.0, 20.0])
    assert np.allclose(curvatures(get_landscape("valley", k=4.0), (0.3, -0.2)), [2.0, 8.0])
    at, top, limit = stability_limit(get_landscape("valley"), (2, 1))
    assert tuple(at) == (0.0, 0.0) and (top, limit) == pytest.approx((20.0, 0.1))
    assert stability_limit(get_landscape("saddle"), (1.8, 0.001)) is None  # no minimum
    assert stability_limit(get_landscape("ackley"), (3.3, -2.6)) is None  # a cusp: no curvature
    assert default_rates(Params(), get_landscape("valley")) == [0.002, 0.05, 0.095, 0.11]
    assert default_rates(Params(landscape="bowl"), get_landscape("bowl")) == [0.02, 0.5, 0.95, 1.1]
    assert list(plan(Params(lrs=[0.01, 0.2])).runs.lrs) == [0.01, 0.2]


# --- the false sentences of the old scene, one test each -------------------------------------------

def captions(lesson) -> str:
    return " ".join(b.caption for b in lesson.beats)


def test_readme_example_claims_no_large_rate_and_no_blow_up():
    """lrs=[0.001, 0.01, 0.1]: no run diverges (0.1 sits at 2/λmax); the old subtitle said 'too
    small, just right, too large' and the takeaway 'blows up'."""
    lesson = plan(Params(lrs=[0.001, 0.01, 0.1]))
    assert "too large" not in lesson.subtitle and "just right" not in lesson.subtitle
    assert "blows up" not in lesson.takeaway and "too large" not in lesson.takeaway.lower()
    traj = simulate("valley", "gd", (2.0, 1.0), 100, lr=np.array([0.001, 0.01, 0.1]), tol_grad=1e-2)
    assert "diverged" not in set(traj.stop_reason)
    assert "This α is the limit 2/λmax itself." in run_text(lesson, 2)


def test_a_rate_that_converges_slower_is_not_too_small():
    """Five rates: 0.03 converges in 97 of 100 steps; only 0.01, out of budget, is too small.
    The README set's 0.01 runs out of budget but no larger rate does better: not too small."""
    five = plan(Params(lrs=[0.01, 0.03, 0.05, 0.08, 0.1]))
    assert "too small" in run_text(five, 0) and "too small" not in run_text(five, 1)
    assert "converges smoothly: ‖∇L‖ < 0.01 after 97 steps" in run_text(five, 1)
    readme = plan(Params(lrs=[0.001, 0.01, 0.1]))
    assert run_text(readme, 1) == "α = 0.01 has not converged after 100 steps: its loss fell from 14 to 0.07."


def test_fastest_is_the_fastest_converging_run_and_smooth_means_no_turn():
    """Five rates: 0.08 turns back on some steps; the old caption called it 'converges smoothly'."""
    lesson = plan(Params(lrs=[0.01, 0.03, 0.05, 0.08, 0.1]))
    assert run_text(lesson, 3) == "α = 0.08 converges: ‖∇L‖ < 0.01 after 35 steps, the fastest here."
    one = plan(Params(lrs=[0.05]))
    assert "fastest" not in captions(one) and "only the learning rate α differs" not in captions(one)


def test_stability_limit_is_stated_only_when_the_runs_agree():
    rosen = plan(Params(landscape="rosenbrock", lrs=[0.0005, 0.001, 0.002]))
    text = captions(rosen)
    assert "stable only for" not in text  # the old caption stated it; α = 0.002 > 0.001997 stays
    assert "2/λmax = 0.001997" in text and "Yet α = 0.002, above that, neither diverges" in text
    himmel = plan(Params(landscape="himmelblau"))
    assert "stable only for" not in captions(himmel) and "Yet α = 0.027, above that" in captions(himmel)
    for values in ({"optimizer": "adam"}, {"optimizer": "momentum"}, {"landscape": "saddle", "lrs": [0.01, 0.1]}):
        assert not plan(Params(**values)).beats_of("limit")


def test_flipping_every_step_only_when_every_step_turns_back():
    """Himmelblau α = 0.024: the old caption said 'flipping across the floor every step'; 95 of its
    99 step pairs turn back."""
    lesson = plan(Params(landscape="himmelblau"))
    assert "95 of its 99 steps after the first turn back" in run_text(lesson, 2)
    assert "every step" not in run_text(lesson, 2)


def test_no_bounce_and_no_too_large_for_a_run_sliding_off_the_saddle():
    """The saddle's α = 0.1 slides off along y, never turning back, its loss falling: the old caption
    said 'is too large: each bounce overshoots more'; GD's limit there was 'near the minimum' of a
    landscape without one."""
    saddle = plan(Params(landscape="saddle", lrs=[0.01, 0.1]))
    assert run_text(saddle, 1) == ("α = 0.1 leaves the plot at step 42. "
                                   "After 100 steps its loss fell from 3.2 to −6.9×10⁹.")
    assert not saddle.beats_of("limit")
    ackley = plan(Params(landscape="ackley", lrs=[0.001, 0.01]))  # a cusp: no λmax to quote
    assert not ackley.beats_of("limit")


def test_leaves_the_plot_at_the_first_step_outside():
    lesson = plan(Params())
    traj = simulate("valley", "gd", (2.0, 1.0), 100, lr=0.11, tol_grad=1e-2)
    assert abs(traj.positions[0, 2, 1]) <= 1.5 < abs(traj.positions[0, 3, 1])
    assert "leaves the plot at step 3 and diverges at step 76" in run_text(lesson, 3)
    assert f"to {sci(traj.losses[0, 76])}" in run_text(lesson, 3)


def test_small_budgets_and_three_figure_losses_read_right():
    assert plan(Params(steps=1)).beats_of("slow_steps")[0].caption.startswith("The one step, slowly.")
    assert "All five steps, slowly." in captions(plan(Params(steps=5)))
    text = captions(plan(Params(landscape="himmelblau")))
    assert "e+" not in text and "(from 170)" in text  # the old caption printed 1.7e+02
    ackley = captions(plan(Params(landscape="ackley", lrs=[1e-5, 1e-4, 1e-3])))
    assert not re.search(r"from (\S+) to \1\b", ackley)  # 'from 11 to 11'


def test_one_rate_and_a_start_at_the_minimum():
    bowl = plan(Params(landscape="bowl", lrs=[0.5]))
    assert run_text(bowl, 0) == "α = 0.5 converges: ‖∇L‖ < 0.01 after one step."
    still = plan(Params(landscape="bowl", start=(0.001, 0.001)))
    assert still.beats_of("slow_steps")[0].caption.startswith("No run moves")
    assert not still.beats_of("rest_steps") and still.takeaway.startswith("Every run starts")


@pytest.mark.parametrize("values, match", [
    ({"landscape": "valey"}, "unknown landscape 'valey' \\(did you mean 'valley'"),
    ({"optimizer": "adma"}, "did you mean 'adam'"),
    ({"lrs": [0.1, -0.1]}, "lrs\\[1\\] must be in"),
    ({"lrs": [0.0]}, "lrs\\[0\\] must be in"),
    ({"lrs": [float("nan")]}, "must be a finite number"),
    ({"lrs": [0.01] * 6}, "1 to 5"),
    ({"lrs": [0.01, 0.01]}, "repeats a learning rate"),
    ({"lrs": []}, "1 to 5"),
    ({"stability_fractions": []}, "1 to 5"),
    ({"start": (9.0, 0.0)}, "outside the valley plot"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to 5000"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"tol_grad": -1.0}, "tol_grad"),
    ({"oscillation_share": 0.0}, "oscillation_share"),
    ({"first_seconds": 1e6}, "first_seconds"),
    ({"first_steps": 0}, "first_steps"),
    ({"landscape": "saddle"}, "no minimum .* give the learning rates with lrs"),
    ({"landscape": "ackley"}, "smooth curvature .* give the learning rates with lrs"),
])
def test_bad_params_are_refused_with_the_fix(values, match):
    with pytest.raises(ValueError, match=match):
        Params(**values)
