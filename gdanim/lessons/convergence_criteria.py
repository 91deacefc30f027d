"""ConvergenceCriteria as data: the gradient-norm, loss-change and step-budget rules against
their tolerances, for runs (one per learning rate) that may each stop for a different reason.

All runs are ONE engine call (an array of learning rates). Every sentence reads the engine's
arrays, stop_step and stop_reason: which rule stopped which run and when, the numbers the rule
compared at that step, whether a diverged run's numbers overflowed (its recorded loss is then
frozen at the step before), and what this run shows about stopping early. Numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdanim.config import param
from gdanim.display import shown_steps
from gdanim.engine import Trajectory, simulate
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.wording import (GRAD_NORM, capitalized, count, landscape_name, listing, number_word,
                            optimizer_name, pack_captions, point, rate, sci)

MAX_RUNS = 4  # panel rows that fit between the heading and the captions
MEMORYLESS = ("gd", "sgd")  # rules whose step is -α∇L (no noise here): ΔL ≈ -α‖∇L‖² for small steps
APPROX_FACTOR = 2.0  # "about α·‖∇L‖²" is said only when |ΔL| is within this factor of it
NEAR_MINIMUM = 0.05  # "near the minimum": within this share of the plot's longer side

RULES = ("grad", "loss", "steps")
RULE_OF_REASON = {"converged_grad": "grad", "converged_loss": "loss", "max_steps": "steps"}
REASON_NAMES = {"converged_grad": "the gradient rule", "converged_loss": "the loss rule",
                "max_steps": "the step budget", "diverged": "divergence"}
REASON_VERBS = {"converged_grad": "met the gradient rule", "converged_loss": "met the loss rule",
                "max_steps": "used the whole budget", "diverged": "diverged"}


@dataclass
class Params:
    landscape: str = param("himmelblau", "loss landscape (see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule shared by all runs")
    start: tuple[float, float] = param((-0.5, 0.0), "common starting point (x, y)")
    # From (-0.5, 0) on Himmelblau with the tolerances below (checked in the tests):
    #   0.1    -> diverged at step 5 (far beyond the stable step size)
    #   0.015  -> converged_grad at step 10: ‖∇L‖ = 2.5e-3 < 0.01 while |ΔL| = 1.5e-5 is not yet < 1e-5
    #   0.002  -> converged_loss at step 90: |ΔL| = 8.5e-6 < 1e-5 while ‖∇L‖ = 0.059 is still 5.9x its
    #             tolerance; small GD steps change the loss by about α‖∇L‖², so this rule fires first
    #   0.0005 -> max_steps at 120, loss still 44: too slow for the budget
    lrs: list[float] = param([0.1, 0.015, 0.002, 0.0005], "learning rate of each run (1 to 4 distinct values)")
    steps: int = param(120, "step budget: the max-iterations rule")
    tol_grad: float = param(1e-2, "gradient rule: stop when ‖∇L‖ falls below this (0 turns it off)")
    tol_loss: float = param(1e-5, "loss rule: stop when |L_k − L_(k−1)| falls below this (0 turns it off)")
    seconds_per_step: float = param(0.5, "animation time per step between two stop events")
    segment_seconds: float = param(6.0, "longest animation between two stop events (longer stretches speed up)")
    hold_seconds: float = param(0.6, "shortest pulse of the panel row and the rule that fired, once a run stops")

    def __post_init__(self):
        land = checks.landscape(self.landscape)
        checks.optimizer(self.optimizer)
        checks.rates(self.lrs, "lrs", 1, MAX_RUNS)
        checks.start(land, self.start)
        checks.steps(self.steps)
        checks.number(self.tol_grad, "tol_grad", low=0.0, high=1e6)
        checks.number(self.tol_loss, "tol_loss", low=0.0, high=1e6)
        checks.seconds(self.seconds_per_step, "seconds_per_step", high=10.0)
        checks.seconds(self.segment_seconds, "segment_seconds", high=60.0)
        checks.seconds(self.hold_seconds, "hold_seconds", high=10.0)


# --- what the rules compare (also read by the panel) -------------------------------------------

@dataclass(frozen=True)
class Tolerances:
    """The engine's stopping thresholds: a run stops once ‖∇L‖ < grad, |ΔL| < loss (0 turns
    either off) or it has taken ``steps`` steps."""

    grad: float
    loss: float
    steps: int

    @classmethod
    def of(cls, traj: Trajectory) -> "Tolerances":
        """The tolerances ``traj`` was simulated with."""
        return cls(float(traj.inputs["tol_grad"]), float(traj.inputs["tol_loss"]), int(traj.steps))


@dataclass(frozen=True)
class Reading:
    """What the rules compare at one step: k, ‖∇L_k‖ and |L_k - L_{k-1}| (nan at step 0)."""

    step: int
    grad: float
    loss: float

    def value(self, rule: str) -> float:
        return {"grad": self.grad, "loss": self.loss, "steps": float(self.step)}[rule]


def overflowed(traj: Trajectory, run: int) -> bool:
    """Whether a diverged run stopped because its numbers overflowed (inf/nan) rather than by
    going beyond ``diverge_at``: the engine then records the step before's point and loss again."""
    if str(traj.stop_reason[run]) != "diverged":
        return False
    k = int(traj.stop_step[run])
    return bool(np.abs(traj.positions[run, k]).max() <= float(traj.inputs["diverge_at"]))


def reading(traj: Trajectory, run: int, k: int) -> Reading:
    """Run ``run``'s values at step ``k``, held at its stop step once it has stopped. A run whose
    numbers overflowed reads inf there (its recorded values are the step before's, frozen)."""
    k = int(min(max(k, 0), traj.stop_step[run]))
    if k > 0 and k == traj.stop_step[run] and overflowed(traj, run):
        return Reading(k, math.inf, math.inf)
    grad = float(np.linalg.norm(traj.gradients[run, k]))
    loss = abs(float(traj.losses[run, k] - traj.losses[run, k - 1])) if k > 0 else math.nan
    return Reading(k, grad, loss)


def rules_met(r: Reading, tol: Tolerances) -> dict[str, bool]:
    """Which rules hold at this reading, compared exactly as the engine compares them."""
    return {
        "grad": tol.grad > 0 and r.grad < tol.grad,
        "loss": tol.loss > 0 and r.step > 0 and r.loss < tol.loss,
        "steps": r.step >= tol.steps,
    }


def status(traj: Trajectory, run: int, k: int) -> str:
    """'running' before the run's stop step, then 'stop @ K' (or 'diverged @ K')."""
    stop = int(traj.stop_step[run])
    if k < stop:
        return "running"
    return f"{'diverged' if traj.stop_reason[run] == 'diverged' else 'stop'} @ {stop}"


def fired_rule(traj: Trajectory, run: int, k: int) -> str | None:
    """The rule that stopped the run, once step ``k`` has reached its stop (None if it diverged)."""
    return RULE_OF_REASON.get(str(traj.stop_reason[run])) if k >= traj.stop_step[run] else None


# --- numbers as captions print them ------------------------------------------------------------

def exact(value: float) -> str:
    """A tolerance as given: the fewest significant figures that still equal it (0.01, 1×10⁻⁵)."""
    for digits in range(1, 7):
        if float(f"{value:.{digits - 1}e}") == value:
            return sci(value, digits)
    return sci(value, 6)


def versus(value: float, bound: float) -> tuple[str, str]:
    """(``value`` with enough figures to keep its order against ``bound``, '<', '=' or '>'):
    0.00998 against 0.01 prints as 0.00998 <, never as 0.01 < 0.01."""
    sign = "<" if value < bound else ">" if value > bound else "="
    for digits in range(2, 8):
        shown = float(f"{value:.{digits - 1}e}")
        if (shown < bound) == (value < bound) and (shown > bound) == (value > bound):
            return sci(value, digits), sign
    return sci(value, 8), sign


def multiple(ratio: float) -> str:
    """'5.9×', '2000×': how many times a tolerance (ratio >= 1.1)."""
    return f"{sci(ratio, 2)}×"


# --- the lesson --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Runs:
    """What the scene draws: the trajectory (one run per rate), each run's label, the last step
    drawn (cut where a run leaves the plot) and whether it diverged."""

    traj: Trajectory
    labels: tuple[str, ...]
    shown: tuple[int, ...]
    diverged: tuple[bool, ...]


def run_all(p: Params) -> Trajectory:
    """Every learning rate in one engine call, with the lesson's tolerances and budget."""
    return simulate(checks.landscape(p.landscape), p.optimizer, p.start, p.steps, lr=np.asarray(p.lrs, dtype=float),
                    tol_grad=p.tol_grad, tol_loss=p.tol_loss)


def stop_events(traj: Trajectory) -> list[tuple[int, list[int]]]:
    """(step, runs stopping there) in time order: the beats of the lesson."""
    steps = sorted({int(s) for s in traj.stop_step})
    return [(k, [run for run in range(traj.n_runs) if traj.stop_step[run] == k]) for k in steps]


def stops_early(traj: Trajectory, run: int) -> bool:
    """A stop that is not an arrival by the rules' own measure: diverged; the loss rule with the
    gradient still above an active tolerance; or the budget while a tolerance is on (then that
    rule did not hold, or it would have fired first)."""
    tol = Tolerances.of(traj)
    reason = str(traj.stop_reason[run])
    return (reason == "diverged" or (reason == "converged_loss" and tol.grad > 0)
            or (reason == "max_steps" and (tol.grad > 0 or tol.loss > 0)))


def nearest_minimum(traj: Trajectory, run: int) -> tuple[float, float] | None:
    """The landscape's listed minimum within NEAR_MINIMUM of the run's stop point, if any."""
    land = traj.landscape
    minima = np.asarray(land.minima, dtype=float).reshape(-1, 2)
    if not len(minima):
        return None
    at = traj.positions[run, int(traj.stop_step[run])]
    d = np.linalg.norm(minima - at, axis=1)
    (x0, x1), (y0, y1) = land.domain
    i = int(np.argmin(d))
    return tuple(float(v) for v in minima[i]) if d[i] <= NEAR_MINIMUM * max(x1 - x0, y1 - y0) else None


def stop_beats(traj: Trajectory, runs: list[int], lrs: list[float], optimizer: str) -> list[Beat]:
    """What the narrator says when ``runs`` stop (all at one step), from the engine's numbers."""
    tol = Tolerances.of(traj)
    groups = [runs] if int(traj.stop_step[runs[0]]) == 0 else [[run] for run in runs]  # step 0: same point
    beats = []
    for group in groups:
        run = group[0]
        label = rate(lrs[run]) if len(group) == 1 else "α = " + listing([f"{lrs[r]:g}" for r in group])
        parts, facts = stop_sentences(traj, run, label, lrs[run], optimizer, tol, len(group))
        facts = {**facts, "runs": group, "lrs": [lrs[r] for r in group]}
        beats += [Beat("stop", text, facts) for text in pack_captions(parts)]
    return beats


def stop_sentences(traj: Trajectory, run: int, label: str, lr: float, optimizer: str, tol: Tolerances,
                   n_runs: int = 1) -> tuple[list[str], dict]:
    reason = str(traj.stop_reason[run])
    k = int(traj.stop_step[run])
    loss = float(traj.losses[run, k])
    grad = float(np.linalg.norm(traj.gradients[run, k]))
    dloss = abs(float(traj.losses[run, k] - traj.losses[run, k - 1])) if k > 0 else math.nan
    facts = {"run": run, "lr": lr, "step": k, "reason": reason, "loss": loss, "grad": grad, "dloss": dloss}
    it = "it" if n_runs == 1 else "them"
    if reason == "converged_grad":
        g, sign = versus(grad, tol.grad)
        said = f"{label}: at step {k}, {GRAD_NORM} = {g} {sign} {exact(tol.grad)}."
        minimum = nearest_minimum(traj, run)
        facts["minimum"] = minimum
        if k == 0:
            end = f"The gradient rule stops {it} before the first step."
        elif minimum is not None:
            end = f"The gradient rule stops {it}: converged near the minimum {point(minimum, 3)}."
        else:
            end = f"The gradient rule stops {it} at loss {sci(loss, 3)}."
        return [f"{said} {end}"], facts
    if reason == "converged_loss":
        d, sign = versus(dloss, tol.loss)
        said = [f"{label}: at step {k} the loss changes by only {d} {sign} {exact(tol.loss)}. "
                f"The loss rule stops {it}."]
        if tol.grad > 0:  # the gradient rule did not hold, or it would have fired first
            ratio = grad / tol.grad
            facts["grad_ratio"] = ratio
            gtext, _ = versus(grad, tol.grad)
            much = f"still {multiple(ratio)} its tolerance" if ratio >= 1.1 else "still above its tolerance"
            approx = abs(dloss) / (lr * grad**2) if grad > 0 else math.inf
            facts["approx_ratio"] = approx
            facts["approx"] = optimizer in MEMORYLESS and 1 / APPROX_FACTOR <= approx <= APPROX_FACTOR
            why = (f"small steps change the loss by only about α·{GRAD_NORM}²." if facts["approx"] else
                   "the loss rule fired first.")
            said.append(f"Yet {GRAD_NORM} = {gtext} is {much}: {why}")
        return said, facts
    if reason == "max_steps":
        used = f"{label}: {count(k, 'step')} used, loss {sci(loss, 3)}"
        if tol.grad > 0:
            g, sign = versus(grad, tol.grad)
            return [f"{used}, yet {GRAD_NORM} = {g} {sign} {exact(tol.grad)}. "
                    f"The budget rule stops {it}, unfinished."], facts
        if tol.loss > 0:
            d, sign = versus(dloss, tol.loss)
            return [f"{used}, still changing by {d} {sign} {exact(tol.loss)} a step. "
                    f"The budget rule stops {it}, unfinished."], facts
        return [f"{used}, {GRAD_NORM} = {sci(grad, 2)}. The budget rule stops {it}."], facts
    # diverged
    if overflowed(traj, run):
        facts["overflow"] = True
        facts["loss"] = before = float(traj.losses[run, k - 1])
        return [f"{label} blows up: at step {k} its numbers overflow (loss {sci(before, 2)} at step {k - 1}). "
                f"The engine stops {it} as diverged."], facts
    facts["overflow"] = False
    if loss > float(traj.losses[run, 0]):
        return [f"{label} blows up: at step {k} the loss is {sci(loss, 2)}. "
                f"The engine stops {it} as diverged."], facts
    xy = traj.positions[run, k]
    facts["position"] = (float(xy[0]), float(xy[1]))
    return [f"{label} runs away: at step {k} it is at ({sci(xy[0], 2)}, {sci(xy[1], 2)}), loss "
            f"{sci(loss, 2)}. The engine stops {it} as diverged."], facts


def left_plot_beat(traj: Trajectory, run: int, label: str, shown: int) -> Beat | None:
    """A run that leaves the plot without diverging: its ball stops at the edge (between steps
    ``shown`` and ``shown + 1``) while its panel row goes on. Said once step ``shown + 1`` is drawn."""
    if shown >= traj.stop_step[run] or traj.stop_reason[run] == "diverged":
        return None
    return Beat("left_plot", f"{label} leaves the plot after step {shown}: its ball waits at the edge, "
                             f"its panel row goes on.", {"run": run, "shown": shown, "step": shown + 1})


def rules_caption(p: Params) -> str:
    rules = [f"when {GRAD_NORM} < {exact(p.tol_grad)}"] if p.tol_grad > 0 else []
    rules += [f"when |ΔL| < {exact(p.tol_loss)}"] if p.tol_loss > 0 else []
    budget = f"after {count(p.steps, 'step')}"
    if not rules:
        return f"Both tolerances are 0 (off): a run stops only {budget}, or sooner if it diverges."
    return (f"A run stops {', '.join(rules)}{',' if len(rules) > 1 else ''} or {budget}; "
            f"the engine also stops one that diverges.")


def summary_sentences(traj: Trajectory) -> list[str]:
    reasons = list(dict.fromkeys(str(traj.stop_reason[r]) for k, runs in stop_events(traj) for r in runs))
    names = [REASON_NAMES[r] for r in reasons]
    n = traj.n_runs
    if n == 1:
        said = [f"One run, stopped by {names[0]}."]
    elif len(reasons) == n:
        said = [f"{count(n, 'run', capital=True)}, {number_word(n)} different reasons to stop: {listing(names)}."]
    else:
        said = [f"{count(n, 'run', capital=True)}, {count(len(reasons), 'reason')} to stop: {listing(names)}."]
    if any(stops_early(traj, r) for r in range(n)):
        said.append("A stop is not an arrival: check which rule fired.")
    return said


def takeaway_text(traj: Trajectory) -> str:
    tol = Tolerances.of(traj)
    reasons = [str(r) for r in traj.stop_reason]
    early_loss = [r for r in range(traj.n_runs) if reasons[r] == "converged_loss" and tol.grad > 0]
    early_budget = [r for r in range(traj.n_runs) if reasons[r] == "max_steps" and stops_early(traj, r)]
    head = "Stop on a tiny gradient, a stalled loss or a spent budget, and check which rule fired."
    if early_loss and early_budget:
        return f"{head} Here the loss rule and the budget stopped runs while {GRAD_NORM} was still above its tolerance."
    if early_loss:
        runs = "a run" if len(early_loss) == 1 else "runs"
        return f"{head} Here the loss rule stopped {runs} while {GRAD_NORM} was still above its tolerance."
    if early_budget:
        runs = "a run" if len(early_budget) == 1 else "runs"
        return f"{head} Here the budget stopped {runs} unfinished."
    counts = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    parts = [f"{count(c, 'run') if i == 0 else number_word(c)} {REASON_VERBS[r]}"
             for i, (r, c) in enumerate(counts.items())]
    if traj.n_runs == 1:
        parts = [f"the run {REASON_VERBS[reasons[0]]}"]
    elif len(counts) == 1:
        parts = [f"{'both' if traj.n_runs == 2 else 'all ' + number_word(traj.n_runs)} runs {REASON_VERBS[reasons[0]]}"]
    return f"{head} Here {listing(parts)}."


def plan(p: Params) -> Lesson:
    traj = run_all(p)
    land = traj.landscape
    shown = [int(s) for s in shown_steps(traj)]
    labels = tuple(rate(lr) for lr in p.lrs)
    name = "Gradient descent" if p.optimizer == "gd" else capitalized(optimizer_name(p.optimizer))
    each = "one run per learning rate α" if len(p.lrs) > 1 else f"one run at {labels[0]}"
    beats = [Beat("intro", f"{name} on {landscape_name(land)} from {point(p.start)}: {each}.",
                  {"optimizer": p.optimizer, "landscape": land.name, "start": tuple(p.start), "lrs": list(p.lrs)}),
             Beat("rules", rules_caption(p), {"tol_grad": p.tol_grad, "tol_loss": p.tol_loss, "steps": p.steps}),
             Beat("panel", "Bars: each rule's value now. Ticks: the tolerances. A rule that holds changes colour.")]
    timeline = [(k, 1, stop_beats(traj, runs, p.lrs, p.optimizer)) for k, runs in stop_events(traj)]
    for run in range(traj.n_runs):
        left = left_plot_beat(traj, run, labels[run], shown[run])
        if left is not None:  # leaving comes before a stop at the same step
            timeline.append((left.facts["step"], 0, [left]))
    for _, _, said in sorted(timeline, key=lambda event: event[:2]):
        beats += said
    reasons = sorted({str(r) for r in traj.stop_reason})
    beats += [Beat("summary", text, {"runs": traj.n_runs, "reasons": reasons,
                                     "early": [r for r in range(traj.n_runs) if stops_early(traj, r)]})
              for text in pack_captions(summary_sentences(traj))]
    n_rules = 1 + (p.tol_grad > 0) + (p.tol_loss > 0)
    subtitle = ("one stopping rule here: the step budget" if n_rules == 1 else
                f"{number_word(n_rules)} stopping rules, and which one fires")
    return Lesson("When to stop?", subtitle, tuple(beats), takeaway_text(traj),
                  runs=Runs(traj, labels, tuple(shown), tuple(str(r) == "diverged" for r in traj.stop_reason)))
