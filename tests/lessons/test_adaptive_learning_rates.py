"""AdaptiveLearningRates' plan: every claim checked against independent engine runs (one
``simulate`` per optimizer, here) over a grid of lecturer-style parameters: subsets of the
rules, GD beside them, other landscapes and starts, tiny budgets, rates far too large."""

import re
import subprocess
import sys

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.adaptive_learning_rates import Params, plan
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import sci, wrap_caption

from caption_reading import NUMBER_WORDS as WORDS

LESSON = {"adagrad": 0.1, "rmsprop": 0.01, "adam": 0.1, "adamw": 0.1}  # the rates the Params help promises
TORCH = {"adagrad": 0.01, "rmsprop": 0.01, "adam": 0.001}

GRID = [
    {},
    {"optimizers": ["adagrad"]},
    {"optimizers": ["rmsprop"]},
    {"optimizers": ["adam"]},
    {"optimizers": ["gd", "adagrad", "rmsprop", "adam"], "lrs": {"gd": 0.05}},
    {"landscape": "bowl"},
    {"landscape": "rosenbrock"},
    {"start": (-2.2, 1.2)},
    {"start": (1.0, -1.4), "steps": 120},
    {"steps": 1},
    {"steps": 3},
    {"steps": 2, "first_steps": 0},
    {"optimizers": ["adagrad"], "lrs": {"adagrad": 5.0}},  # large, but AdaGrad's steps stay below α
    {"optimizers": ["adam"], "lrs": {"adam": 3.0}},  # leaves the plot at step 1, comes back
    {"optimizers": ["gd", "adam"], "lrs": {"gd": 0.5}},  # GD diverges at step 7
    {"optimizers": ["rmsprop"], "lrs": {"rmsprop": 100.0}, "steps": 1000},  # ends outside, loss up 3000×
    {"lrs": TORCH},
    {"optimizers": ["adagrad", "rmsprop", "adam", "adamw"]},
    {"optimizers": ["momentum", "nesterov"], "lrs": {"momentum": 0.01, "nesterov": 0.01}},
    {"optimizers": ["rmsprop", "adam"], "landscape": "himmelblau"},
    {"start": (0.0, 0.0), "steps": 20},  # at the minimum: the gradient is 0, nothing moves
    {"landscape": "rastrigin", "optimizers": ["adam", "sgd"], "steps": 80, "first_steps": 100},
]
TITLES = {name: spec.title for name, spec in OPTIMIZERS.items()}


def ids(values):
    return ",".join(f"{k}={v}" for k, v in values.items()) or "defaults"


def reference(p: Params):
    """Each optimizer's run, simulated here from the params alone; and the rates used."""
    land = get_landscape(p.landscape)
    start = land.default_start if p.start is None else p.start
    lrs = [p.lrs.get(n, LESSON.get(n, OPTIMIZERS[n].defaults["lr"])) for n in p.optimizers]
    return land, start, lrs, [simulate(land, n, start, p.steps, lr=lr, tol_grad=0.0)
                              for n, lr in zip(p.optimizers, lrs)]


def taken(t) -> int:
    """Steps the run really took (a step that went to NaN is not taken)."""
    n = 0
    for k in range(t.steps):
        if t.lrs[0, k] > 0:
            n = k + 1
    return n


def f3(v) -> str:
    return sci(float(v), 3)


def mentioned(text: str) -> set:
    """Optimizer registry names whose display title appears as a word in ``text``."""
    return {n for n, title in TITLES.items() if re.search(rf"(?<![\w]){re.escape(title)}(?![\w])", text, re.I)}


def adam_mhat(t, n):
    """Adam's bias-corrected first moment along x, recomputed from the recorded gradients."""
    beta1, m, out = 0.9, 0.0, []
    for k in range(1, n + 1):
        m = beta1 * m + (1 - beta1) * t.gradients[0, k - 1, 0]
        out.append(m / (1 - beta1**k))
    return np.array(out)


@pytest.mark.parametrize("values", GRID, ids=ids)
def test_every_claim_holds_for_the_runs(values):
    p = Params(**values)
    lesson = plan(p)
    land, start, lrs, refs = reference(p)
    names = [TITLES[n] for n in p.optimizers]
    by_name = dict(zip(p.optimizers, refs))
    ns = [taken(t) for t in refs]
    rates = [t.step_scale[0, :n] for t, n in zip(refs, ns)]
    moves = [np.abs(np.diff(t.positions[0, : n + 1], axis=0)) for t, n in zip(refs, ns)]
    adaptive = [bool(n and np.any(r != lr)) for r, n, lr in zip(rates, ns, lrs)]
    claims = 0
    said = [lesson.title, lesson.subtitle, *(b.caption for b in lesson.beats), lesson.takeaway]

    # the runs drawn are these runs, the values on screen the engine's
    runs = lesson.runs
    for i, t in enumerate(refs):
        assert np.array_equal(runs.traj.positions[i], t.positions[0]); claims += 1
        for k in sorted({0, 1, min(2, p.steps), p.steps // 2, p.steps}):
            last = max([j for j in range(1, max(k, 1) + 1) if t.lrs[0, j - 1] > 0] or [1])
            assert np.array_equal(runs.rates[i, k], t.step_scale[0, last - 1]); claims += 1
            assert np.allclose(runs.moves[i, k], np.abs(t.positions[0, last] - t.positions[0, last - 1])); claims += 1
    assert list(runs.lrs) == lrs; claims += 1

    # nobody is talked about who is not racing; captions fit
    for text in said:
        assert mentioned(text) <= set(p.optimizers), text; claims += 1
    for b in lesson.beats:
        assert wrap_caption(b.caption).count("\n") <= 1; claims += 1
        assert "effective step" not in b.caption and "resulting step" not in b.caption; claims += 1

    # title and subtitle
    if any(adaptive):
        assert lesson.title == "Adaptive learning rates"; claims += 1
    else:
        assert "Adaptive" not in lesson.title and "same α" in lesson.subtitle; claims += 1
        assert all(np.all(r == lr) for r, lr in zip(rates, lrs)); claims += 1
    if "gets its own" in lesson.subtitle:
        assert all(adaptive); claims += 1

    beats = list(lesson.beats)
    kinds = [b.kind for b in beats]
    assert kinds[:3] == ["intro", "bars", "ticks"]; claims += 1
    assert kinds[3:3 + len(names)] == ["rule"] * len(names); claims += 1

    # intro: who, from where, at what loss
    intro = beats[0].caption
    assert "from (" + ", ".join(format(v, "g").replace("-", "−") for v in start) + ")" in intro; claims += 1
    assert f"loss is {f3(land.value(np.array(start)))}." in intro; claims += 1
    assert [n for n in p.optimizers if TITLES[n] in intro] == list(p.optimizers); claims += 1
    if len(names) > 1:
        assert intro.startswith(WORDS[len(names)].capitalize() + " "); claims += 1
    assert ("adaptive optimizers" in intro) == (len(names) > 1 and all(adaptive)); claims += 1

    # bars: "α divided by a running size" for the adaptive ones only
    bars = beats[1].caption
    assert "learning rate" in bars; claims += 1
    if not any(adaptive):
        assert "α for" in bars and "divide" not in bars; claims += 1
    elif not all(adaptive):
        named = [n for n, a in zip(p.optimizers, adaptive) if a]
        assert mentioned(bars) == set(named); claims += 1

    # ticks: "the same for all" only if every quoted step-1 rate agrees
    ticks = beats[2].caption
    firsts = {(f3(r[0, 0]), f3(r[0, 1])) for r in rates}
    m = re.search(r"\(x (\S+), y (\S+)\)\.$|: x (\S+), y (\S+)\.$", ticks)
    if m:
        x, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        assert firsts == {(x, y)}; claims += 1
        assert beats[2].facts["same"] and f3(beats[2].facts["x"]) == x; claims += 1
    else:
        assert ticks == "Ticks: each bar's rate at step 1." and len(firsts) > 1; claims += 1

    # each update rule, said only as far as the run shows it
    for i, b in enumerate(beats[3:3 + len(names)]):
        name, r, n, lr = p.optimizers[i], rates[i], ns[i], lrs[i]
        assert b.facts["optimizer"] == name and TITLES[name].lower() in b.caption.lower(); claims += 1
        assert b.facts["play_to"] == (min(p.first_steps, p.steps) if i == 0 else None); claims += 1
        if "never rise" in b.caption:
            assert name == "adagrad" and n >= 2 and np.all(np.diff(r, axis=0) <= 0); claims += 1
        if "rates can rise" in b.caption:
            assert np.any(np.diff(r, axis=0) > 0); claims += 1
        if "instead of summing" in b.caption:
            assert "adagrad" in p.optimizers[:i]; claims += 1
        if "like RMSprop" in b.caption:
            assert "rmsprop" in p.optimizers[:i]; claims += 1
        if "same α" in b.caption:
            assert np.all(r == lr) and b.caption.endswith(f"stay at {f3(lr)}."); claims += 1
        else:
            assert name in ("adagrad", "rmsprop", "adam", "adamw") and adaptive[i]; claims += 1

    # "Now on to step N" exactly when steps remain after the slow ones
    run = [b for b in beats if b.kind == "run"]
    assert len(run) == (p.steps > min(p.first_steps, p.steps)); claims += 1
    for b in run:
        assert b.caption.startswith(f"Now on to step {p.steps}."); claims += 1

    # each run's x-rate story, loss, divergence and exits
    rate_text = {n: " ".join(b.caption for b in beats if b.kind == "rate" and b.facts["optimizer"] == n)
                 for n in p.optimizers}
    for i, name in enumerate(p.optimizers):
        t, r, n, text = refs[i], rates[i][:, 0], ns[i], rate_text[name]
        diverged = str(t.stop_reason[0]) == "diverged"
        stop = int(t.stop_step[0])
        assert (f"diverged at step {stop}" in text) == diverged; claims += 1
        if not diverged:
            assert f"; loss {sci(t.losses[0, n])}." in text; claims += 1
        # the scene writes the loss under the run's name exactly when its caption quotes it
        quoted = [b.facts["loss_quoted"] for b in beats if b.kind == "rate" and b.facts["optimizer"] == name]
        assert set(quoted) == {not diverged and n > 0}; claims += 1
        m = re.search(r"x rate (fell|rose)(?: (\S+)×)? from (\S+) to (\S+) by step (\d+)", text)
        if m:
            first, last = r[0], r[-1]
            assert (m.group(1) == "rose") == (last > first) and f3(first) != f3(last); claims += 1
            assert (m.group(3), m.group(4), int(m.group(5))) == (f3(first), f3(last), n); claims += 1
            if m.group(2):
                assert m.group(2) == sci(max(last / first, first / last), 2); claims += 1
        m = re.search(r"x rate dipped from (\S+) to (\S+) at step (\d+), then rose to (\S+) by step (\d+)", text)
        if m:
            j = int(np.argmin(r))
            assert m.groups() == (f3(r[0]), f3(r[j]), str(j + 1), f3(r[-1]), str(n)); claims += 1
            assert r[j] < r[0] and r[j] < r[-1]; claims += 1
        m = re.search(r"x rate rose from (\S+) to (\S+) at step (\d+), then fell to (\S+)", text)
        if m:
            j = int(np.argmax(r))
            assert m.groups() == (f3(r[0]), f3(r[j]), str(j + 1), f3(r[-1])) and r[j] > r[-1]; claims += 1
        m = re.search(r"x rate stayed at (\S+) for (\d+) steps", text)
        if m:
            assert {f3(v) for v in r} == {m.group(1)} and int(m.group(2)) == n; claims += 1
        m = re.search(r"x rate at step 1 was (\S+);", text)
        if m:
            assert n == 1 and m.group(1) == f3(r[0]); claims += 1
        assert re.search(r"x rate (fell|rose|dipped|stayed|at step 1 was)", text); claims += 1
        (x0, x1), (y0, y1) = land.domain
        out = [k for k in range(stop + 1)
               if not (x0 <= t.positions[0, k, 0] <= x1 and y0 <= t.positions[0, k, 1] <= y1)]
        m = re.search(r"left the plot at step (\d+)", text)
        assert bool(m) == bool(out); claims += 1
        if m:
            assert int(m.group(1)) == out[0]; claims += 1
            if "ended outside it" in text:
                assert out[-1] == stop; claims += 1
            back = re.search(r"from step (\d+) on stayed inside", text)
            if back:
                assert int(back.group(1)) == out[-1] + 1 <= stop; claims += 1

    # the real x steps at the last step
    steps_text = " ".join(b.caption for b in beats if b.kind == "steps")
    ended = [i for i, t in enumerate(refs) if str(t.stop_reason[0]) != "diverged" and ns[i] == p.steps]
    assert bool(steps_text) == bool(ended); claims += 1
    window = max(1, p.steps // 10)  # the real step is quoted at its largest over the last tenth
    peaks = {k: v for b in beats if b.kind == "steps" for k, v in b.facts["peak_steps"].items()}
    assert set(peaks) == {names[i] for i in ended}; claims += 1
    for i in ended:
        want = f3(moves[i][-window:, 0].max())
        # the step the scene marks with that value: the largest of the window, found here
        assert peaks[names[i]] == p.steps - window + 1 + int(np.argmax(moves[i][-window:, 0])); claims += 1
        assert f3(moves[i][peaks[names[i]] - 1, 0]) == want; claims += 1
        if len(names) > 1:
            assert f"{names[i]} {want}" in steps_text; claims += 1
        else:
            assert want in steps_text; claims += 1
    if steps_text:
        when = f"at step {p.steps}" if window == 1 else f"at most, over the last {window} steps"
        assert when in steps_text.replace("At", "at"); claims += 1
        assert ("Thin line" in steps_text) == (p.steps > 1); claims += 1

    # a rate that grew while its step shrank (said exactly for those runs): and why, by the
    # step's own identity
    for i, name in enumerate(p.optimizers):
        r, mv = rates[i][:, 0], moves[i][:, 0]
        recent = mv[-max(1, ns[i] // 10):].max() if ns[i] else 0.0
        shown = (ns[i] >= 2 and str(refs[i].stop_reason[0]) != "diverged" and r[-1] > r[0] and recent < mv[0]
                 and f3(r[-1]) != f3(r[0]) and f3(recent) != f3(mv[0]))
        assert any(b.kind == "contrast" and b.facts["optimizer"] == name for b in beats) == shown; claims += 1
    for b in beats:
        if b.kind != "contrast":
            continue
        i = p.optimizers.index(b.facts["optimizer"])
        r, mv, n = rates[i][:, 0], moves[i][:, 0], ns[i]
        m = re.search(r"x rate rose(?: (\S+)×)?, yet its x step shrank from (\S+) to (?:at most )?(\S+?)"
                      r"(?: over the last (\d+) steps)?\.(?:\s|$)", b.caption)
        if m:
            window = max(1, n // 10)
            assert int(m.group(4) or 1) == window; claims += 1
            assert r[-1] > r[0] and mv[-window:].max() < mv[0]; claims += 1
            assert (m.group(2), m.group(3)) == (f3(mv[0]), f3(mv[-window:].max())); claims += 1
            peak = b.facts["peak_step"]  # where the scene writes the recent step
            assert n - window < peak <= n and mv[peak - 1] == mv[-window:].max(); claims += 1
            if m.group(1):
                assert sci(b.facts["ratio"], 2) == m.group(1) == sci(r[-1] / r[0], 2); claims += 1
        if "a step is the rate times" in b.caption:
            name = p.optimizers[i]
            factor = adam_mhat(refs[i], n) if name == "adam" else refs[i].gradients[0, :n, 0]
            assert name in ("adam", "adagrad", "rmsprop") and ("m̂" in b.caption) == (name == "adam"); claims += 1
            assert np.allclose(mv, r * np.abs(factor), rtol=1e-6); claims += 1
            assert abs(factor[-1]) / abs(factor[0]) < r[0] / r[-1]; claims += 1

    # the takeaway: each clause only where the run shows it
    take = lesson.takeaway
    if "AdaGrad's rates never rose" in take:
        i = p.optimizers.index("adagrad")
        assert ns[i] >= 2 and np.all(np.diff(rates[i], axis=0) <= 0); claims += 1
    m = re.search(r"([^.]*?) x rates? rose from (?:its low|their lows)", take)
    if m:
        for name in mentioned(m.group(1)):
            r = rates[p.optimizers.index(name)][:, 0]
            assert name in ("rmsprop", "adam", "adamw") and r[-1] > r.min() and f3(r[-1]) != f3(r.min()); claims += 1
    m = re.search(r"A rate is not a step: (.*?) x rates? grew as", take)
    if m:
        for name in mentioned(m.group(1)):
            i = p.optimizers.index(name)
            assert rates[i][-1, 0] > rates[i][0, 0] and moves[i][-1, 0] < moves[i][0, 0]; claims += 1
    m = re.search(r"([^.]*?) kept one rate, α, for x and y", take)
    if m:
        for name in mentioned(m.group(1)):
            i = p.optimizers.index(name)
            assert np.all(rates[i] == lrs[i]); claims += 1
    m = re.search(r"([^.]*?) never moved: the gradient at the start is 0", take)
    still = [n for i, n in enumerate(p.optimizers) if ns[i] and not np.any(moves[i])]
    assert (mentioned(m.group(1)) if m else set()) == set(still); claims += 1
    for name in still:
        assert not np.any(by_name[name].gradients[0, 0]); claims += 1
    (x0, x1), (y0, y1) = land.domain
    for i, (name, t) in enumerate(zip(p.optimizers, refs)):
        assert runs.gone[i] == (str(t.stop_reason[0]) == "diverged" or not (
            x0 <= t.positions[0, -1, 0] <= x1 and y0 <= t.positions[0, -1, 1] <= y1)); claims += 1
        diverged = str(t.stop_reason[0]) == "diverged"
        title = TITLES[name][:1].upper() + TITLES[name][1:]
        assert (f"{title} diverged at step {int(t.stop_step[0])} (α = {lrs[i]:g})" in take) == diverged; claims += 1
        higher = not diverged and t.losses[0, ns[i]] > t.losses[0, 0]
        assert (f"{title} ended at a higher loss" in take) == higher; claims += 1

    # each beat's facts are what its caption says
    for b in beats:
        if b.kind == "rate" and b.facts["trend"]:
            assert f3(b.facts["trend"]["first"]) in rate_text[b.facts["optimizer"]]; claims += 1
        if b.kind == "steps" and ("At step" in b.caption or p.steps == 1):
            assert all(f3(v) in b.caption for v in b.facts["moves"].values()); claims += 1
        if b.kind == "intro":
            assert b.facts["optimizers"] == list(p.optimizers); claims += 1
    assert claims >= 40, claims


def test_bars_are_called_learning_rates_not_steps():
    """Old: 'Bars: the resulting step per coordinate' while the bars showed α/(√v̂+ε)."""
    lesson = plan(Params())
    bars = lesson.beats_of("bars")[0].caption
    assert bars.startswith("Bars: each one's learning rate") and "step" not in bars
    t = simulate("valley", "adam", (2.0, 1.0), 200, lr=0.1, tol_grad=0.0)
    assert np.array_equal(lesson.runs.rates[2, 200], t.step_scale[0, 199])  # the bars: a rate, not |Δθ|
    assert not np.allclose(lesson.runs.rates[2, 200], lesson.runs.moves[2, 200])


def test_adam_growing_rate_is_not_called_a_growing_step():
    """Old: "Adam's x step grew 5.1×" at a loss of 1e-8, where Adam's real steps were tiny."""
    lesson = plan(Params())
    text = " ".join(b.caption for b in lesson.beats)
    assert "x step grew" not in text and "Adam's x rate rose" in text
    t = simulate("valley", "adam", (2.0, 1.0), 200, lr=0.1, tol_grad=0.0)
    dx = np.abs(np.diff(t.positions[0, :, 0]))
    assert dx[-1] < 1e-4 * dx[0]  # the real step shrank ten-thousandfold
    # quoted at its largest over the last 20 steps, not at the bottom of a swing (1.53×10⁻⁶ at step 200)
    assert f"its x step shrank from {f3(dx[0])} to at most {f3(dx[-20:].max())} over the last 20 steps" in text


def test_adagrad_claims_rates_never_rise_not_that_steps_shrink():
    """Old: 'G only grows, so its steps only shrink' - on Rosenbrock AdaGrad's x step grows at
    step 14 (its rate never rises)."""
    lesson = plan(Params(landscape="rosenbrock"))
    t = simulate("rosenbrock", "adagrad", (-1.2, 1.0), 200, lr=0.1, tol_grad=0.0)
    dx = np.abs(np.diff(t.positions[0, :, 0]))
    assert np.any(np.diff(dx) > 0)  # the old sentence is false here
    assert np.all(np.diff(t.step_scale[0], axis=0) <= 0)
    rule = lesson.beats_of("rule")[0].caption
    assert "rates never rise" in rule and "step" not in rule
    assert "steps only shrink" not in lesson.takeaway and "AdaGrad's rates never rose" in lesson.takeaway


def test_takeaway_names_only_the_rules_that_ran_and_what_they_did():
    """Old: 'AdaGrad's sum only grows ... RMSprop and Adam ... their steps recover' for any run."""
    no_adagrad = plan(Params(optimizers=["rmsprop", "adam"]))
    assert "AdaGrad" not in no_adagrad.takeaway + " ".join(b.caption for b in no_adagrad.beats)
    short = plan(Params(steps=3))  # RMSprop's rate has not come back up within three steps
    t = simulate("valley", "rmsprop", (2.0, 1.0), 3, lr=0.01, tol_grad=0.0)
    assert t.step_scale[0, -1, 0] == t.step_scale[0, :, 0].min()
    assert "RMSprop" not in short.takeaway and "recover" not in short.takeaway
    default = plan(Params())  # RMSprop's real x steps only shrink: no "steps recover"
    t = simulate("valley", "rmsprop", (2.0, 1.0), 200, lr=0.01, tol_grad=0.0)
    assert np.all(np.diff(np.abs(np.diff(t.positions[0, :, 0]))) <= 0)
    assert "steps recover" not in default.takeaway and "x rates rose from their lows" in default.takeaway


def test_same_first_rate_is_said_only_when_true():
    """Old: 'the same for all' was decided at rtol 1e-3; with GD beside them it is not said."""
    assert "the same for all (x 0.025, y 0.005)" in plan(Params()).beats_of("ticks")[0].caption
    mixed = plan(Params(optimizers=["gd", "adagrad", "rmsprop", "adam"], lrs={"gd": 0.05}))
    assert "same for all" not in mixed.beats_of("ticks")[0].caption
    assert plan(Params(lrs=TORCH)).beats_of("ticks")[0].caption == "Ticks: each bar's rate at step 1."


def test_adamw_is_not_said_to_use_one_alpha():
    """Old: any rule beyond the three got 'applies the same α to every coordinate' - AdamW too."""
    lesson = plan(Params(optimizers=["adamw"]))
    rule = lesson.beats_of("rule")[0].caption
    assert "same α" not in rule and "weight decay" in rule
    t = simulate("valley", "adamw", (2.0, 1.0), 200, lr=0.1, tol_grad=0.0)
    assert not np.allclose(t.step_scale[0, :, 0], t.step_scale[0, :, 1])
    gd = plan(Params(optimizers=["gd", "adam"], lrs={"gd": 0.05}))
    assert gd.beats_of("rule")[0].caption == "GD applies the same α to x and y: its bars stay at 0.05."


def test_diverged_run_is_called_diverged_and_not_adaptive():
    """Old: 'Three adaptive optimizers descend ...' even when GD ran beside them and diverged."""
    lesson = plan(Params(optimizers=["gd", "adagrad", "rmsprop", "adam"], lrs={"gd": 0.5}))
    intro = lesson.beats[0].caption
    assert intro.startswith("Four optimizers,") and "descend" not in intro
    t = simulate("valley", "gd", (2.0, 1.0), 200, lr=0.5, tol_grad=0.0)
    assert str(t.stop_reason[0]) == "diverged" and int(t.stop_step[0]) == 7
    gd = [b.caption for b in lesson.beats_of("rate") if b.facts["optimizer"] == "gd"]
    assert gd == ["GD's x rate stayed at 0.5 for 7 steps; it left the plot at step 1 and diverged at step 7."]
    assert "GD diverged at step 7 (α = 0.5)." in lesson.takeaway
    big = plan(Params(optimizers=["adagrad"], lrs={"adagrad": 5.0}))  # large, but not diverged
    assert "diverge" not in " ".join([b.caption for b in big.beats] + [big.takeaway])


def test_lesson_module_does_not_import_manim():
    code = "import sys, gdanim.lessons.adaptive_learning_rates; assert 'manim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("values, match", [
    ({"landscape": "valey"}, "did you mean 'valley'"),
    ({"optimizers": ["adagrad", "adma"]}, "did you mean 'adam'"),
    ({"optimizers": []}, "optimizers must list 1 to 4"),
    ({"optimizers": ["gd", "sgd", "adam", "adagrad", "rmsprop"]}, "optimizers must list 1 to 4"),
    ({"optimizers": ["adam", "adam"]}, "must not repeat"),
    ({"lrs": {"adam": 0.0}}, r"lrs.adam must be in \(0"),
    ({"lrs": {"adam": -1.0}}, r"lrs.adam must be in \(0"),
    ({"lrs": {"adam": float("nan")}}, "lrs.adam must be a finite number"),
    ({"lrs": {"gd": 0.1}}, "not among the optimizers"),
    ({"start": (9.0, 0.0)}, "outside the valley plot"),
    ({"landscape": "rosenbrock", "start": (2.0, 3.5)}, "outside the rosenbrock plot"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to 5000"),
    ({"first_steps": -1}, "first_steps"),
    ({"run_seconds": float("inf")}, "run_seconds must be a finite number"),
])
def test_bad_params_are_refused_with_the_fix(values, match):
    with pytest.raises(ValueError, match=match):
        Params(**values)
