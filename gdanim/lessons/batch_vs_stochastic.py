"""BatchVsStochastic as data: full batch, mini-batch and SGD fit one line to the same data.

Three engine runs share the start, rule, rate and sampling seed; only the samples per
gradient (B) differ. Every sentence is decided from those runs: "noisy" and "in between"
are measured as each run's gradient error (its sampled gradient against the exact one at
the same point), the budget comparison names whichever run really is lower, "does not
settle" needs SGD's loss to rise repeatedly in the window and range over more than twice
full batch's range there, and diverged runs are said to diverge instead of being ranked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import param
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import Landscape
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.wording import (capitalized, count, fits, listing, number_word, optimizer_name, pack_captions,
                            point, rate, sci, signed)

TITLE, SUBTITLE = "Batch or stochastic?", "how many samples should one gradient step look at?"
MAX_SAMPLES = 1000  # one dot each on the data plot
MAX_NOISE = 100.0
MAX_SEED = 2**32 - 1
NOISY = 0.1  # SGD is "noisy" when its gradient error is at least this share of the exact gradient
SETTLE_RATIO = 2.0  # "does not settle": SGD's loss range in the window exceeds full batch's by this
LOSS_DIGITS = 3  # significant digits of every loss quoted (captions and the legend alike)
RISE_TOL = 1e-12  # a loss change below this (relative) is rounding, not a rise
TIE_TOL = 1e-9  # losses this close to the best fit's count as reaching it
GRAD_ATOL = 1e-9  # mean gradient norms below this are rounding, not a gradient
KEYS = ("full", "mini", "sgd")


@dataclass
class Params:
    n_samples: int = param(50, "data points in the synthetic regression set")
    noise_std: float = param(0.5, "noise added to the data's y values (0: points exactly on a line)")
    data_seed: int = param(0, "seed of the data set")
    optimizer: str = param("gd", "update rule all three methods use; only the batch differs")
    lr: float = param(0.1, "learning rate α, shared by the three methods")
    start: tuple[float, float] = param((0.0, 0.0), "starting (w, b): the flat line y = 0")
    steps: int = param(40, "steps every method takes")
    mini_batch: int = param(8, "samples per mini-batch gradient (SGD uses 1, full batch all)")
    seed: int = param(0, "sampling seed: the same seed gives the same SGD and mini-batch paths")
    first_steps: int = param(5, "steps shown slowly at first, under the full-batch beat")
    first_step_seconds: float = param(1.0, "animation time of each of those steps")
    seconds_per_step: float = param(0.24, "animation time per step for the rest")
    noise_window: int = param(10, "last steps over which SGD's and full batch's losses are compared")
    hold_seconds: float = param(0.3, "pause once all steps are done")

    def __post_init__(self):
        checks.whole(self.n_samples, "n_samples", 2, MAX_SAMPLES)
        checks.number(self.noise_std, "noise_std", low=0.0, high=MAX_NOISE)
        checks.whole(self.data_seed, "data_seed", 0, MAX_SEED)
        checks.optimizer(self.optimizer)
        checks.rate(self.lr)
        checks.start(regression_landscape(self), self.start)
        checks.steps(self.steps)
        checks.whole(self.mini_batch, "mini_batch", 1, self.n_samples)
        checks.whole(self.seed, "seed", 0, MAX_SEED)
        checks.whole(self.first_steps, "first_steps", 0, checks.MAX_STEPS)
        checks.seconds(self.first_step_seconds, "first_step_seconds", high=10.0)
        checks.seconds(self.seconds_per_step, "seconds_per_step", high=10.0)
        checks.video_seconds(self.first_steps * self.first_step_seconds + self.steps * self.seconds_per_step,
                             "first_steps × first_step_seconds + steps × seconds_per_step",
                             "steps, first_steps or their seconds")
        checks.whole(self.noise_window, "noise_window", 1, self.steps)
        checks.seconds(self.hold_seconds, "hold_seconds", high=30.0)


@dataclass(frozen=True)
class Method:
    """One drawn run: key (full, mini, sgd), caption name, legend label, samples per gradient."""

    key: str
    name: str
    label: str
    batch: int
    traj: Trajectory

    @property
    def diverged(self) -> bool:
        return diverged(self.traj)


@dataclass(frozen=True)
class Runs:
    """What the scene draws: the data landscape, the distinct methods in order, slow steps."""

    land: Landscape
    methods: tuple[Method, ...]
    steps: int
    slow: int  # steps played one by one under the full-batch beat

    def method(self, key: str) -> Method | None:
        return next((m for m in self.methods if m.key == key), None)


# --- the runs and what they measure (numpy) ---------------------------------------------------

def regression_landscape(p: Params) -> Landscape:
    return checks.landscape("linear_regression", {"n_samples": p.n_samples, "noise_std": p.noise_std,
                                                  "seed": p.data_seed})


def run_methods(land: Landscape, p: Params) -> dict[str, Trajectory]:
    """Full batch, mini-batch and SGD: one engine call each, same start, rule, rate and seed."""
    sizes = {"full": None, "mini": p.mini_batch, "sgd": 1}
    return {key: simulate(land, p.optimizer, p.start, p.steps, lr=p.lr, batch_size=size, seed=p.seed,
                          tol_grad=0.0)
            for key, size in sizes.items()}


def batch_size_of(traj: Trajectory) -> int:
    """Samples per gradient the run used: its recorded batch size, or all of them (full batch)."""
    size = traj.inputs.get("batch_size")
    return traj.landscape.n_samples if size is None else int(size)


def gradient_evaluations(traj: Trajectory, run: int, k: int) -> int:
    """Per-sample gradients computed by step ``k``: one batch per step actually taken."""
    taken = min(max(int(k), 0), int(traj.stop_step[run]))
    return taken * batch_size_of(traj)


def gradient_error(traj: Trajectory) -> tuple[float, float]:
    """Mean distance between the gradient a run used and the exact gradient at the same point,
    over the steps it took; and that error as a share of the mean exact gradient norm."""
    taken = int(traj.stop_step[0])
    if traj.sample_gradients is None or taken == 0:
        return 0.0, 0.0
    used, exact = traj.sample_gradients[0, :taken], traj.gradients[0, :taken]
    error = float(np.linalg.norm(used - exact, axis=1).mean())
    size = float(np.linalg.norm(exact, axis=1).mean())
    if error <= GRAD_ATOL:  # rounding: e.g. every sample's gradient is zero at a noise-free fit
        return 0.0, 0.0
    return error, error / size if size > GRAD_ATOL else float("inf")


def rising_steps(losses: np.ndarray) -> np.ndarray:
    """Per step, whether the loss went up from the step before (rounding-size changes ignored)."""
    losses = np.asarray(losses, dtype=float)
    return np.diff(losses) > RISE_TOL * np.maximum(1.0, np.abs(losses[:-1]))


def rises(losses: np.ndarray) -> int:
    """How often the loss went up from one step to the next."""
    return int(np.count_nonzero(rising_steps(losses)))


def loss_text(value: float) -> str:
    """A loss as captions and the legend print it: LOSS_DIGITS significant digits."""
    return sci(value, LOSS_DIGITS)


def diverged(traj: Trajectory) -> bool:
    return str(traj.stop_reason[0]) == "diverged"


def methods_of(land: Landscape, trajs: dict[str, Trajectory], p: Params) -> tuple[Method, ...]:
    """The distinct runs: a mini-batch of 1 is SGD and one of all samples is full batch."""
    n = land.n_samples
    single = "SGD" if p.optimizer in ("gd", "sgd") else f"1-sample {optimizer_name(p.optimizer)}"
    names = {"full": "full batch", "mini": "mini-batch", "sgd": single}
    batches = {"full": n, "mini": p.mini_batch, "sgd": 1}
    keys = [k for k in KEYS if k != "mini" or 1 < p.mini_batch < n]
    return tuple(Method(k, names[k], f"{names[k]}  B={batches[k]}", batches[k], trajs[k]) for k in keys)


# --- the lesson ---------------------------------------------------------------------------------

def plan(p: Params) -> Lesson:
    land = regression_landscape(p)
    trajs = run_methods(land, p)
    methods = methods_of(land, trajs, p)
    by = {m.key: m for m in methods}
    full, sgd, mini = by["full"], by["sgd"], by.get("mini")
    n, k = land.n_samples, p.steps
    slow = min(p.first_steps, k)
    bad = [m for m in methods if diverged(m.traj)]

    beats = [intro_beat(land),
             Beat("loss_map", "Right: the loss over (w, b); each point is one line on the left. "
                              "×: best fit (dashed).", {"best": tuple(float(v) for v in land.minima[0])}),
             methods_beat(methods, p)]
    if mini is None:
        same = "full batch" if p.mini_batch == n else sgd.name
        beats.append(Beat("note", f"A mini-batch of {p.mini_batch} is {same} itself here, so it is not "
                                  f"drawn twice.", {"mini_batch": p.mini_batch, "same_as": same}))

    full_rises = rises(full.traj.losses[0, : int(full.traj.stop_step[0]) + 1])
    smooth = full_rises == 0 and not diverged(full.traj)
    beats.append(Beat("full_batch", f"Full batch averages all {n} sample gradients: exact"
                                    f"{' and smooth' if smooth else ''}, but {n} gradients a step.",
                      {"n": n, "smooth": smooth, "rises": full_rises, "slow": slow}))

    noise = {m.key: gradient_error(m.traj) for m in methods}
    noisy = noise["sgd"][1] >= NOISY
    between = (mini is not None and not diverged(mini.traj) and not diverged(sgd.traj)
               and 0 < noise["mini"][0] < noise["sgd"][0])
    if noisy:
        how = "but noisy."
    elif noise["sgd"][0] == 0:
        how = "and here as exact as full batch."
    else:
        how = f"and here its gradient is within {NOISY:.0%} of the exact one."
    text = f"{sgd.name} follows one random sample a step: cheap, {how}"
    if between:
        text += " A mini-batch's noise sits in between."
    beats.append(Beat("stochastic", text, {"error": {key: v[0] for key, v in noise.items()},
                                           "relative": {key: v[1] for key, v in noise.items()},
                                           "noisy": noisy, "between": between}))

    if bad:
        beats.append(divergence_beat(methods, bad, p))
    beats += result_beats(methods, k)
    cheap = mini or sgd
    if not diverged(cheap.traj) and not diverged(full.traj):
        beats += budget_beats(full, cheap, n, k)
    if not diverged(sgd.traj) and not diverged(full.traj):
        beats += settle_beats(full, sgd, p.noise_window, k)

    return Lesson(TITLE, SUBTITLE, tuple(beats), takeaway(methods, bad, noisy, between, p),
                  runs=Runs(land, methods, k, slow))


def intro_beat(land: Landscape) -> Beat:
    n, w, b = land.n_samples, land.params["true_w"], land.params["true_b"]
    line = line_text(w, b)
    where = f"{n} noisy points around {line}" if land.params["noise_std"] > 0 else f"{n} points exactly on {line}"
    return Beat("data", f"{where}. We fit a line y = w·x + b to them.",
                {"n": n, "true_w": w, "true_b": b, "noise_std": land.params["noise_std"]})


def line_text(w: float, b: float) -> str:
    """'y = 2x − 1': the data's own line, as the caption and the label on the data plot write it."""
    return f"y = {signed(w)}x {'−' if b < 0 else '+'} {signed(abs(b))}"


def methods_beat(methods, p: Params) -> Beat:
    name = optimizer_name(p.optimizer)
    text = (f"{count(len(methods), f'{name} run', capital=True)} from (w, b) = {point(p.start)}, "
            f"{rate(p.lr)}; only B, the samples per gradient, differs.")
    return Beat("methods", text, {"runs": len(methods), "start": tuple(p.start), "lr": p.lr,
                                  "optimizer": p.optimizer, "batches": {m.key: m.batch for m in methods}})


def diverged_at(name: str, step: int) -> str:
    """'SGD at step 13': where a run diverged, in the caption and in the scene's list alike."""
    return f"{name} at step {step}"


def divergence_beat(methods, bad, p: Params) -> Beat:
    steps = {m.key: int(m.traj.stop_step[0]) for m in bad}
    said = [diverged_at(m.name, steps[m.key]) for m in bad]
    if len(bad) == len(methods):
        text = f"At {rate(p.lr)} every run diverges: {listing(said)}."
    else:
        fine = [m.name for m in methods if m not in bad]
        text = f"At {rate(p.lr)}, {listing(said)} diverged; {listing(fine)} did not."
    return Beat("diverged", text, {"stop_step": steps})


def result_beats(methods, k: int) -> list[Beat]:
    """Loss and sample gradients after k steps, for the runs that did not diverge."""
    ok = [m for m in methods if not diverged(m.traj)]
    if not ok:
        return []
    facts = {"step": k, "loss": {m.key: float(m.traj.losses[0, k]) for m in ok},
             "grads": {m.key: gradient_evaluations(m.traj, 0, k) for m in ok}}
    loss, grads = facts["loss"], facts["grads"]
    first, rest = ok[0], ok[1:]
    one = (f"After {count(k, 'step')}: loss {loss_text(loss[first.key])} from {grads[first.key]} sample "
           f"gradients ({first.name})" + "".join(f", {loss_text(loss[m.key])} from {grads[m.key]} ({m.name})"
                                                  for m in rest) + ".")
    if fits(one):
        return [Beat("results", one, facts)]
    parts = [f"After {count(k, 'step')}, {first.name}: loss {loss_text(loss[first.key])} from "
             f"{grads[first.key]} sample gradients."]
    parts += [f"{capitalized(m.name)}: loss {loss_text(loss[m.key])} from {grads[m.key]}."
              for m in rest]
    return [Beat("results", text, facts) for text in pack_captions(parts)]


def budget_beats(full: Method, cheap: Method, n: int, k: int) -> list[Beat]:
    """Full batch given the sample gradients the cheaper run used: which reaches the lower loss."""
    spent = gradient_evaluations(cheap.traj, 0, k)
    m = min(spent // n, k)
    a = float(cheap.traj.losses[0, k])
    facts = {"spent": spent, "full_steps": m, "full_spent": m * n, "cheap": cheap.key, "cheap_loss": a}
    if m == 0:
        text = (f"{spent} sample gradients took {cheap.name} {count(k, 'step')}, to loss {loss_text(a)}; "
                f"one full-batch step costs {n}.")
        return [Beat("budget", capitalized(text), {**facts, "winner": cheap.key})]
    b = float(full.traj.losses[0, m])
    facts["full_loss"] = b
    best = full.traj.landscape.min_value
    spend, them = f"For {spent} sample gradients", f"full batch ({count(m, 'step')}, {m * n} gradients)"
    cheap_name = capitalized(cheap.name)
    if loss_text(a) == loss_text(b) or all(abs(v - best) <= TIE_TOL * max(1.0, best) for v in (a, b)):
        winner = "tie"
        reach = (f"loss {loss_text(a)}" if loss_text(a) == loss_text(b) else
                 f"the best fit's loss, {loss_text(best)}")
        one = f"{spend}, {cheap.name} and {them} both reach {reach}."
        two = [f"{spend}, {cheap.name} reaches {reach}.", f"{capitalized(them)} reaches it too."]
    elif a < b:
        winner = cheap.key
        one = f"{spend}, {cheap.name} reaches loss {loss_text(a)}, {them} only {loss_text(b)}."
        two = [f"{spend}, {cheap.name} reaches loss {loss_text(a)}.",
               f"{capitalized(them)} only reaches {loss_text(b)}."]
    else:
        winner = "full"
        one = f"{spend}, {them} reaches loss {loss_text(b)}, {cheap.name} only {loss_text(a)}."
        two = [f"{spend}, {them} reaches loss {loss_text(b)}.", f"{cheap_name} only reaches {loss_text(a)}."]
    return [Beat("budget", text, {**facts, "winner": winner}) for text in ([one] if fits(one) else two)]


def window_phrase(window: int, k: int) -> str:
    if window == k:
        return "over the whole run"
    return "over the last step" if window == 1 else f"over the last {window} steps"


def window_stats(losses: np.ndarray) -> tuple[float, float, int]:
    """(lowest, highest, rises) of a run's losses over the window."""
    return float(losses.min()), float(losses.max()), rises(losses)


def quoted_window(losses: np.ndarray) -> tuple[float, ...]:
    """The losses a settle caption quotes for a run's window: its lowest and highest if it ever
    rose there; else where it started and ended (one value if those print alike)."""
    lo, hi, ups = window_stats(losses)
    if ups:
        return lo, hi
    first, last = float(losses[0]), float(losses[-1])
    return (last,) if loss_text(first) == loss_text(last) else (first, last)


def window_moves(losses: np.ndarray) -> str:
    """'rose on six of those steps, between a and b' (not 'sixfold'), or for a loss that never
    rose 'only fell over those steps, from a to b' (not over the whole run), or 'stayed at a'."""
    values = [loss_text(v) for v in quoted_window(losses)]
    ups = rises(losses)
    if ups:
        return f"rose on {number_word(ups)} of those steps, between {values[0]} and {values[1]}"
    if len(values) == 1:
        return f"stayed at {values[0]}"
    return f"only fell over those steps, from {values[0]} to {values[1]}"


def settle_beats(full: Method, sgd: Method, window: int, k: int) -> list[Beat]:
    """SGD's and full batch's losses over the last ``window`` steps (losses at steps k-window..k)."""
    tails = {m.key: m.traj.losses[0, k - window: k + 1] for m in (full, sgd)}
    stats = {key: window_stats(tail) for key, tail in tails.items()}
    (flo, fhi, _), (slo, shi, sup) = stats["full"], stats["sgd"]
    unsettled = (sup >= 2 and (shi - slo) > SETTLE_RATIO * (fhi - flo)
                 and loss_text(slo) != loss_text(shi))
    over = window_phrase(window, k)
    moves = {key: window_moves(tail) for key, tail in tails.items()}
    if unsettled:
        parts = [f"{sgd.name} does not settle: {over} its loss {moves['sgd']}.", f"Full batch's loss {moves['full']}."]
    else:
        parts = [f"{capitalized(over)}, {sgd.name}'s loss {moves['sgd']}.", f"Full batch's loss {moves['full']}."]
    facts = {"window": window, "first_step": k - window, "unsettled": unsettled, **stats,
             "quoted": {key: quoted_window(tail) for key, tail in tails.items()}}
    return [Beat("settle", text, facts) for text in pack_captions(parts)]


def takeaway(methods, bad, noisy: bool, between: bool, p: Params) -> str:
    if len(bad) == len(methods):
        return (f"At {rate(p.lr)} every batch size here diverged, from 1 sample to all of them: "
                f"lower the rate before tuning the batch.")
    sgd = methods[-1]
    text = "Full batch: exact but costly steps. " + (
        f"{sgd.name}: cheap but noisy ones." if noisy else f"{sgd.name}: cheap ones.")
    if between:
        text += " Mini-batches trade between the two."
    if bad:
        fine = [m.name for m in methods if m not in bad]
        text += (f" At {rate(p.lr)}, {listing([m.name for m in bad])} diverged; "
                 f"{listing(fine)} did not.")
    return text
