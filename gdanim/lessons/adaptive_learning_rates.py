"""AdaptiveLearningRates as data: AdaGrad, RMSprop and Adam from one start, each coordinate's
learning rate as live bars, and the real steps those rates produced.

The bars show the engine's ``Trajectory.step_scale``: a per-coordinate learning rate, α over a
running size of that coordinate's gradient - not a step. A step is that rate times the gradient
(Adam: times m̂), so the plan quotes real steps |Δx| from the positions, and every trend it
states (fell, dipped then rose, never rose) is read off the run drawn. Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import param
from gdanim.display import inside_domain
from gdanim.engine import Trajectory, simulate_each
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import (capitalized, landscape_name, listing, number_word, optimizer_name,
                            pack_captions, point, rate, sci)

# Rates for the lesson's rules: all take the same first step (rate α/|g| per coordinate; RMSprop's
# average starts empty, so its first rate is 10α/|g| and it gets a tenth of the α).
LESSON_LRS = {"adagrad": 0.1, "rmsprop": 0.01, "adam": 0.1, "adamw": 0.1}
# What each adaptive rule multiplies its rate by to make a step (checked against the run
# before it is said): Δθ = -rate · g for AdaGrad and RMSprop, -rate · m̂ for Adam.
STEP_FACTOR = {"adagrad": "g", "rmsprop": "g", "adam": "m̂"}
AVERAGING = ("rmsprop", "adam", "adamw")  # rules whose g² memory is a decaying average
DIGITS = 3  # significant figures of the rates and steps quoted (the bars' labels show 3 too)


@dataclass
class Params:
    landscape: str = param("valley", "loss landscape (see gdanim.landscapes); the valley shows it best")
    start: tuple[float, float] | None = param(None, "common starting point (x, y); None = the landscape's "
                                                    "default start (valley: (2, 1))")
    optimizers: list[str] = param(["adagrad", "rmsprop", "adam"], "update rules compared, one run each (1-4)")
    lrs: dict = param({}, "learning rate α per optimizer {name: lr}; those left out use the lesson's "
                          "(adagrad 0.1, rmsprop 0.01, adam and adamw 0.1: the same first step for all), "
                          "others torch's default")
    steps: int = param(200, "steps each optimizer takes")
    first_steps: int = param(10, "steps played slowly while the first update rule is explained")
    first_seconds: float = param(4.0, "duration of those first steps")
    run_seconds: float = param(9.0, "duration of the remaining steps")
    hold_seconds: float = param(0.5, "pause on the final bars before the numbers")

    def __post_init__(self):
        land = checks.landscape(self.landscape)
        if self.start is not None:
            checks.start(land, self.start)
        checks.optimizers(self.optimizers, low=1, high=4)
        checks.rate_table(self.lrs, self.optimizers)
        checks.steps(self.steps)
        checks.whole(self.first_steps, "first_steps", 0, checks.MAX_STEPS)
        checks.seconds(self.first_seconds, "first_seconds")
        checks.seconds(self.run_seconds, "run_seconds")
        checks.seconds(self.hold_seconds, "hold_seconds", high=10.0)


@dataclass(frozen=True)
class Runs:
    """What the scene draws: the runs, and per tracker step k the values on screen."""

    traj: Trajectory
    optimizers: tuple[str, ...]
    lrs: tuple[float, ...]
    labels: tuple[str, ...]  # "AdaGrad, α = 0.1": each update-rule card's title
    rates: np.ndarray  # (runs, steps+1, 2): learning rate per coordinate shown at tracker step k
    moves: np.ndarray  # (runs, steps+1, 2): |Δx|, |Δy| of that same step
    slow: int  # steps played slowly under the first update rule's beat
    gone: tuple[bool, ...]  # per run: it diverged or ended outside the plot (drawn up to its exit)


def lesson_lrs(p: Params) -> list[float]:
    """α per optimizer: the configured one, else the lesson's, else torch's default."""
    return [float(p.lrs.get(name, LESSON_LRS.get(name, OPTIMIZERS[name].defaults["lr"])))
            for name in p.optimizers]


def run(p: Params) -> Trajectory:
    """One engine run per optimizer (full step budget, no early stop), stacked in order."""
    land = checks.landscape(p.landscape)
    start = land.default_start if p.start is None else p.start
    return simulate_each(land, p.optimizers, lesson_lrs(p), start, p.steps)


def shown_step(traj: Trajectory) -> np.ndarray:
    """(runs, steps+1): the step whose rate is on screen at tracker step k - the last step the
    run really took by then (step 1 before any); a stopped run keeps its last."""
    numbers = np.arange(1, traj.steps + 1)
    taken = np.maximum.accumulate(np.where(traj.lrs > 0, numbers, 0), axis=1)
    return np.maximum(np.concatenate([taken[:, :1], taken], axis=1), 1)


def shown_values(traj: Trajectory) -> tuple[np.ndarray, np.ndarray]:
    """(rates, moves), each (runs, steps+1, 2): the shown step's learning rate per coordinate
    (``step_scale``) and its real move |θ_k - θ_(k-1)| per coordinate."""
    k = shown_step(traj)
    rows = np.arange(traj.n_runs)[:, None]
    rates = traj.step_scale[rows, k - 1]
    moves = np.abs(traj.positions[rows, k] - traj.positions[rows, k - 1])
    return rates, moves


@dataclass(frozen=True)
class Story:
    """One run's numbers, read off the engine, that the captions state."""

    optimizer: str
    name: str  # display name
    lr: float
    taken: int  # steps really taken (a run diverging to NaN does not take its last)
    diverged_at: int | None
    left_at: int | None  # first step whose position lies outside the plotted domain
    back_at: int | None  # after leaving: the step from which it stayed inside (None: ended outside)
    adaptive: bool  # its rate differs from α somewhere
    rates: np.ndarray  # (taken, 2)
    moves: np.ndarray  # (taken, 2)
    loss: float  # after its last step taken
    factor_holds: bool  # |Δx| = rate · |STEP_FACTOR| at every step taken
    start_gradient_zero: bool


def story(traj: Trajectory, run: int, optimizer: str, lr: float) -> Story:
    taken = int(shown_step(traj)[run, -1]) if traj.lrs[run, 0] > 0 else 0
    rates = traj.step_scale[run, :taken]
    moves = np.abs(np.diff(traj.positions[run, : taken + 1], axis=0))
    stop = int(traj.stop_step[run])
    outside = np.flatnonzero(~inside_domain(traj.landscape, traj.positions[run, : stop + 1]))
    back = int(outside[-1]) + 1 if len(outside) and outside[-1] < stop else None
    return Story(optimizer, optimizer_name(optimizer), lr, taken,
                 stop if str(traj.stop_reason[run]) == "diverged" else None,
                 int(outside[0]) if len(outside) else None, back,
                 bool(taken and not np.allclose(rates, lr, rtol=1e-12, atol=0.0)),
                 rates, moves, float(traj.losses[run, taken]), factor_holds(traj, run, optimizer, taken),
                 not np.any(traj.gradients[run, 0]))


def factor_holds(traj: Trajectory, run: int, optimizer: str, taken: int) -> bool:
    """Whether the run's x step is its x rate times |g| (AdaGrad, RMSprop) or |m̂| (Adam)."""
    if optimizer not in STEP_FACTOR or taken == 0:
        return False
    if optimizer == "adam":
        beta1 = OPTIMIZERS["adam"].defaults["betas"][0]
        steps = np.arange(1, taken + 1)
        factor = traj.velocity[run, 1 : taken + 1, 0] / (1.0 - beta1**steps)
    else:
        factor = traj.gradients[run, :taken, 0]
    moves = np.abs(np.diff(traj.positions[run, : taken + 1, 0]))
    return bool(np.allclose(moves, traj.step_scale[run, :taken, 0] * np.abs(factor), rtol=1e-6, atol=1e-300))


def fmt(value: float) -> str:
    """A rate or step as captions quote it (the bars' labels show the same figures)."""
    return sci(float(value), DIGITS)


def loss_words(loss: float) -> str:
    """'loss 0.049': a run's final loss as its closing caption and the bars panel both write it."""
    return f"loss {sci(loss)}"


def start_words(start, loss: float) -> tuple[str, str]:
    """The common start and its loss, as the first caption and the label at the start write them."""
    return point(start), sci(loss, 3)


def trend(s: Story) -> dict:
    """How the x rate went over the steps taken, in the words the caption uses.

    Cases from the quoted (3-figure) values, so a caption never says 'rose from 0.0227 to
    0.0227': one step; stayed; dipped to an inner low then rose; rose to an inner high then
    fell; rose; fell.
    """
    r = s.rates[:, 0]
    first, last = float(r[0]), float(r[-1])
    lo, hi = int(np.argmin(r)), int(np.argmax(r))
    facts = {"first": first, "last": last, "low": float(r[lo]), "low_step": lo + 1,
             "high": float(r[hi]), "high_step": hi + 1, "steps": s.taken}
    if s.taken == 1:
        return {**facts, "case": "one", "text": f"x rate at step 1 was {fmt(first)}"}
    if len({fmt(v) for v in r}) == 1:
        return {**facts, "case": "stayed", "text": f"x rate stayed at {fmt(first)} for {s.taken} steps"}
    if fmt(r[lo]) not in (fmt(first), fmt(last)):
        facts["case"] = "dipped"
        return {**facts, "text": f"x rate dipped from {fmt(first)} to {turn_words(facts)}, "
                                 f"then rose to {fmt(last)} by step {s.taken}"}
    if fmt(r[hi]) not in (fmt(first), fmt(last)):
        facts["case"] = "peaked"
        return {**facts, "text": f"x rate rose from {fmt(first)} to {turn_words(facts)}, "
                                 f"then fell to {fmt(last)} by step {s.taken}"}
    ratio = max(last / first, first / last)
    case = "rose" if last > first else "fell"
    return {**facts, "case": case, "ratio": ratio,
            "text": f"x rate {case}{ratio_words(ratio)} from {fmt(first)} to {fmt(last)} by step {s.taken}"}


def ratio_words(ratio: float) -> str:
    """' 5.6×' after 'rose' or 'fell', said only from 2× to 10⁴×; '' otherwise."""
    return f" {sci(ratio, 2)}×" if 2 <= ratio < 1e4 else ""


def turn_words(t: dict) -> str | None:
    """'0.0063 at step 57': the inner low or high a dipped or peaked trend quotes (None otherwise)."""
    key = {"dipped": "low", "peaked": "high"}.get(t["case"])
    return None if key is None else f"{fmt(t[key])} at step {t[key + '_step']}"


def never_rose(s: Story) -> bool:
    """Whether neither coordinate's rate ever went up over the steps taken."""
    return bool(s.taken >= 1 and np.all(np.diff(s.rates, axis=0) <= 0))


def rose_from_low(s: Story) -> bool:
    """Whether the x rate ended visibly above its lowest value (by the quoted figures)."""
    r = s.rates[:, 0]
    return bool(s.taken >= 2 and r[-1] > r.min() and fmt(r[-1]) != fmt(r.min()))


def recent_window(steps: int) -> int:
    """Steps over which the real step is quoted at its largest: the last tenth (at least one),
    so an oscillating step is not quoted at the bottom of a swing."""
    return max(1, steps // 10)


def recent_step(s: Story) -> float:
    """The largest real x step |Δx| over the run's last ``recent_window`` steps."""
    return recent_peak(s)[1]


def recent_peak(s: Story) -> tuple[int, float]:
    """(step, |Δx|) of the largest real x step over the run's last ``recent_window`` steps:
    where the scene writes the value the captions quote."""
    window = recent_window(s.taken)
    k = int(np.argmax(s.moves[-window:, 0]))
    return s.taken - window + k + 1, float(s.moves[s.taken - window + k, 0])


def contrast(s: Story) -> bool:
    """Whether the x rate grew while the real x step shrank (by the quoted figures)."""
    if s.taken < 2 or s.diverged_at is not None:
        return False
    r, m, recent = s.rates[:, 0], s.moves[:, 0], recent_step(s)
    return bool(r[-1] > r[0] and fmt(r[-1]) != fmt(r[0]) and recent < m[0] and fmt(recent) != fmt(m[0]))


def same_alpha(s: Story) -> bool:
    """Whether the run applied exactly α to both coordinates at every step taken."""
    return bool(s.taken and np.all(s.rates == s.lr))


def plan(p: Params) -> Lesson:
    traj = run(p)
    land = traj.landscape
    lrs = lesson_lrs(p)
    stories = [story(traj, i, name, lr) for i, (name, lr) in enumerate(zip(p.optimizers, lrs))]
    names = [s.name for s in stories]
    adaptive = [s.name for s in stories if s.adaptive]
    fixed = [s for s in stories if same_alpha(s)]
    slow = min(p.first_steps, p.steps)
    start = tuple(float(v) for v in traj.positions[0, 0])
    loss0 = float(traj.losses[0, 0])

    # title and setup
    if adaptive:
        title = "Adaptive learning rates"
        subtitle = ("each coordinate gets its own learning rate" if len(adaptive) == len(stories) else
                    f"{listing(adaptive)} {'gives' if len(adaptive) == 1 else 'give'} each coordinate its own rate")
    else:
        title = "One learning rate for every coordinate"
        subtitle = f"{listing(names)} {'applies' if len(names) == 1 else 'apply'} the same α to x and y"
    where, loss_at_start = start_words(start, loss0)
    if len(stories) == 1:
        intro = (f"{capitalized(names[0])} starts from {where}, where the {landscape_name(land)} "
                 f"loss is {loss_at_start}.")
    else:
        kind = "adaptive optimizers" if len(adaptive) == len(stories) else "optimizers"
        intro = (f"{number_word(len(stories), capital=True)} {kind}, {listing(names)}, start from "
                 f"{where}, where the {landscape_name(land)} loss is {loss_at_start}.")
    beats = [Beat("intro", intro, {"optimizers": list(p.optimizers), "start": start, "loss": loss0,
                                   "adaptive": adaptive})]

    if len(adaptive) == len(stories):
        whose = f"{names[0]}'s" if len(stories) == 1 else "each one's"
        bars = (f"Bars: {whose} learning rate on x and on y, α divided by a running size of "
                f"that coordinate's gradient.")
    elif adaptive:
        bars = (f"Bars: the learning rate on x and on y. {listing(adaptive)} "
                f"{'divides' if len(adaptive) == 1 else 'divide'} α by a running gradient size.")
    else:
        bars = f"Bars: the learning rate on x and on y, α for {'both' if len(stories) == 1 else 'all'}."
    beats.append(Beat("bars", bars, {"adaptive": adaptive, "fixed": [s.name for s in fixed]}))
    beats.append(ticks_beat(stories))

    # each update rule, while the first steps play
    for i, s in enumerate(stories):
        before = set(p.optimizers[:i])
        beats.append(Beat("rule", rule_caption(s, before),
                          {"optimizer": s.optimizer, "lr": s.lr, "play_to": slow if i == 0 else None,
                           "never_rose": never_rose(s), "same_alpha": same_alpha(s)}))
    if p.steps > slow:
        whose = "its" if len(stories) == 1 else "each one's"
        beats.append(Beat("run", f"Now on to step {p.steps}. Below: {whose} x rate (thick line) and "
                                 f"its real x step |Δx| (thin).", {"from": slow, "to": p.steps}))

    # the numbers at the end
    for s in stories:
        t = trend(s) if s.taken else None
        left = "" if s.left_at is None else f"left the plot at step {s.left_at} and "
        if t is None:
            parts = [f"{capitalized(s.name)} {left}diverged at step {s.diverged_at}, before taking a step."]
        elif s.diverged_at is not None:
            parts = [f"{capitalized(s.name)}'s {t['text']}; it {left}diverged at step {s.diverged_at}."]
        else:
            parts = [f"{capitalized(s.name)}'s {t['text']}; {loss_words(s.loss)}."]
            if s.left_at is not None and s.back_at is None:
                parts.append(f"It left the plot at step {s.left_at} and ended outside it.")
            elif s.left_at is not None:
                parts.append(f"It left the plot at step {s.left_at}, and from step {s.back_at} on stayed inside.")
        facts = {"optimizer": s.optimizer, "trend": t, "loss": s.loss, "diverged_at": s.diverged_at,
                 "left_at": s.left_at, "back_at": s.back_at,
                 "loss_quoted": t is not None and s.diverged_at is None}
        beats += [Beat("rate", text, facts) for text in pack_captions(parts)]

    ended = [s for s in stories if s.diverged_at is None and s.taken == p.steps]
    if ended:
        window = recent_window(p.steps)
        moves = {s.name: recent_step(s) for s in ended}
        listed = ", ".join(f"{n} {fmt(v)}" for n, v in moves.items())
        when = f"at step {p.steps}" if window == 1 else f"at most, over the last {window} steps"
        if p.steps == 1:  # a one-step history draws no line
            parts = [f"The real x step |Δx| at step 1: {listed}."]
        elif len(stories) == 1:
            parts = [f"Thin line: the real x step |Δx|, {fmt(moves[names[0]])} {when}."]
        else:
            parts = ["Thin lines: the real x step |Δx|.", f"{capitalized(when)}: {listed}."]
        peaks = {s.name: recent_peak(s)[0] for s in ended}
        beats += [Beat("steps", text, {"step": p.steps, "window": window, "moves": moves, "peak_steps": peaks})
                  for text in pack_captions(parts)]

    for s in stories:
        if not contrast(s):
            continue
        t = trend(s)
        times = ratio_words(t["ratio"]) if "ratio" in t else ""
        window = recent_window(s.taken)
        to = fmt(recent_step(s)) if window == 1 else f"at most {fmt(recent_step(s))} over the last {window} steps"
        parts = [f"{capitalized(s.name)}'s x rate rose{times}, yet its x step shrank from {fmt(s.moves[0, 0])} to {to}."]
        if s.factor_holds:
            sym = STEP_FACTOR[s.optimizer]
            what = "m̂ (an average of g)" if sym == "m̂" else "the gradient g"
            parts.append(f"On x, a step is the rate times {what}, and {sym} shrank by more than the rate grew.")
        beats += [Beat("contrast", text, {"optimizer": s.optimizer, "factor": s.factor_holds,
                                          "rates": (float(s.rates[0, 0]), float(s.rates[-1, 0])),
                                          "moves": (float(s.moves[0, 0]), recent_step(s)),
                                          "ratio": t.get("ratio"), "peak_step": recent_peak(s)[0]})
                  for text in pack_captions(parts)]

    labels = tuple(f"{s.name}, {rate(s.lr)}" for s in stories)
    rates, moves = shown_values(traj)
    gone = tuple(s.diverged_at is not None or (s.left_at is not None and s.back_at is None) for s in stories)
    return Lesson(title, subtitle, tuple(beats), takeaway(stories, loss0),
                  runs=Runs(traj, tuple(p.optimizers), tuple(lrs), labels, rates, moves, slow, gone))


def ticks_beat(stories: list[Story]) -> Beat:
    """The ticks mark each bar's step-1 rate; 'the same for all' only if the quoted values agree."""
    moved = [s for s in stories if s.taken]
    firsts = np.array([s.rates[0] for s in moved]).reshape(-1, 2)
    quoted = {(fmt(x), fmt(y)) for x, y in firsts}
    same = len(moved) == len(stories) and len(quoted) == 1
    facts = {"same": same, "x": float(firsts[0, 0]) if same else None, "y": float(firsts[0, 1]) if same else None}
    if same and len(stories) == 1:
        text = f"Ticks mark the rates at step 1: x {fmt(firsts[0, 0])}, y {fmt(firsts[0, 1])}."
    elif same:
        text = f"Ticks: the rates at step 1, the same for all (x {fmt(firsts[0, 0])}, y {fmt(firsts[0, 1])})."
    else:
        text = "Ticks: each bar's rate at step 1."
    return Beat("ticks", text, facts)


def rule_caption(s: Story, before: set[str]) -> str:
    """What the rule on the card does to its rates, said only as far as this run shows it."""
    name = capitalized(s.name)
    if s.optimizer == "adagrad":
        if s.taken >= 2 and never_rose(s):
            return "AdaGrad adds each squared gradient to a sum G, and G only grows: its rates never rise."
        return "AdaGrad adds each squared gradient to a sum G and divides α by √G."
    if s.optimizer == "rmsprop":
        how = "averages g² with decay instead of summing" if "adagrad" in before else "keeps a decaying average of g²"
        text = f"RMSprop {how}: old gradients fade"
        if s.taken >= 2 and np.any(np.diff(s.rates, axis=0) > 0):
            return text + ", so its rates can rise."
        return text + "."
    if s.optimizer == "adam":
        like = " like RMSprop's" if "rmsprop" in before else ""
        return f"Adam divides α by √v̂, v̂ a decaying average of g²{like}, and steps along m̂, an average of g."
    if s.optimizer == "adamw":
        return "AdamW follows Adam's rule and adds weight decay λθ, applied at the plain rate α."
    if same_alpha(s):
        return f"{name} applies the same α to x and y: its bars stay at {fmt(s.lr)}."
    first = s.rates[0] if s.taken else np.zeros(2)
    return f"{name}'s rates at step 1: x {fmt(first[0])}, y {fmt(first[1])}."


def takeaway(stories: list[Story], loss0: float) -> str:
    """The closing lines, each kept only where this run shows it."""
    parts = []
    ada = [s for s in stories if s.optimizer == "adagrad" and s.taken >= 2 and never_rose(s)]
    if ada:
        parts.append("AdaGrad's rates never rose: its sum G only grows.")
    risers = [s for s in stories if s.optimizer in AVERAGING and rose_from_low(s)]
    if risers:
        owners = listing([f"{s.name}'s" for s in risers])
        parts.append(f"{capitalized(owners)} x {'rate' if len(risers) == 1 else 'rates'} rose from "
                     f"{'its low' if len(risers) == 1 else 'their lows'}: averages forget old gradients.")
    grew = [s for s in stories if contrast(s)]
    if grew:
        owners = listing([f"{s.name}'s" for s in grew])
        parts.append(f"A rate is not a step: {owners} x {'rate' if len(grew) == 1 else 'rates'} grew "
                     f"as {'its' if len(grew) == 1 else 'their'} x {'step' if len(grew) == 1 else 'steps'} "
                     f"shrank.")
    fixed = [s for s in stories if same_alpha(s) and s.diverged_at is None]  # a diverged one: below
    if fixed:
        parts.append(f"{capitalized(listing([s.name for s in fixed]))} kept one rate, α, for x and y.")
    still = [s for s in stories if s.taken and not np.any(s.moves) and s.start_gradient_zero]
    if still:
        parts.append(f"{capitalized(listing([s.name for s in still]))} never moved: the gradient at the "
                     f"start is 0, so every step is 0.")
    diverged = [s for s in stories if s.diverged_at is not None]
    parts += [f"{capitalized(s.name)} diverged at step {s.diverged_at} ({rate(s.lr)})." for s in diverged]
    parts += [f"{capitalized(s.name)} ended at a higher loss than it started from ({rate(s.lr)})."
              for s in stories if s.diverged_at is None and s.loss > loss0]
    if not parts:
        adaptive = [s.name for s in stories if s.adaptive]
        parts.append(f"{listing(adaptive)} {'divides' if len(adaptive) == 1 else 'divide'} α by each "
                     f"coordinate's running gradient size, so each coordinate gets its own rate.")
    return " ".join(parts)
