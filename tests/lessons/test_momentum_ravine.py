"""MomentumRavine's plan: every claim checked against engine runs made here and against paths,
crossings, pushes and overshoots counted here, over a grid of lecturer-style parameters
(steeper valleys, diverging rates, other β, budgets, starts, landscapes)."""

import re

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.momentum_ravine import Params, plan
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import GRAD_NORM, sci

from caption_reading import NUMBER_WORDS, count_of as number

OLD_DEFAULTS = {"landscape_params": {"k": 20.0}, "gd_lr": 0.0425, "momentum_lr": 0.015, "nesterov_lr": 0.015,
                "beta": 0.75}
GRID = [
    {},
    {"landscape_params": {"k": 20.0}},  # GD at 0.09 > 1/20 diverges; Nesterov too, momentum arrives
    {"landscape_params": {"k": 50.0}},  # steep: all three diverge
    OLD_DEFAULTS,  # the scene's old defaults on x² + 20y²
    {"beta": 0.9},  # momentum spirals: slower than GD
    {"beta": 0.5},  # Nesterov's look-ahead costs steps
    {"steps": 10},  # nobody arrives
    {"steps": 1},
    {"start": (2.0, -1.2)},
    {"start": (-2.4, 0.05)},  # nearly on the floor: tiny crossings, no zig-zag
    {"start": (-2.0, 0.0)},  # on the floor: nothing to cross
    {"landscape": "bowl", "start": (-1.6, 1.2)},
    {"landscape": "rosenbrock", "start": (-1.2, 1.0), "gd_lr": 0.001, "momentum_lr": 0.001,
     "nesterov_lr": 0.001, "beta": 0.9, "steps": 3000},
    {"landscape": "rosenbrock", "start": (-1.2, 1.0)},  # 0.09 on Rosenbrock: everything diverges
    {"gd_lr": 0.04, "momentum_lr": 0.04, "nesterov_lr": 0.04},  # equal rates: GD does not zig-zag
    {"gd_lr": 0.11},  # above GD's stability limit 0.1
    {"gd_lr": 0.5, "solo_steps": 30},
    {"tol_grad": 1.0},
    {"tol_grad": 5.0},  # runs arrive inside their solo beats
    {"landscape_params": {"k": 0.1}, "start": (1.0, -1.3), "gd_lr": 0.9},  # the floor is the y-axis
    {"landscape_params": {"k": 2.0}},  # a shallow valley
    {"landscape_params": {"k": 1.0}},  # a bowl in a valley's frame
    {"nesterov_lr": 0.02},  # different rates: no look-ahead credit
    {"nesterov_lr": 0.07},  # Nesterov swings further than momentum, and arrives later
    {"nesterov_lr": 0.08, "momentum_lr": 0.02},  # Nesterov diverges, momentum loses to GD
    {"gd_lr": 0.11, "solo_steps": 2},  # GD leaves the map right after its solo beat: not said
    {"solo_steps": 3, "slow_steps": 3},
    {"landscape": "himmelblau", "start": (-0.5, 0.0), "gd_lr": 0.01, "momentum_lr": 0.01, "nesterov_lr": 0.01},
    {"landscape": "saddle", "start": (1.8, 0.001)},  # unbounded below: all diverge, far off the map
    {"landscape": "six_hump_camel", "start": (-1.0, -0.6), "gd_lr": 0.02, "momentum_lr": 0.02,
     "nesterov_lr": 0.02, "beta": 0.8, "steps": 400},
]
NAMES = ("gd", "momentum", "nesterov")
TITLES = {"gd": "GD", "momentum": "momentum", "nesterov": "Nesterov"}


def how_often(text: str) -> int:
    return {"once": 1, "twice": 2}.get(text) or number(text.split()[0])


# --- computed here, from the params alone -----------------------------------------------------

def reference(p: Params):
    land = get_landscape(p.landscape, **p.landscape_params)
    runs = {"gd": simulate(land, "gd", p.start, p.steps, lr=p.gd_lr, tol_grad=p.tol_grad),
            "momentum": simulate(land, "momentum", p.start, p.steps, lr=p.momentum_lr, momentum=p.beta,
                                 tol_grad=p.tol_grad),
            "nesterov": simulate(land, "nesterov", p.start, p.steps, lr=p.nesterov_lr, momentum=p.beta,
                                 tol_grad=p.tol_grad)}
    return land, runs


def classical_nesterov(land, p: Params, traj) -> np.ndarray:
    """Sutskever's Nesterov, stepped here: u ← βu − α∇L(φ + βu), φ ← φ + u. The ball drawn is φ
    until the run stops; a run that stopped early rests at the engine's (look-ahead) point."""
    stop = int(traj.stop_step[0])
    phi, u, balls = np.array(p.start, dtype=float), np.zeros(2), []
    for _ in range(stop):
        balls.append(phi.copy())
        u = p.beta * u - p.nesterov_lr * land.gradient(phi + p.beta * u)
        phi = phi + u
    balls.append(phi if stop == p.steps else traj.positions[0, stop])
    return np.array(balls)


def inside(land, xy) -> bool:
    (x0, x1), (y0, y1) = land.domain
    return bool(x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1)


def last_inside(land, *paths) -> int:
    """The last step before any of the paths first leaves the plot."""
    for k in range(len(paths[0])):
        if not all(inside(land, path[k]) for path in paths):
            return max(k - 1, 0)
    return len(paths[0]) - 1


def crossings(values) -> int:
    n, last = 0, 0.0
    for v in values:
        if v != 0:
            n += last != 0 and (v > 0) != (last > 0)
            last = v
    return n


def swing(values) -> float:
    """How far past 0 the values get after they first cross it."""
    k = swing_at(values)
    return 0.0 if k is None else float(abs(values[k]))


def swing_at(values) -> int | None:
    """The step where the values get farthest past 0 after they first cross it (None: never)."""
    first = next((v for v in values if v != 0), 0.0)
    for k, v in enumerate(values):
        if v * first < 0:
            return max(range(k, len(values)), key=lambda j: abs(values[j]))
    return None


def check_swing_facts(facts, path, across: int, prefix: str = "") -> int:
    """The mark's step and points: the farthest swing past the floor, counted here."""
    k = swing_at(path[:, across])
    assert facts[f"{prefix}swing_step"] == k
    if k is None:
        assert facts[f"{prefix}swing_point"] is None and facts[f"{prefix}swing_floor"] is None
        return 1
    assert np.allclose(facts[f"{prefix}swing_point"], path[k])
    floor = np.array(path[k], dtype=float)
    floor[across] = 0.0
    assert np.allclose(facts[f"{prefix}swing_floor"], floor)
    return 2


def turns(path) -> int:
    return sum(float(np.dot(path[k + 1] - path[k], path[k] - path[k - 1])) < 0 for k in range(1, len(path) - 1))


def steps_words(n: int) -> str:
    return str(n) if n > 10 else NUMBER_WORDS[n]


class Run:
    """One optimizer's run and what its solo beat shows, all computed here."""

    def __init__(self, name, land, p, traj):
        self.name, self.traj = name, traj
        self.stop, self.reason = int(traj.stop_step[0]), str(traj.stop_reason[0])
        self.path = classical_nesterov(land, p, traj) if name == "nesterov" else traj.positions[0, : self.stop + 1]
        ball_inside = last_inside(land, self.path)
        self.solo_shown = min(ball_inside, last_inside(land, traj.positions[0, : self.stop + 1]))
        self.race_shown = ball_inside
        self.window = min(p.solo_steps, self.solo_shown)
        self.arrived = self.reason == "converged_grad"


def ravine_of(land):
    """(across axis, curvature ratio) of a valley x² + k·y² with k ≠ 1, else None."""
    k = land.params.get("k", 1.0) if land.name == "valley" else 1.0
    return None if k == 1 else ((1, k) if k > 1 else (0, 1 / k))


# --- the grid ---------------------------------------------------------------------------------

@pytest.mark.parametrize("values", GRID, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "defaults")
def test_every_claim_holds_for_the_runs(values):
    p = Params(**values)
    lesson = plan(p)
    land, trajs = reference(p)
    runs = {name: Run(name, land, p, trajs[name]) for name in NAMES}
    ravine = ravine_of(land)
    claims = 0

    # the runs drawn are these runs
    for name, run in runs.items():
        racer = lesson.runs[name]
        assert np.array_equal(racer.traj.positions, trajs[name].positions); claims += 1
        assert np.allclose(racer.path[: run.stop + 1], run.path); claims += 1
        assert racer.window == run.window and racer.shown == run.race_shown; claims += 1
        assert racer.mark == ({"converged_grad": f"{run.stop} steps", "diverged": f"diverged at {run.stop}"}
                              .get(run.reason, f"not in {p.steps}")); claims += 1
    gd, mom, nes = (runs[n] for n in NAMES)
    beats_gd = mom.arrived and (not gd.arrived or mom.stop < gd.stop)

    # title and subtitle
    if ravine is None:
        assert lesson.title == f"Momentum on the {land.title} landscape"; claims += 1
    else:
        assert lesson.title == ("Momentum in a ravine" if ravine[1] >= 3 else "Momentum in a valley"); claims += 1
    assert ("beats the steepest step" in lesson.subtitle) == beats_gd; claims += 1

    # beats in drawing order
    kinds = [b.kind for b in lesson.beats]
    order = [k.split("_")[0] for k in kinds]
    assert order[:2] == ["intro", "gd"] and order.index("momentum") < order.index("nesterov") < order.index("race")
    assert kinds[kinds.index("race") + 1] == "results"; claims += 2
    for name in NAMES:
        assert kinds.count(f"{name}_intro") == 1 and kinds.count(f"{name}_steps") == 1; claims += 1
        for beat in lesson.beats:
            if beat.kind.startswith(name + "_"):
                assert beat.facts["window"] == runs[name].window; claims += 1
                assert beat.facts["slow"] == min(p.slow_steps, runs[name].window); claims += 1
    for beat in lesson.beats:
        assert "|∇L|" not in beat.caption and "barely" not in beat.caption; claims += 1
        assert "0 crossings" not in beat.caption and "in 0 steps" not in beat.caption; claims += 1

    claims += check_intro(lesson.beats_of("intro")[0], land, ravine)
    claims += check_solos(lesson, p, runs, ravine, land)
    claims += check_race(lesson, p, runs)
    claims += check_takeaway(lesson, p, runs, ravine, beats_gd)
    assert claims >= 40


def check_intro(beat, land, ravine) -> int:
    (x0, x1), (y0, y1) = land.domain
    minima = [m for m in land.minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]
    claims = 0
    assert ("× marks the minimum." in beat.caption) == (len(minima) == 1); claims += 1
    assert ("× marks the minima." in beat.caption) == (len(minima) > 1); claims += 1
    if ravine is None:
        assert "across" not in beat.caption; claims += 1
        return claims
    m = re.search(r"curve (\S+) times as sharply across \(([xy])\) as along the floor, the ([xy])-axis", beat.caption)
    assert m, beat.caption
    assert m.group(1) == sci(ravine[1]) and beat.facts["ratio"] == ravine[1]; claims += 1
    assert m.group(2) == "xy"[ravine[0]] and m.group(3) == "xy"[1 - ravine[0]]; claims += 1
    assert beat.caption.startswith("A ravine" if ravine[1] >= 3 else "A shallow valley"); claims += 1
    return claims


def check_solos(lesson, p, runs, ravine, land) -> int:
    claims = 0
    gd, mom, nes = (runs[n] for n in NAMES)
    # GD's first step: along the gradient, mostly across or along the ravine
    intro = lesson.beats_of("gd_intro")[0].caption
    assert intro.startswith("GD steps straight down the steepest slope"); claims += 1
    if ravine is not None:
        g0 = gd.traj.gradients[0, 0]
        across = abs(g0[ravine[0]]) > abs(g0[1 - ravine[0]])
        assert (": across the" in intro) == across and (": here mostly along the" in intro) == (not across); claims += 1
    if gd.stop:
        assert np.allclose(gd.traj.positions[0, 1], np.array(p.start) - p.gd_lr * gd.traj.gradients[0, 0]); claims += 1
    # colour and dash mentions only when the carried velocity shows (from step 1 on)
    assert ("two arrows, tip to tail" in lesson.beats_of("momentum_intro")[0].caption) == (mom.window >= 2); claims += 1
    assert ("(dashed)" in lesson.beats_of("nesterov_intro")[0].caption) == (nes.window >= 2); claims += 1

    for name, run in runs.items():
        text = " ".join(b.caption for b in lesson.beats if b.kind in (f"{name}_steps", f"{name}_note"))
        facts = {k: v for b in lesson.beats if b.kind in (f"{name}_steps", f"{name}_note") for k, v in b.facts.items()}
        w = run.window
        claims += check_ending(text, facts, p, run, land)
        if name == "nesterov":
            claims += check_nesterov(text, facts, run, mom, ravine, land)
        elif w == 0:
            assert "crosses" not in text and "pushes" not in text and "turns back" not in text; claims += 1
        elif name == "momentum" and w == 1:
            assert text.startswith("In its one step v is just the first slope"); claims += 1
            assert np.allclose(run.traj.velocity[0, 1], run.traj.gradients[0, 0]); claims += 1
        elif ravine is None:
            claims += check_path(text, facts, run, land)
        elif name == "gd":
            claims += check_floor(text, facts, run, ravine, land)
        else:
            claims += check_pushes(text, facts, run, ravine, p)
    return claims


def check_path(text, facts, run, land) -> int:
    w, claims = run.window, 0
    m = re.search(r"In (\w+) steps? its path (never turns back|turns back (once|twice|\w+ times)), "
                  r"and the loss goes from (\S+) to (\S+)\.", text)
    assert m, text
    n = turns(run.path[: w + 1])
    assert number(m.group(1)) == w; claims += 1
    assert (0 if m.group(2) == "never turns back" else how_often(m.group(3))) == n == facts["turns"]; claims += 1
    assert m.group(4) == sci(land.value(run.path[0])); claims += 1
    assert m.group(5) == sci(land.value(run.path[w])); claims += 1
    assert np.allclose(facts["ends"], [run.path[0], run.path[w]]); claims += 1  # where the losses are written
    return claims


def check_floor(text, facts, run, ravine, land) -> int:
    w, claims = run.window, 0
    across, along = run.path[: w + 1, ravine[0]], run.path[: w + 1, 1 - ravine[0]]
    n, s = crossings(across), swing(across)
    lo, hi = land.domain[ravine[0]]
    m = re.search(r"(It zig-zags: in|In) (\w+) steps? it (?:crosses the floor (once|twice|\w+ times), up to (\S+) "
                  r"past it|never crosses the floor), while ([xy]) goes from (\S+) to (\S+)\.", text)
    assert m, text
    assert number(m.group(2)) == w; claims += 1
    assert (how_often(m.group(3)) if m.group(3) else 0) == n == facts["crossings"]; claims += 1
    if n:
        assert m.group(4) == sci(s) and np.isclose(facts["overshoot"], s); claims += 1
    assert (m.group(1) == "It zig-zags: in") == (n >= 2 and s >= 0.05 * (hi - lo)); claims += 1
    assert m.group(5) == "xy"[1 - ravine[0]]; claims += 1
    assert m.group(6) == sci(along[0]) and m.group(7) == sci(along[-1]); claims += 1
    assert facts["axis"] == m.group(5) and np.allclose(facts["ends"], [run.path[0], run.path[w]]); claims += 1
    claims += check_swing_facts(facts, run.path[: w + 1], ravine[0])
    return claims


def check_pushes(text, facts, run, ravine, p) -> int:
    """'Across, its pushes flip sign N times in W steps and partly cancel; along, all W point one
    way and add up': the gradients of the shown steps, and v summed here from them."""
    w, claims = run.window, 0
    g = run.traj.gradients[0, :w]
    v = np.zeros(2)
    for gk in g:
        v = p.beta * v + gk
    assert np.allclose(v, run.traj.velocity[0, w]); claims += 1
    a, b = ravine[0], 1 - ravine[0]
    flips_a, flips_b = crossings(g[:, a]), crossings(g[:, b])
    m = re.search(r"Across, its pushes (?:flip sign (once|twice|\w+ times) in (\w+) steps?( and partly cancel)?|"
                  r"keep one sign for all (\w+) steps?); along, (?:all (\w+) point one way( and add up)?|"
                  r"they flip sign (once|twice|\w+ times)( too)?)\.", text)
    assert m, text
    assert (how_often(m.group(1)) if m.group(1) else 0) == flips_a == facts["flips_across"]; claims += 1
    assert number(m.group(2) or m.group(4)) == w; claims += 1
    if m.group(3):  # partly cancel: the summed pushes are smaller than their sizes summed
        weights = p.beta ** np.arange(w - 1, -1, -1)
        assert abs(v[a]) < np.sum(weights * np.abs(g[:, a])) and flips_a; claims += 1
    if m.group(5):
        assert number(m.group(5)) == w and flips_b == 0; claims += 1
        assert all(np.sign(g[:, b]) == np.sign(g[0, b])); claims += 1
    if m.group(6):
        assert abs(v[b]) > abs(g[-1, b]); claims += 1
    if m.group(7):
        assert how_often(m.group(7)) == flips_b == facts["flips_along"]; claims += 1
    return claims


def check_nesterov(text, facts, run, mom, ravine, land) -> int:
    claims = 0
    assert text.startswith("and takes the slope there"); claims += 1
    if ravine is None:
        if run.window:
            claims += check_path("I" + text[len("and takes the slope there: i"):], facts, run, land)
        return claims
    w = min(run.window, mom.window)
    mine, theirs = swing(run.path[: w + 1, ravine[0]]), swing(mom.path[: w + 1, ravine[0]])
    if w == 0:
        assert "floor" not in text; claims += 1
        return claims
    assert f"in {steps_words(w)} step" in text; claims += 1
    assert ("brakes sooner" in text) == (mine < theirs); claims += 1
    m = re.search(r"it swings up to (\S+) past the floor[,;] (?:momentum up to (\S+)\.|momentum never crossed it)", text)
    if mine == 0:
        assert "it never crosses the floor" in text or "neither it nor momentum crosses the floor" in text; claims += 1
    else:
        assert m and m.group(1) == sci(mine); claims += 1
    if theirs == 0:
        assert "momentum never crossed it" in text or "neither it nor momentum" in text; claims += 1
    else:
        assert f"momentum up to {sci(theirs)}" in text or f"momentum swung {sci(theirs)} past it" in text; claims += 1
    assert np.isclose(facts["overshoot"], mine) and np.isclose(facts["momentum_overshoot"], theirs); claims += 1
    claims += check_swing_facts(facts, run.path[: w + 1], ravine[0])
    claims += check_swing_facts(facts, mom.path[: w + 1], ravine[0], "momentum_")
    return claims


def check_ending(text, facts, p, run, land) -> int:
    """Why the solo beat ends early, if it does: the engine's stop, or the map's edge."""
    claims, w = 0, run.window
    reached = re.search(rf"It reaches {GRAD_NORM} < (\S+) at step (\d+)\.", text)
    diverges = re.search(r"It diverges at step (\d+)\.", text)
    budget = re.search(r"That is its whole budget of (\w+) steps?\.", text)
    left = re.search(r"At step (\d+) (it|its look-ahead point) leaves the map(?:; it diverges at step (\d+))?\.", text)
    assert bool(reached) == (w == run.stop and run.reason == "converged_grad"); claims += 1
    if reached:
        assert reached.group(1) == f"{p.tol_grad:g}" and int(reached.group(2)) == run.stop; claims += 1
        assert np.linalg.norm(run.traj.gradients[0, run.stop]) < p.tol_grad; claims += 1
    assert bool(diverges) == (w == run.stop and run.reason == "diverged"); claims += 1
    assert bool(budget) == (w == run.stop and run.reason == "max_steps"); claims += 1
    if budget:
        assert number(budget.group(1)) == p.steps == run.stop; claims += 1
    assert bool(left) == (w == run.solo_shown < min(run.stop, p.solo_steps)); claims += 1
    if left:
        k = int(left.group(1))
        assert k == w + 1 == facts["step"]; claims += 1
        ball_out = not inside(land, run.path[k])
        assert (left.group(2) == "it") == ball_out; claims += 1
        assert ball_out or not inside(land, run.traj.positions[0, k]); claims += 1
        assert all(inside(land, run.path[j]) and inside(land, run.traj.positions[0, j]) for j in range(k)); claims += 1
        assert (left.group(3) is not None) == (run.reason == "diverged"); claims += 1
        if left.group(3):
            assert int(left.group(3)) == run.stop; claims += 1
    return claims


def check_race(lesson, p, runs) -> int:
    claims = 0
    (race,) = lesson.beats_of("race")
    budget = f"{steps_words(p.steps)} step" + ("s" if p.steps != 1 else "")
    assert race.caption == (f"Now all three race from the same start, each until {GRAD_NORM} < {p.tol_grad:g} "
                            f"(at most {budget})."); claims += 1
    (results,) = lesson.beats_of("results")
    text = results.caption
    if all(r.reason == "diverged" for r in runs.values()):
        for name, r in runs.items():
            assert f"{TITLES[name]} at step {r.stop}" in text; claims += 1
        assert text.startswith("All three diverge"); claims += 1
    elif all(r.reason == "max_steps" for r in runs.values()):
        for name, r in runs.items():
            norm = np.linalg.norm(r.traj.gradients[0, p.steps])
            assert f"{sci(norm)} for {TITLES[name]}" in text and norm >= p.tol_grad; claims += 1
    else:
        for name, r in runs.items():
            said = {"converged_grad": f"{TITLES[name]} {r.stop}",
                    "diverged": f"{TITLES[name]} diverged at step {r.stop}",
                    "max_steps": f"{TITLES[name]} not within {p.steps}"}[r.reason]
            assert re.search(re.escape(said) + r"(,| and|\.)", text); claims += 1
    for name, r in runs.items():
        assert results.facts["stops"][name] == (r.reason, r.stop); claims += 1

    compare = " ".join(b.caption for b in lesson.beats_of("compare"))
    gd, mom, nes = (runs[n] for n in NAMES)
    arrived = [n for n in NAMES if runs[n].arrived]
    if len(arrived) <= 1:
        assert compare == (f"Only {TITLES[arrived[0]]} arrives." if arrived else ""); claims += 1
        return claims
    m = re.search(r"(?:Here )?[Mm]omentum takes (\w+) (fewer|more) steps? than GD", compare)
    if gd.arrived and mom.arrived:
        if gd.stop == mom.stop:
            assert "Momentum takes as many steps as GD" in compare; claims += 1
        else:
            assert m and number(m.group(1)) == abs(gd.stop - mom.stop); claims += 1
            assert (m.group(2) == "fewer") == (mom.stop < gd.stop); claims += 1
    else:
        assert not m; claims += 1
        assert ("Momentum arrives where GD does not" in compare) == (mom.arrived and not gd.arrived); claims += 1
    look = re.search(r"Nesterov's look-ahead (saves|costs) (\w+)( more)? steps?", compare)
    versus = re.search(r"Nesterov takes (\w+) (fewer|more) steps? than (momentum|GD)", compare)
    if nes.arrived and mom.arrived:
        diff = mom.stop - nes.stop
        if diff and p.nesterov_lr == p.momentum_lr:
            assert look and number(look.group(2)) == abs(diff) and (look.group(1) == "saves") == (diff > 0); claims += 1
            momentum_won = not gd.arrived or mom.stop < gd.stop
            assert bool(look.group(3)) == (diff > 0 and momentum_won); claims += 1
        elif diff:
            assert not look and versus and versus.group(3) == "momentum"; claims += 1
            assert number(versus.group(1)) == abs(diff) and (versus.group(2) == "fewer") == (diff > 0); claims += 1
        else:
            assert "Nesterov takes as many steps as momentum" in compare; claims += 1
    elif nes.arrived:  # then GD arrived too: compared with GD
        assert versus and versus.group(3) == "GD" and number(versus.group(1)) == abs(gd.stop - nes.stop); claims += 1
    else:
        assert "Nesterov does not arrive" in compare and not look and not versus; claims += 1
    return claims


def check_takeaway(lesson, p, runs, ravine, beats_gd) -> int:
    gd, mom, nes = (runs[n] for n in NAMES)
    text, claims = lesson.takeaway, 0
    if "across the" in text:  # the averaging story: it held for the momentum run shown
        w = mom.window
        g = mom.traj.gradients[0, :w]
        assert beats_gd and ravine is not None and w >= 2; claims += 1
        assert crossings(g[:, ravine[0]]) >= 1 and crossings(g[:, 1 - ravine[0]]) == 0; claims += 1
    elif "here it arrived" in text:
        assert beats_gd; claims += 1
        if gd.arrived:
            assert f"{steps_words(gd.stop - mom.stop)} step" in text; claims += 1
    elif "no free win" in text:
        assert gd.arrived and not beats_gd; claims += 1
        if mom.arrived:
            assert f"it needed {mom.stop} steps, GD {gd.stop}" in text; claims += 1
        else:
            assert (f"diverged at step {mom.stop}" in text) == (mom.reason == "diverged"); claims += 1
    elif "all three runs diverge" in text:
        assert all(r.reason == "diverged" for r in runs.values()); claims += 1
    else:
        arrived = [TITLES[n] for n in NAMES if runs[n].arrived]
        assert not gd.arrived and not mom.arrived; claims += 1
        assert (f"only {arrived[0]}" in text) if arrived else text.startswith("No run reaches"); claims += 1
    return claims


# --- the bugs this plan fixes, each with the params that showed it ------------------------------

def test_old_defaults_no_longer_say_x_barely_moves():
    """Old: 'It overshoots each time: 12 crossings in 12 steps, and x barely moves' while x went
    from −2.2 to −0.76. Now the caption quotes where x went."""
    lesson = plan(Params(**OLD_DEFAULTS))
    (steps,) = lesson.beats_of("gd_steps")
    x = lesson.runs["gd"].traj.positions[0, 12, 0]
    assert sci(x) == "−0.76" and "while x goes from −2.2 to −0.76." in steps.caption
    assert "barely" not in steps.caption


def test_a_diverged_run_is_called_diverged_with_its_step():
    """Old, valley k=50: '0 crossings in 0 steps, and x barely moves' and 'GD not within 200' /
    'GD does not arrive' for a run the engine stopped as diverged."""
    lesson = plan(Params(landscape_params={"k": 50.0}))
    gd = lesson.runs["gd"]
    assert gd.reason == "diverged" and gd.window == 0
    (steps,) = lesson.beats_of("gd_steps")
    assert steps.caption == f"At step 1 it leaves the map; it diverges at step {gd.stop}."
    (results,) = lesson.beats_of("results")
    assert f"GD at step {gd.stop}" in results.caption and "not within" not in results.caption
    assert not lesson.beats_of("compare")  # no 'momentum arrives / does not arrive' comparison
    assert "does not arrive" not in " ".join(lesson.cue_texts())


def test_defaults_use_the_registry_valley_and_tell_the_intended_story():
    p = Params()
    assert p.landscape == "valley" and p.landscape_params == {}
    lesson = plan(p)
    land = lesson.runs["gd"].traj.landscape
    assert land.params == {"k": 10.0}  # the x² + 10y² of every other scene
    stops = {n: (r.reason, r.stop) for n, r in lesson.runs.items()}
    assert stops == {"gd": ("converged_grad", 35), "momentum": ("converged_grad", 26),
                     "nesterov": ("converged_grad", 17)}
    y = lesson.runs["gd"].traj.positions[0, :13, 1]
    assert np.all(y[1:] * y[:-1] < 0)  # GD crosses the floor at every one of its 12 solo steps
    assert p.gd_lr < 1 / land.params["k"] < 1.2 * p.gd_lr  # just inside its stability limit
    compare = lesson.beats_of("compare")[0].caption
    assert compare == "Momentum takes nine fewer steps than GD; Nesterov's look-ahead saves nine more steps."
    pushes = lesson.beats_of("momentum_steps")[0].caption
    assert pushes.startswith("Across, its pushes flip sign four times in 12 steps and partly cancel")


def test_comparisons_follow_the_engine_when_momentum_loses():
    lesson = plan(Params(beta=0.9))  # momentum spirals at β = 0.9
    mom, gd, nes = (lesson.runs[n] for n in ("momentum", "gd", "nesterov"))
    assert mom.stop > gd.stop and "why a velocity beats" not in lesson.subtitle
    compare = lesson.beats_of("compare")[0].caption
    assert compare == (f"Here momentum takes {mom.stop - gd.stop} more steps than GD; "
                       f"Nesterov's look-ahead saves {mom.stop - nes.stop} steps.")
    assert "no free win" in lesson.takeaway and "averages" not in lesson.takeaway


def test_look_ahead_gets_no_credit_when_the_rates_differ():
    lesson = plan(Params(nesterov_lr=0.02))
    assert "look-ahead" not in lesson.beats_of("compare")[0].caption


def test_no_false_across_story_without_a_ravine():
    lesson = plan(Params(landscape="bowl", start=(-1.6, 1.2)))
    text = " ".join(lesson.cue_texts())
    assert "ravine" not in text and "floor" not in text and "zig-zag" not in text


def test_nesterov_rule_shows_the_look_ahead_gradient_and_torch_form():
    rule = OPTIMIZERS["nesterov"].rule
    assert len(rule) == 3 and r"\nabla L(\theta - \alpha \beta {{v}})" in rule[0]
    assert r"\tilde\theta = \theta - \alpha\beta" in rule[2] and r"\nabla L(\tilde\theta)" in rule[2]


def test_plan_imports_no_manim():
    import subprocess
    import sys
    code = "import gdanim.lessons.momentum_ravine, sys; assert 'manim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("values, match", [
    ({"landscape": "valey"}, "did you mean 'valley'"),
    ({"landscape_params": {"q": 1.0}}, "q"),
    ({"gd_lr": 0.0}, "gd_lr must be in"),
    ({"momentum_lr": -0.1}, "momentum_lr must be in"),
    ({"nesterov_lr": float("nan")}, "nesterov_lr must be a finite number"),
    ({"beta": 1.0}, "beta must be in"),
    ({"beta": 0.0}, "beta must be in"),
    ({"start": (3.0, 0.0)}, "outside the valley plot"),
    ({"start": (float("inf"), 0.0)}, "start must be a finite number"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to 5000"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"tol_grad": 0.0}, "tol_grad must be in"),
    ({"tol_grad": 50.0}, "met at the start already"),
    ({"solo_steps": 0}, "solo_steps"),
    ({"slow_steps": 5, "solo_steps": 3}, "slow_steps"),
    ({"race_first_seconds": 1e9}, "race_first_seconds"),
])
def test_bad_params_are_refused_with_the_fix(values, match):
    with pytest.raises(ValueError, match=match):
        Params(**values)
