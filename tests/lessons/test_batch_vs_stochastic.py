"""BatchVsStochastic's plan: every claim checked against independent engine runs and sums done
here from the data (per-sample gradients, loss rises, ranges, budgets), over a grid of
lecturer-style parameters (batch sizes at both ends, data sizes and noise, slow, diverging and
borderline rates, other rules, tiny step budgets, other seeds and starts)."""

import re

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.batch_vs_stochastic import Params, plan

from caption_reading import NUM as NUM_PRINTED, count_of as whole, number_of as value

GRID = [
    {},
    {"mini_batch": 1},
    {"mini_batch": 50},
    {"n_samples": 10},
    {"n_samples": 2, "mini_batch": 1},
    {"noise_std": 0.0},
    {"noise_std": 3.0},
    {"noise_std": 0.0, "start": (2.0, -1.0)},  # starts on the exact fit: nothing moves
    {"lr": 0.01},  # slow: nobody settles yet
    {"lr": 0.001, "steps": 100},
    {"lr": 1.2},  # every run diverges
    {"lr": 1.5},
    {"lr": 0.2},  # SGD wild, full batch fine, full batch beats mini-batch per gradient
    {"lr": 0.3},
    {"optimizer": "momentum"},
    {"optimizer": "nesterov", "lr": 0.05},
    {"optimizer": "adam"},
    {"optimizer": "adam", "lr": 0.3},
    {"optimizer": "rmsprop", "lr": 0.05},
    {"optimizer": "adagrad", "lr": 0.5},
    {"optimizer": "sgd"},
    {"steps": 1, "noise_window": 1},
    {"steps": 5, "noise_window": 5},
    {"steps": 3, "first_steps": 0, "noise_window": 2},
    {"seed": 1},
    {"seed": 2},
    {"data_seed": 4, "n_samples": 30, "mini_batch": 4},
    {"start": (-1.0, -4.0)},
    {"start": (5.0, 2.0), "lr": 0.15},
    {"noise_window": 40},
    {"steps": 400, "noise_window": 50, "mini_batch": 16},
    {"n_samples": 1000, "steps": 300, "mini_batch": 999, "noise_window": 100},
]
TITLES = {"gd": "GD", "sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "adam": "Adam",
          "rmsprop": "RMSprop", "adagrad": "AdaGrad", "adamw": "AdamW"}
NUM = f"({NUM_PRINTED})"


def printed(loss: float) -> str:
    """A loss to three significant figures, as a caption prints it."""
    return f"{float(f'{loss:.2e}'):g}"


def quoted(text: str, exact: float) -> bool:
    """A caption's number is the engine's value to the digits shown (3 significant, or whole)."""
    shown = value(text)
    return abs(shown - exact) <= max(5e-3 * abs(exact), 0.5 if abs(exact) >= 100 else 0.0) + 1e-300


def reference(p: Params):
    """The data set and the three runs, built here from the params alone."""
    land = get_landscape("linear_regression", n_samples=p.n_samples, noise_std=p.noise_std, seed=p.data_seed)
    runs = {key: simulate(land, p.optimizer, p.start, p.steps, lr=p.lr, batch_size=size, seed=p.seed, tol_grad=0.0)
            for key, size in (("full", None), ("mini", p.mini_batch), ("sgd", 1))}
    return land, runs


def data_gradient(land, theta, idx=None):
    """Mean of the per-sample gradients 2(w x + b - y)(x, 1) over the samples idx (all if None)."""
    xs, ys = land.data
    if idx is not None:
        xs, ys = xs[idx], ys[idx]
    r = theta[0] * xs + theta[1] - ys
    return np.array([np.mean(2 * r * xs), np.mean(2 * r)])


def grad_error(land, traj):
    """Mean |used - exact| over the steps taken, exact from the data; and relative to mean |exact|."""
    taken = int(traj.stop_step[0])
    if traj.sample_gradients is None or taken == 0:
        return 0.0, 0.0
    exact = np.array([data_gradient(land, traj.positions[0, k]) for k in range(taken)])
    err = np.mean([np.hypot(*(traj.sample_gradients[0, k] - exact[k])) for k in range(taken)])
    size = np.mean([np.hypot(*g) for g in exact])
    if err <= 1e-9:
        return 0.0, 0.0
    return err, (err / size if size > 1e-9 else np.inf)


def ups(losses) -> int:
    return sum(1 for a, b in zip(losses[:-1], losses[1:]) if b - a > 1e-12 * max(1.0, abs(a)))


@pytest.mark.parametrize("values", GRID, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "defaults")
def test_every_claim_holds_for_the_run(values):
    p = Params(**values)
    lesson = plan(p)
    land, ref = reference(p)
    n, k = p.n_samples, p.steps
    gone = {key: str(t.stop_reason[0]) == "diverged" for key, t in ref.items()}
    distinct = 1 < p.mini_batch < n
    keys = ["full", "mini", "sgd"] if distinct else ["full", "sgd"]
    single = "SGD" if p.optimizer in ("gd", "sgd") else f"1-sample {TITLES[p.optimizer]}"
    names = {"full": "full batch", "mini": "mini-batch", "sgd": single}
    batch = {"full": n, "mini": p.mini_batch, "sgd": 1}
    said = " ".join(b.caption for b in lesson.beats)
    claims = 0

    # the runs drawn are these runs, labelled with their batch sizes
    assert [m.key for m in lesson.runs.methods] == keys; claims += 1
    for m in lesson.runs.methods:
        assert np.array_equal(m.traj.positions, ref[m.key].positions); claims += 1
        assert m.label == f"{names[m.key]}  B={batch[m.key]}" and m.batch == batch[m.key]; claims += 1
    assert lesson.runs.slow == min(p.first_steps, k) and lesson.runs.steps == k; claims += 1
    if not distinct:  # the mini-batch run really is the other one
        twin = "full" if p.mini_batch == n else "sgd"
        assert np.array_equal(ref["mini"].positions, ref[twin].positions); claims += 1

    # title: a question, no claim; the data line is the data's own line
    assert (lesson.title, lesson.subtitle) == ("Batch or stochastic?",
                                               "how many samples should one gradient step look at?"); claims += 1
    (data,) = lesson.beats_of("data")
    m = re.match(r"(\d+) (noisy points around|points exactly on) y = (−?[\d.]+)x ([−+]) ([\d.]+)\.", data.caption)
    assert m, data.caption
    xs, ys = land.data
    assert int(m.group(1)) == len(xs) == n; claims += 1
    w = value(m.group(3))
    b = value(m.group(5)) * (-1 if m.group(4) == "−" else 1)
    assert (w, b) == (land.params["true_w"], land.params["true_b"]); claims += 1
    residual = np.abs(ys - (w * xs + b)).max()
    assert (m.group(2) == "points exactly on") == (residual < 1e-12); claims += 1

    (loss_map,) = lesson.beats_of("loss_map")
    fit = np.linalg.lstsq(np.column_stack([xs, np.ones(n)]), ys, rcond=None)[0]
    assert np.allclose(loss_map.facts["best"], fit); claims += 1

    (methods,) = lesson.beats_of("methods")
    m = re.match(r"(\w+) (.+) runs from \(w, b\) = \((−?[\d.]+), (−?[\d.]+)\), α = ([\d.e+-]+);", methods.caption)
    assert m, methods.caption
    assert whole(m.group(1)) == len(keys); claims += 1
    assert m.group(2) == TITLES[p.optimizer]; claims += 1
    assert (value(m.group(3)), value(m.group(4))) == tuple(p.start) and float(m.group(5)) == p.lr; claims += 1
    notes = lesson.beats_of("note")
    assert len(notes) == (0 if distinct else 1); claims += 1
    for note in notes:
        assert f"A mini-batch of {p.mini_batch} is {'full batch' if p.mini_batch == n else single} itself" \
            in note.caption; claims += 1

    # full batch: the mean of all n per-sample gradients; "smooth" only if its loss never rose
    (fb,) = lesson.beats_of("full_batch")
    assert f"all {n} sample gradients" in fb.caption and f"but {n} gradients a step" in fb.caption; claims += 1
    assert ref["full"].sample_gradients is None; claims += 1
    for step in (0, int(ref["full"].stop_step[0])):
        theta = ref["full"].positions[0, step]
        assert np.allclose(ref["full"].gradients[0, step], data_gradient(land, theta), rtol=1e-9, atol=1e-9)
        claims += 1
    stop_full = int(ref["full"].stop_step[0])
    smooth = ups(ref["full"].losses[0, : stop_full + 1]) == 0 and not gone["full"]
    assert ("exact and smooth" in fb.caption) == smooth; claims += 1

    # SGD: one random sample a step (each used gradient is one sample's); noise measured here
    sgd = ref["sgd"]
    for step in range(min(int(sgd.stop_step[0]), 5)):
        theta = sgd.positions[0, step]
        per_sample = [data_gradient(land, theta, [i]) for i in range(n)]
        assert min(np.abs(g - sgd.sample_gradients[0, step]).max() for g in per_sample) < 1e-9; claims += 1
    (st,) = lesson.beats_of("stochastic")
    err = {key: grad_error(land, ref[key]) for key in keys}
    assert err["full"] == (0.0, 0.0); claims += 1
    assert st.caption.startswith(f"{single} follows one random sample a step: cheap, "); claims += 1
    noisy = err["sgd"][1] >= 0.1
    assert ("but noisy." in st.caption) == noisy; claims += 1
    if "as exact as full batch" in st.caption:
        assert err["sgd"][0] == 0; claims += 1
    between = distinct and not gone["mini"] and not gone["sgd"] and 0 < err["mini"][0] < err["sgd"][0]
    assert ("A mini-batch's noise sits in between." in st.caption) == between; claims += 1

    # divergence: said exactly for the runs the engine flags, at its stop steps
    div = lesson.beats_of("diverged")
    bad = [key for key in keys if gone[key]]
    assert len(div) == (1 if bad else 0); claims += 1
    for beat in div:
        pairs = dict(re.findall(r"(full batch|mini-batch|" + re.escape(single) + r") at step (\d+)", beat.caption))
        assert {key: int(pairs[names[key]]) for key in bad} == {key: int(ref[key].stop_step[0]) for key in bad}
        claims += 1
        assert len(pairs) == len(bad); claims += 1
        assert ("every run diverges" in beat.caption) == (len(bad) == len(keys)); claims += 1
    fine = [key for key in keys if not gone[key]]

    # results: each surviving run's loss after k steps and the sample gradients it used
    results = " ".join(b.caption for b in lesson.beats_of("results"))
    assert bool(results) == bool(fine); claims += 1
    if fine:
        assert re.match(r"After (\w+) steps?", results) and whole(re.match(r"After (\w+)", results).group(1)) == k
        claims += 1
        for key in fine:
            name = re.escape(names[key])
            m = (re.search(rf"loss {NUM} from (\d+) sample gradients \({name}\)", results)
                 or re.search(rf", {NUM} from (\d+) \({name}\)", results)
                 or re.search(rf"{name}: loss {NUM} from (\d+)", results, re.I))
            assert m, (key, results)
            assert quoted(m.group(1), ref[key].losses[0, k]); claims += 1
            assert int(m.group(2)) == k * batch[key]; claims += 1
        for key in bad:
            assert f"({names[key]})" not in results and f"{names[key]}:" not in results.lower(); claims += 1

    # budget: full batch given the cheaper run's sample gradients
    budget = " ".join(b.caption for b in lesson.beats_of("budget"))
    cheap = "mini" if distinct else "sgd"
    assert bool(budget) == (not gone[cheap] and not gone["full"]); claims += 1
    if budget:
        spent, a = k * batch[cheap], ref[cheap].losses[0, k]
        affordable = spent // n
        if affordable == 0:
            m = re.match(rf"(\d+) sample gradients took {re.escape(names[cheap])} (\w+) steps?, to loss {NUM}; "
                         rf"one full-batch step costs (\d+)\.", budget)
            assert m, budget
            assert int(m.group(1)) == spent < n == int(m.group(4)); claims += 1
            assert whole(m.group(2)) == k and quoted(m.group(3), a); claims += 1
        else:
            m = re.search(r"full batch \((\w+) steps?, (\d+) gradients\)", budget, re.I)
            assert m and budget.startswith(f"For {spent} sample gradients, "), budget
            steps_full, paid = whole(m.group(1)), int(m.group(2))
            assert steps_full == min(affordable, k) and paid == steps_full * n <= spent < paid + n; claims += 1
            bb = ref["full"].losses[0, steps_full]
            low = re.search(rf"reaches loss {NUM}", budget)
            high = re.search(rf"only (?:reaches )?{NUM}", budget)
            if high:  # "X reaches loss A, Y only B": A below B, each the engine's value
                first_is_full = budget.index("reaches") > budget.lower().index("full batch (")
                lo_v, hi_v = (bb, a) if first_is_full else (a, bb)
                assert quoted(low.group(1), lo_v) and quoted(high.group(1), hi_v); claims += 1
                assert lo_v < hi_v; claims += 1
            else:
                assert "both reach" in budget or "reaches it too" in budget; claims += 1
                best = land.min_value
                same = re.search(rf"loss {NUM}", budget)
                if "best fit's loss" in budget:
                    assert abs(a - best) <= 1e-9 * max(1, best) and abs(bb - best) <= 1e-9 * max(1, best); claims += 1
                else:
                    assert quoted(same.group(1), a) and quoted(same.group(1), bb); claims += 1

    # settling: losses at steps k-W..k, rises and ranges counted here
    settle = " ".join(b.caption for b in lesson.beats_of("settle"))
    assert bool(settle) == (not gone["sgd"] and not gone["full"]); claims += 1
    if settle:
        W = p.noise_window
        phrase = ("over the whole run" if W == k else "over the last step" if W == 1 else f"over the last {W} steps")
        assert phrase in settle.lower(); claims += 1
        tails = {key: ref[key].losses[0, k - W: k + 1] for key in ("full", "sgd")}
        rises = {key: ups(t) for key, t in tails.items()}
        for key, who in (("sgd", f"{single}'s loss |{single} does not settle: {phrase} its loss "),
                         ("full", "Full batch's loss ")):
            pattern = "(?:" + "|".join(re.escape(w) for w in who.split("|")) + r")"
            m = re.search(pattern + rf"(rose on (\w+) of those steps, between {NUM} and {NUM}|only fell over those "
                                    rf"steps, from {NUM} to {NUM}|stayed at {NUM})", settle)
            assert m, (key, settle)
            tail = tails[key]
            if m.group(2):
                times = whole(m.group(2))
                assert times == rises[key] > 0; claims += 1
                assert quoted(m.group(3), tail.min()) and quoted(m.group(4), tail.max()); claims += 1
            elif m.group(5):
                assert rises[key] == 0 and quoted(m.group(5), tail[0]) and quoted(m.group(6), tail[-1]); claims += 1
            else:
                assert rises[key] == 0 and quoted(m.group(7), tail[-1]) and quoted(m.group(7), tail[0]); claims += 1
        sgd_range, full_range = np.ptp(tails["sgd"]), np.ptp(tails["full"])
        if "does not settle" in settle:
            assert rises["sgd"] >= 2 and sgd_range > 2 * full_range; claims += 1
        else:
            assert not (rises["sgd"] >= 2 and sgd_range > 2 * full_range) or sgd_range < 5e-3 * tails["sgd"].max()
            claims += 1

    # the takeaway holds for this run
    t = lesson.takeaway
    if not fine:
        assert "every batch size here diverged" in t and f"α = {p.lr:g}" in t; claims += 1
    else:
        assert t.startswith("Full batch: exact but costly steps."); claims += 1
        assert (f"{single}: cheap but noisy ones." in t) == noisy; claims += 1
        assert ("Mini-batches trade between the two." in t) == between; claims += 1
        assert ("diverged" in t) == bool(bad); claims += 1
    assert "settle" not in t and "never" not in said.replace("never rose", ""); claims += 1

    # beats in drawing order; each beat's facts are what its caption says
    kinds = [b.kind for b in lesson.beats]
    assert kinds[:3] == ["data", "loss_map", "methods"]; claims += 1
    assert kinds.index("full_batch") < kinds.index("stochastic") < min(
        [kinds.index(x) for x in ("diverged", "results", "budget", "settle") if x in kinds] or [99]); claims += 1
    assert data.facts == {"n": n, "true_w": w, "true_b": b, "noise_std": p.noise_std}; claims += 1
    assert methods.facts["runs"] == len(keys) and methods.facts["batches"] == {x: batch[x] for x in keys}; claims += 1
    assert fb.facts["smooth"] == smooth and fb.facts["n"] == n; claims += 1
    assert st.facts["noisy"] == noisy and st.facts["between"] == between; claims += 1
    for beat in lesson.beats_of("results"):
        assert beat.facts["grads"] == {x: k * batch[x] for x in fine}; claims += 1
        assert all(beat.facts["loss"][x] == ref[x].losses[0, k] for x in fine); claims += 1
    for beat in lesson.beats_of("budget"):
        assert beat.facts["spent"] == k * batch[cheap] and beat.facts["cheap_loss"] == ref[cheap].losses[0, k]
        claims += 1
    for beat in lesson.beats_of("settle"):
        assert beat.facts["sgd"][2] == rises["sgd"] and beat.facts["full"][2] == rises["full"]; claims += 1
        assert beat.facts["unsettled"] == ("does not settle" in settle); claims += 1
        # the losses the scene's loss strips label: the window's start, and per run what its sentence quotes
        assert beat.facts["first_step"] == k - W; claims += 1
        for key, tail in tails.items():
            ends = (tail[0], tail[-1]) if printed(tail[0]) != printed(tail[-1]) else (tail[-1],)
            assert np.allclose(beat.facts["quoted"][key], (tail.min(), tail.max()) if rises[key] else ends,
                               rtol=1e-12, atol=0); claims += 1
    assert claims >= 40


# --- the sentences that were false before, with the params that made them false ---------------

def captions(**values) -> str:
    return " ".join(b.caption for b in plan(Params(**values)).beats)


def test_budget_names_the_lower_loss_when_full_batch_wins():
    # old: "Spend 320 gradients either way: mini-batch reaches loss 12.420, full batch (6 steps) only 9.705"
    text = " ".join(b.caption for b in plan(Params(noise_std=3.0)).beats_of("budget"))
    assert "full batch (six steps, 300 gradients) reaches loss 9.7, mini-batch only 12.4" in text
    _, ref = reference(Params(noise_std=3.0))
    assert ref["full"].losses[0, 6] < ref["mini"].losses[0, 40]


@pytest.mark.parametrize("values", [{"lr": 0.01}, {"optimizer": "adam"}, {"noise_std": 0.0}, {"noise_window": 40},
                                    {"steps": 1, "noise_window": 1}])
def test_sgd_is_not_said_to_never_settle_when_it_does_not_bounce(values):
    # old: "SGD never settles: over its last 1 steps the loss ranged from 4.118 to 4.118" and the like
    text = captions(**values)
    assert "never settles" not in text and "does not settle" not in text
    p = Params(**values)
    _, ref = reference(p)
    tail = ref["sgd"].losses[0, p.steps - p.noise_window: p.steps + 1]
    full = ref["full"].losses[0, p.steps - p.noise_window: p.steps + 1]
    assert ups(tail) < 2 or np.ptp(tail) <= 2 * np.ptp(full)


@pytest.mark.parametrize("mini_batch, twin", [(1, "SGD"), (50, "full batch")])
def test_a_mini_batch_of_one_or_all_is_not_a_third_method(mini_batch, twin):
    # old: "Three methods ..." and "Mini-batch sits in between" with the mini-batch run identical to one end
    lesson = plan(Params(mini_batch=mini_batch))
    text = " ".join(b.caption for b in lesson.beats)
    assert text.count("Two GD runs") == 1 and "in between" not in text and f"is {twin} itself" in text
    assert "Mini-batches" not in lesson.takeaway
    assert len(lesson.runs.methods) == 2


@pytest.mark.parametrize("lr", [1.2, 1.5])
def test_diverging_rates_are_said_to_diverge(lr):
    # old: "After 40 steps: loss 69857363067789.148 ...", "SGD never settles: ... from 4.99e13 to 4.99e13"
    lesson = plan(Params(lr=lr))
    text = " ".join(b.caption for b in lesson.beats)
    assert "every run diverges" in text and "After" not in text and "settle" not in text
    assert "diverged" in lesson.takeaway and "cheap but noisy" not in lesson.takeaway


def test_noise_free_data_is_not_called_noisy():
    # old: "50 noisy points around y = 2x − 1" with noise_std=0; losses printed as 0.000
    text = captions(noise_std=0.0)
    assert text.startswith("50 points exactly on y = 2x − 1.")
    assert "0.000 " not in text and "3.48×10⁻⁴" in text


def test_full_batch_momentum_is_not_called_smooth():
    # old: "Full batch averages all 50 sample gradients: smooth, ..." while its loss rose 5 times
    assert "smooth" not in captions(optimizer="momentum")
    assert "exact and smooth" in captions()


def test_other_rules_do_not_call_their_one_sample_run_sgd():
    lesson = plan(Params(optimizer="adam"))
    text = " ".join(b.caption for b in lesson.beats)
    assert "Three Adam runs" in text and "1-sample Adam follows one random sample" in text
    assert "SGD" not in text + lesson.takeaway


def test_slow_steps_covering_the_run_still_say_what_sgd_does():
    # old: with steps <= first_steps the SGD sentence was skipped, yet the takeaway called SGD noisy
    lesson = plan(Params(steps=3, first_steps=5, noise_window=3))
    assert lesson.beats_of("stochastic") and "noisy" in lesson.beats_of("stochastic")[0].caption


@pytest.mark.parametrize("values, match", [
    ({"optimizer": "adma"}, "did you mean 'adam'"),
    ({"lr": 0.0}, "lr must be in"),
    ({"lr": -0.1}, "lr must be in"),
    ({"lr": float("nan")}, "lr must be a finite number"),
    ({"start": (9.0, 0.0)}, "outside the linear_regression plot"),
    ({"start": (0.0, float("inf"))}, "start must be a finite number"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to 5000"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"mini_batch": 80}, "mini_batch must be a whole number from 1 to 50"),
    ({"mini_batch": 0}, "mini_batch"),
    ({"steps": 5, "noise_window": 10}, "noise_window must be a whole number from 1 to 5"),
    ({"n_samples": 10**6}, "n_samples must be a whole number from 2 to 1000"),
    ({"noise_std": -1.0}, "noise_std must be in"),
    ({"seed": -1}, "seed"),
    ({"seconds_per_step": 1e6}, "seconds_per_step"),
])
def test_bad_params_are_refused_with_the_fix(values, match):
    with pytest.raises(ValueError, match=match):
        Params(**values)


# --- the runs themselves (moved from tests/test_scene_batch_vs_stochastic.py) -------------------

def test_runs_record_their_batch_and_count_gradients():
    from gdanim.lessons.batch_vs_stochastic import batch_size_of, gradient_evaluations

    p = Params()
    runs = {m.key: m.traj for m in plan(p).runs.methods}
    assert [batch_size_of(runs[k]) for k in ("full", "mini", "sgd")] == [50, p.mini_batch, 1]
    assert runs["full"].sample_gradients is None  # the exact gradient every step
    assert runs["sgd"].sample_gradients is not None and runs["mini"].sample_gradients is not None
    for key, size in (("full", 50), ("mini", 8), ("sgd", 1)):
        assert [gradient_evaluations(runs[key], 0, k) for k in (0, 1, 7, p.steps)] == [0, size, 7 * size,
                                                                                        p.steps * size]
    gone = plan(Params(lr=1.2)).runs.method("full").traj  # a diverged run stops counting at its stop
    assert gradient_evaluations(gone, 0, 40) == int(gone.stop_step[0]) * 50 < 40 * 50


def test_same_seed_same_paths_other_seed_other_stochastic_paths():
    first = {m.key: m.traj for m in plan(Params()).runs.methods}
    again = {m.key: m.traj for m in plan(Params()).runs.methods}
    other = {m.key: m.traj for m in plan(Params(seed=1)).runs.methods}
    for key in first:
        assert np.array_equal(again[key].positions, first[key].positions)
    assert np.array_equal(other["full"].positions, first["full"].positions)  # no sampling in full batch
    for key in ("mini", "sgd"):
        assert not np.allclose(other[key].positions, first[key].positions)


def test_default_losses_bounce_most_for_sgd_and_never_rise_for_full_batch():
    runs = {m.key: m.traj for m in plan(Params()).runs.methods}
    # how much the loss goes up and down over the second half of the run
    bounce = {k: np.abs(np.diff(t.losses[0, 20:])).sum() for k, t in runs.items()}
    assert bounce["full"] < bounce["mini"] < bounce["sgd"]
    assert np.all(np.diff(runs["full"].losses[0]) <= 1e-12)  # full batch: the loss only falls
