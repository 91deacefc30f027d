"""LandscapeTour's plan: every claim of every stop checked against runs simulated here, over a
grid of lecturer-style tours (stop subsets, each default stop with altered runs, the other
landscapes, swapped views). How a run ended is worked out independently of the plan: domain
exits by comparison, stationary points by sampling the loss on a ring, settling and floor
steps by scanning backwards."""

import re
import subprocess
import sys

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.landscape_tour import GENERIC_RUN, RUN_DEFAULTS, Params, plan
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import GRAD_NORM, number_word, point, rate, sci, wrap_caption


class Words:
    """'four' <-> 4 as captions write counts (digits from 11 on)."""

    def __getitem__(self, n):
        return number_word(n)


class Numbers:
    def __getitem__(self, word):
        return int(word) if word.isdigit() else [number_word(i) for i in range(11)].index(word.lower())


WORDS, NUMBER = Words(), Numbers()

GRID = {
    "defaults": {},
    "subset": {"stops": ["saddle", "bowl"]},
    "rosenbrock_alone": {"stops": ["rosenbrock"]},
    "bowl_lr_1.1": {"stops": ["bowl"], "runs": {"bowl": {"lr": 1.1}}},
    "bowl_lr_2": {"stops": ["bowl", "valley"], "runs": {"bowl": {"lr": 2.0}}},
    "bowl_5_steps": {"stops": ["bowl"], "runs": {"bowl": {"steps": 5}}},
    "bowl_one_step": {"stops": ["bowl"], "runs": {"bowl": {"steps": 1, "starts": [[1, 1]]}}},
    "bowl_at_minimum": {"stops": ["bowl"], "runs": {"bowl": {"starts": [[0.0, 0.0], [0.01, 0.0]]}}},
    "camel_at_both_minima": {"stops": ["six_hump_camel"], "runs": {"six_hump_camel": {
        "starts": [[0.0898, -0.7127], [-0.0898, 0.7127]], "view": "contour"}}},
    "valley_tiny_lr": {"stops": ["valley"], "runs": {"valley": {"lr": 0.01}}},
    "valley_lr_0.11": {"stops": ["valley"], "runs": {"valley": {"lr": 0.11}}},
    "valley_lr_0.095": {"stops": ["valley"], "runs": {"valley": {"lr": 0.095}}},  # x settles first
    "valley_k20": {"stops": ["valley"], "runs": {"valley": {"landscape": {"k": 20.0}, "lr": 0.045}}},
    "valley_k0.2": {"stops": ["valley"], "runs": {"valley": {"landscape": {"k": 0.2}, "lr": 0.3}}},
    "valley_three_starts": {"stops": ["valley"],
                            "runs": {"valley": {"starts": [[-2.2, 1.2], [2, -1], [1, 0.01]]}}},
    "valley_short": {"stops": ["valley", "bowl"], "runs": {"valley": {"steps": 12}}},
    "rosenbrock_to_minimum": {"stops": ["rosenbrock"], "runs": {"rosenbrock": {"lr": 0.002, "steps": 5000}}},
    "rosenbrock_lr_0.01": {"stops": ["rosenbrock"], "runs": {"rosenbrock": {"lr": 0.01}}},
    "rosenbrock_one_step": {"stops": ["rosenbrock"], "runs": {"rosenbrock": {"steps": 1}}},
    "rosenbrock_two": {"stops": ["rosenbrock"], "runs": {"rosenbrock": {"starts": [[-1.2, 1], [1.5, 1.0]]}}},
    "himmelblau_same_basin": {"stops": ["himmelblau"], "runs": {"himmelblau": {"starts": [[2.5, 2.5], [3.5, 1.5]]}}},
    "himmelblau_one_start": {"stops": ["himmelblau"], "runs": {"himmelblau": {"starts": [[0, 0]]}}},
    "himmelblau_3_steps": {"stops": ["himmelblau"], "runs": {"himmelblau": {"steps": 3}}},
    "himmelblau_lr_0.05": {"stops": ["himmelblau"], "runs": {"himmelblau": {"lr": 0.05}}},
    "rastrigin_reaches_0": {"stops": ["rastrigin"], "runs": {"rastrigin": {"starts": [[0.3, -0.2], [1.4, 0.6]]}}},
    "rastrigin_lr_0.05": {"stops": ["rastrigin"], "runs": {"rastrigin": {"lr": 0.05}}},
    "rastrigin_2_steps": {"stops": ["rastrigin"], "runs": {"rastrigin": {"steps": 2}}},
    "rastrigin_same_dip": {"stops": ["rastrigin", "himmelblau"],
                           "runs": {"rastrigin": {"starts": [[1.2, 1.1], [0.9, 0.8]]}}},
    "rastrigin_over_a_ridge": {"stops": ["rastrigin"],
                               "runs": {"rastrigin": {"starts": [[1.505, 0.0], [1.4, 0.6]], "steps": 200}}},
    # nearest integer (5, −4) is not the nearest dip: the dips sit pulled towards 0, (4.97, −4.97) is nearer
    "rastrigin_dip_pulled_in": {"stops": ["rastrigin"], "runs": {"rastrigin": {"starts": [[5.088, -4.483]]}}},
    "rastrigin_mixed_ends": {"stops": ["rastrigin"], "runs": {"rastrigin": {
        "lr": 0.015, "steps": 400, "starts": [[1.4, 0.6], [2.4, -1.6], [-2.2, -3.3], [-3.1, 2.8], [0.6, 0.6],
                                             [3.4, 0.4]]}}},
    "stuck_on_flat_points": {"stops": ["rastrigin", "himmelblau"],
                             "runs": {"rastrigin": {"starts": [[0.0, 0.502546]]},
                                      "himmelblau": {"starts": [[-0.270845, -0.923039], [1, 1]]}}},
    "rastrigin_flat": {"stops": ["rastrigin"], "runs": {"rastrigin": {"landscape": {"A": 0.0}, "lr": 0.1}}},
    "saddle_on_axis": {"stops": ["saddle"], "runs": {"saddle": {"starts": [[1.8, 0.0]]}}},
    "saddle_off_axis": {"stops": ["saddle"], "runs": {"saddle": {"starts": [[1.0, 1.0]]}}},
    "saddle_tiny_lr": {"stops": ["saddle"], "runs": {"saddle": {"lr": 0.001}}},
    "saddle_two": {"stops": ["saddle"],
                   "runs": {"saddle": {"starts": [[1.5, 1e-3], [-1.5, -1e-3]], "view": "contour"}}},
    "nothing_reached": {"stops": ["bowl", "saddle"],
                        "runs": {"bowl": {"lr": 1.1}, "saddle": {"starts": [[1.8, 0.0]]}}},
    "others": {"stops": ["beale", "booth", "six_hump_camel", "ackley", "goldstein_price"]},
    "others_tuned": {"stops": ["beale", "ackley", "linear_regression", "goldstein_price", "custom"],
                     "runs": {"beale": {"lr": 0.001, "steps": 3000},
                              "ackley": {"starts": [[0.3, 0.2], [3.3, -2.6]]},
                              "goldstein_price": {"lr": 1e-5, "steps": 500}}},
    "camel_both_minima": {"stops": ["six_hump_camel"],
                          "runs": {"six_hump_camel": {"starts": [[-1.0, -0.6], [1.0, 0.6], [1.9, 0.9]],
                                                      "lr": 0.02, "steps": 300}}},
    "views_swapped": {"runs": {"bowl": {"view": "contour"}, "himmelblau": {"view": "surface"},
                               "rastrigin": {"view": "surface"}, "saddle": {"view": "contour"}}},
}


# --- the reference: runs and outcomes worked out here --------------------------------------

def settings(p: Params, name: str) -> dict:
    return {**RUN_DEFAULTS.get(name, GENERIC_RUN), **p.runs.get(name, {})}


def reference(p: Params, name: str):
    s = settings(p, name)
    land = get_landscape(name, **s.get("landscape", {}))
    starts = np.array(s.get("starts", [land.default_start]), dtype=float)
    traj = simulate(land, "gd", starts, s["steps"], lr=s["lr"], tol_grad=p.tol_grad)
    return land, s, starts, traj


def last_drawn(land, traj, run) -> int:
    (x0, x1), (y0, y1) = land.domain
    stop = int(traj.stop_step[run])
    for k in range(stop + 1):
        x, y = traj.positions[run, k]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return max(k - 1, 0)
    return stop


def ring(land, xy, radius=0.01, count=16):
    """Loss on a small ring around xy minus the loss at xy: all > 0 at a local minimum."""
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    around = np.asarray(xy) + radius * np.column_stack([np.cos(angles), np.sin(angles)])
    return land.value(around) - land.value(np.asarray(xy))


def outcome(land, traj, run, tol) -> dict:
    """How the run ended, from the arrays: diverged, left, minimum, dip, saddle, unfinished."""
    stop, reason = int(traj.stop_step[run]), str(traj.stop_reason[run])
    last = last_drawn(land, traj, run)
    end = traj.positions[run, last]
    out = {"run": run, "last": last, "point": end, "loss": float(traj.losses[run, last]),
           "start": traj.positions[run, 0]}
    if reason == "diverged":
        return {**out, "how": "diverged", "step": stop, "left": last + 1 if last + 1 < stop else None}
    if last < stop:
        return {**out, "how": "left", "step": last + 1}
    for i, m in enumerate(land.minima):
        dist = np.linalg.norm(traj.positions[run, : stop + 1] - m, axis=1)
        if dist[stop] <= tol:
            k = stop
            while k > 0 and dist[k - 1] <= tol:
                k -= 1
            return {**out, "how": "minimum", "step": k, "minimum": i}
    if reason == "converged_grad":
        rise = ring(land, end)
        how = "dip" if (rise > 0).all() else "peak" if (rise < 0).all() else "saddle"
        return {**out, "how": how, "step": stop}
    return {**out, "how": "unfinished", "step": stop}


class Claims:
    def __init__(self):
        self.count = 0

    def ok(self, condition, message=""):
        assert condition, message
        self.count += 1


# --- reading the captions --------------------------------------------------------------------

def subject(clause: str, n: int) -> int | None:
    """How many runs a clause's subject names ('GD', 'All four runs', 'one of two runs', 'two')."""
    c = clause.strip()
    if c.startswith("GD "):
        return 1
    if re.match(r"(?i)both runs", c):
        return 2
    if re.match(r"(?i)no run ", c):
        return 0
    m = re.match(r"(?i)all (\w+) runs", c)
    if m:
        return NUMBER[m.group(1)]
    m = re.match(r"(?i)(\w+) of (\w+) runs", c)
    if m:
        assert NUMBER[m.group(2)] == n
        return NUMBER[m.group(1).lower()]
    m = re.match(r"(?i)(\w+) (stops?|reach|reaches|leaves?|diverges?|are|is|starts?|crawls?) ", c)
    if m and (m.group(1).isdigit() or m.group(1).lower() in [number_word(i) for i in range(11)]):
        return NUMBER[m.group(1)]
    return None


def span(text: str) -> tuple[int, int]:
    """'7 steps' -> (7, 7); '3 to 9 steps' -> (3, 9); 'at most 9 steps' -> (0, 9)."""
    m = re.match(r"at most (\d+) steps?", text)
    if m:
        return 0, int(m.group(1))
    m = re.match(r"(\d+) to (\d+) steps?", text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.match(r"(\d+) steps?", text)
    return int(m.group(1)), int(m.group(1))


def span_of(values) -> tuple[int, int]:
    return min(values), max(values)


def steps_listed(text: str) -> tuple[list[int], bool]:
    """'step 7' / 'steps 7 and 9' / 'steps 4, 7 and 9' -> the list; 'steps 4 to 30' -> ([4, 30], True)."""
    m = re.match(r"steps? (\d+) to (\d+)", text)
    if m:
        return [int(m.group(1)), int(m.group(2))], True
    m = re.match(r"steps? (\d+(?:, \d+)*(?: and \d+)?)", text)
    return [int(v) for v in re.findall(r"\d+", m.group(1))], False


def check_steps(c: Claims, text: str, values, what: str):
    listed, is_range = steps_listed(text)
    distinct = sorted(set(values))
    if is_range:
        c.ok(listed == [distinct[0], distinct[-1]] and len(distinct) > 3, (what, text, distinct))
    else:
        c.ok(listed == distinct, (what, text, distinct))


def loss_words(values) -> list[str]:
    return list(dict.fromkeys(sci(v) for v in sorted(values)))


def check_losses(c: Claims, text: str, values, what: str):
    words = loss_words(values)
    said = [w.strip() for w in re.split(r", | and | to ", text)]
    if " to " in text:
        c.ok(said == [words[0], words[-1]] and len(words) > 4, (what, text, words))
    else:
        c.ok(said == words, (what, text, words))


def clauses(text: str) -> list[str]:
    return [c for c in re.split(r"(?<=\.)\s+|;\s+", text) if c.strip()]


def nearest_local_minimum(land, start):
    """Rastrigin: refine each lattice point near the start to its local minimum (plain GD with a
    small rate from there), and return the one nearest the start."""
    base = np.floor(np.asarray(start))
    cells = np.array([base + [i, j] for i in (-1, 0, 1, 2) for j in (-1, 0, 1, 2)])
    refined = simulate(land, "gd", cells, 2000, lr=1e-3, tol_grad=1e-9).positions[:, -1]
    return refined[np.argmin(np.linalg.norm(refined - start, axis=1))]


def fact_numbers(value) -> set[str]:
    """Every number in a facts tree, as captions may print it."""
    out = set()
    if isinstance(value, dict):
        for v in value.values():
            out |= fact_numbers(v)
    elif isinstance(value, (list, tuple, np.ndarray)):
        for v in value:
            out |= fact_numbers(v)
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        v = float(value)
        if np.isfinite(v):
            out |= {sci(v), sci(v, 3), rate(v).split(" = ")[1]}
            if v == int(v):
                out.add(str(int(v)))
    return out


def check_numbers_from_facts(c: Claims, beat, extra=()):
    """Every number the caption prints is one of its facts' numbers."""
    allowed = fact_numbers(beat.facts) | set(extra)
    for token in re.findall(r"−?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?", beat.caption):
        c.ok(token in allowed, (token, beat.caption, sorted(allowed)[:40]))


# --- the checks ------------------------------------------------------------------------------

NUMBER_TOKEN = r"−?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"


def tokens(text: str) -> list[str]:
    return re.findall(NUMBER_TOKEN, text)


def as_float(token: str) -> float:
    """A number as sci writes it ('−1×10⁻⁴') back to a float."""
    head, _, power = token.replace("−", "-").partition("×10")
    exponent = int(power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))) if power else 0
    return float(head) * 10.0 ** exponent


def quoted(token: str, caption: str) -> bool:
    """Whether the caption quotes ``token``, itself or inside a range it quotes ('8 to 11 steps')."""
    ranges = re.findall(rf"({NUMBER_TOKEN}) to ({NUMBER_TOKEN})", caption)
    return token in tokens(caption) or any(as_float(a) <= as_float(token) <= as_float(b) for a, b in ranges)


def check_quoted_numbers_shown(c: Claims, land, index, stops, beats, beat, budget, last_step):
    """The product rule: every number the caption quotes is on screen when it ends - in the
    beat's labels, the stop's panel (rate and budget from the setup sentence's beat on, the step
    shown: 0 before the descent, the last drawn step after it), or the heading (counter, formula)."""
    shown = [lab["text"] for lab in beat.facts["labels"]]
    order = beats.index(beat)
    if any("panel" in said for b in beats[: order + 1] for said in b.facts["said"]):
        shown += budget + [f"step {last_step if beat.kind == 'outcome' else 0}"]
    shown += [f"{index + 1}/{stops}", land.title, land.latex]
    if any(re.match(r"\|[xy]\|", text) for text in shown):
        shown.append("0")  # |y| < 0.05 reads 'within 0.05 of 0'

    on_screen = set(tokens(" ".join(shown)))
    missing = [t for t in tokens(beat.caption) if t not in on_screen]
    c.ok(not missing, ("quoted but not on screen", missing, beat.caption, shown))


def through(traj, outs, xy, step=None) -> list[int]:
    """The runs whose drawn path passes through ``xy`` (at ``step``, if given)."""
    runs = []
    for o in outs:
        hit = np.all(np.isclose(traj.positions[o["run"], : o["last"] + 1], xy, rtol=0, atol=1e-9), axis=1)
        if hit[step] if step is not None and step < len(hit) else step is None and hit.any():
            runs.append(o["run"])
    return runs


def floor_step(land, traj, o) -> int:
    """Rosenbrock: the first step from which the across term stays under a tenth of the loss."""
    pos = traj.positions[o["run"], : o["last"] + 1]
    share = land.params["b"] * (pos[:, 1] - pos[:, 0] ** 2) ** 2 / land.value(pos)
    f = len(share)
    while f > 0 and share[f - 1] < 0.1:
        f -= 1
    return f


def check_labels(c: Claims, land, traj, outs, beat, p: Params):
    """Each label quotes only what its caption quotes, and sits at the point the engine says it
    names: a minimum, a start, a run's end, or (ringed) the step on a trail where a coordinate
    settles, the run reaches the floor, or the gradient is small."""
    ends = {o["run"]: o["point"] for o in outs}
    for lab in beat.facts["labels"]:
        xy, text = np.array(lab["at"]), lab["text"]
        values = text.removeprefix(point(xy, 2))  # a point's own coordinates name it, they claim nothing
        c.ok(all(quoted(t, beat.caption) for t in tokens(values)), ("label quotes what the caption does not", text,
                                                                   beat.caption))
        known = [*land.minima, *traj.positions[:, 0], *ends.values()]
        if land.name == "saddle":
            known.append(np.zeros(2))
        c.ok(lab["mark"] == bool(re.match(r"\|[xy]\| <|floor|‖∇L‖", text)), text)
        m = re.match(r"(\S+)× steeper in ([xy])$", text)
        if m:  # on the steep axis through the minimum, the ratio of the curvatures
            g = land.gradient(np.array([[1.0, 0.0], [0.0, 1.0]]))
            ratio, across = max(g[1, 1] / g[0, 0], g[0, 0] / g[1, 1]), "y" if g[1, 1] > g[0, 0] else "x"
            c.ok(m.group(1) == sci(ratio) and m.group(2) == across, (text, ratio))
            c.ok(xy["xy".index(across)] != land.minima[0]["xy".index(across)]
                 and xy["yx".index(across)] == land.minima[0]["yx".index(across)], (text, xy))
        elif lab["mark"]:
            c.ok(through(traj, outs, xy), ("a ring off every trail", text, xy))
        else:
            c.ok(min(np.linalg.norm(np.array(known) - xy, axis=1)) < 1e-9, ("beside no named point", text, xy))
        m = re.match(r"\|([xy])\| < (\S+) in (\d+) steps?$", text)
        if m:
            axis, distance, step = "xy".index(m.group(1)), float(m.group(2)), int(m.group(3))
            c.ok(distance == p.settle_distance, text)
            for r in through(traj, outs, xy, step) or [None]:
                c.ok(r is not None, ("not at that step of a trail", text))
                values = np.abs(traj.positions[r, : outs[r]["last"] + 1, axis] - land.minima[0][axis])
                c.ok((values[step:] < distance).all() and (step == 0 or values[step - 1] >= distance), (text, r))
        m = re.match(r"\|([xy])\| ≥ (\S+) after (\d+) steps?$", text)
        if m:
            axis = "xy".index(m.group(1))
            runs = [o for o in outs if np.allclose(o["point"], xy)]
            c.ok(runs and abs(xy[axis] - land.minima[0][axis]) >= float(m.group(2))
                 and int(m.group(3)) == runs[0]["last"], text)
        m = re.match(r"floor in (\d+) steps?$", text)
        if m:
            runs = through(traj, outs, xy, int(m.group(1)))
            c.ok(runs and all(floor_step(land, traj, outs[r]) == int(m.group(1)) for r in runs), (text, runs))
        m = re.match(r"‖∇L‖ < (\S+) for", text)
        if m:
            c.ok(float(m.group(1)) == p.stall_gradient > np.linalg.norm(land.gradient(xy)), text)
        m = re.match(r"off the plot at step (\d+)$", text)
        if m:
            c.ok(any(o["how"] == "left" and o["step"] == int(m.group(1)) and np.allclose(o["point"], xy)
                     for o in outs), text)
        m = re.search(r"diverged at step (\d+)$", text)
        if m:
            c.ok(any(o["how"] == "diverged" and o["step"] == int(m.group(1)) and np.allclose(o["point"], xy)
                     for o in outs), text)
        m = re.search(r"L = (\S+)$", text)
        if m:
            value = float(land.value(xy))
            c.ok(m.group(1) in (sci(value), sci(value, 3)) or abs(value - as_float(m.group(1))) < 1e-9, (text, value))
        m = re.match(r"(\(.*?\))(?: in (.+? steps?)|, (\d+) steps later)?(?:,|$)", text)
        if m:
            c.ok(m.group(1) == point(xy, 2), text)
            if m.group(2):
                steps = [o["step"] for o in outs
                         if o["how"] == "minimum" and np.allclose(land.minima[o["minimum"]], xy)]
                c.ok(steps and span(m.group(2)) == span_of(steps), (text, steps))
            if m.group(3):
                o = outs[0]
                c.ok(int(m.group(3)) == o["step"] - floor_step(land, traj, o), text)

def check_terrain(c: Claims, land, s, starts, text: str):
    c.ok(text.startswith(land.title + ":"), text)
    n = len(starts)
    c.ok((f"GD from {WORDS[n]} starts," in text) if n > 1 else (f"GD from {point(starts[0], 2)}," in text), text)
    c.ok(f"{rate(s['lr'])}," in text, text)
    c.ok(f"up to {s['steps']} step{'s' if s['steps'] > 1 else ''}." in text, text)
    m = re.search(r"minimum,? (\(.*?\))", text)
    if m:
        c.ok(len(land.minima) >= 1 and m.group(1) == point(land.minima[0], 2), text)
    if land.name == "bowl":
        c.ok("one minimum" in text and len(land.minima) == 1, text)
        c.ok(np.isclose(land.value([1.0, 0.0]), land.value([0.6, 0.8])), "same curvature in every direction")
    m = re.search(r"(\S+) times steeper across \((\w)\) than along \((\w)\)", text)
    if m:
        g = land.gradient(np.array([[1.0, 0.0], [0.0, 1.0]]))
        ratio = g[1, 1] / g[0, 0]
        across = "y" if ratio > 1 else "x"
        c.ok(m.group(2) == across and m.group(3) != across, text)
        c.ok(m.group(1) == sci(max(ratio, 1 / ratio)), (text, ratio))
    if "curving along y = x²" in text:
        xs = np.linspace(-1.5, 1.5, 7)
        floor = land.value(np.column_stack([xs, xs**2]))
        above = land.value(np.column_stack([xs, xs**2 + 0.3]))
        c.ok((above > floor).all(), "floor along y = x²")
    m = re.search(r"(\w+) minima, all at loss (\S+),", text)
    if m:
        c.ok(NUMBER[m.group(1)] == len(land.minima), text)
        c.ok(np.allclose(land.value(land.minima), float(m.group(2)), atol=1e-9), text)
    if "grid of dips" in text:
        for cell in ([1.0, 0.0], [2.0, -1.0], [-3.0, 2.0]):
            dip = nearest_local_minimum(land, np.array(cell))
            c.ok(np.linalg.norm(dip - cell) < 0.2 and (ring(land, dip) > 0).all(), (cell, dip))
    if land.name == "saddle":
        c.ok("no minimum" in text and len(land.minima) == 0, text)
        c.ok(np.allclose(land.gradient([0.0, 0.0]), 0.0), "slope zero at (0, 0)")
        c.ok(land.value([0.5, 0.0]) > 0 > land.value([0.0, 0.5]), "curves up along x and down along y")
    m = re.search(r"global minim(?:um|a)[^,]*, at loss (−?\d+(?:\.\d+)?)", text)
    if m:
        xs, ys = (np.linspace(lo, hi, 301) for lo, hi in land.domain)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1)
        c.ok(sci(float(land.value(land.minima[0])), 3) == m.group(1), text)
        c.ok(land.value(grid).min() >= land.value(land.minima[0]) - 1e-6, "no lower point on the plot")


def check_outcome(c: Claims, land, traj, outs, text: str, p: Params):
    n = traj.n_runs
    by = {}
    for o in outs:
        by.setdefault(o["how"], []).append(o)
    covered = set()
    for clause in clauses(text):
        k = subject(clause, n)
        m = re.search(r"(reach|reaches) the minimum (\(.*?\)) in (.+? steps?)", clause)
        if m:
            group = by.get("minimum", [])
            c.ok(k == len(group) and len(land.minima) == 1, (clause, len(group)))
            c.ok(m.group(2) == point(land.minima[0], 2), clause)
            c.ok(span(m.group(3)) == span_of([o["step"] for o in group]), (clause, [o["step"] for o in group]))
            covered |= {o["run"] for o in group}
        m = re.search(r"(reaches a minimum|reach the same minimum), (\(.*?\)), in (.+? steps?)", clause)
        if m:
            group = by.get("minimum", [])
            c.ok(k == len(group) and len({o["minimum"] for o in group}) == 1, clause)
            c.ok(m.group(2) == point(land.minima[group[0]["minimum"]], 2), clause)
            c.ok(span(m.group(3)) == span_of([o["step"] for o in group]), clause)
            covered |= {o["run"] for o in group}
        m = re.search(r"reach (\w+) different minima in (.+? steps?): the start decides which", clause)
        if m:
            group = by.get("minimum", [])
            c.ok(k == len(group) and NUMBER[m.group(1)] == len({o["minimum"] for o in group}) >= 2, clause)
            c.ok(span(m.group(2)) == span_of([o["step"] for o in group]), clause)
            covered |= {o["run"] for o in group}
        m = re.search(r"starts? at (the minimum|(\w+) different minima)", clause)
        if m:
            group = by.get("minimum", [])
            c.ok(k == len(group) and all(o["step"] == 0 for o in group), clause)
            distinct = len({o["minimum"] for o in group})
            c.ok(distinct == 1 if m.group(2) is None else distinct == NUMBER[m.group(2)] >= 2, clause)
            covered |= {o["run"] for o in group}
        m = re.search(r"stops? in (a local dip|local dips|the dip nearest (?:its start|their starts)), "
                      r"at loss (.+?)(?:, not (−?\d+(?:\.\d+)?))?\.?$", clause)
        if m:
            group = by.get("dip", [])
            c.ok(k == len(group), (clause, len(group)))
            check_losses(c, m.group(2), [o["loss"] for o in group], clause)
            for o in group:
                c.ok((ring(land, o["point"]) > 0).all(), ("a true local minimum", clause))
                c.ok(traj.stop_reason[o["run"]] == "converged_grad", clause)
            if m.group(3):
                c.ok(m.group(3) == sci(land.min_value, 3), clause)
                c.ok(all(o["loss"] > land.min_value + 1e-6 for o in group), clause)
            if "nearest" in m.group(1):
                for o in group:
                    own = nearest_local_minimum(land, o["start"])
                    c.ok(np.linalg.norm(own - o["point"]) < 1e-2, ("dip nearest its start", clause, own))
            covered |= {o["run"] for o in group}
        m = re.search(r"stops? at (a saddle point|a peak), (.+?)\.?$", clause)
        if m:
            group = by.get("saddle" if "saddle" in m.group(1) else "peak", [])
            c.ok(k == len(group) and all(traj.stop_reason[o["run"]] == "converged_grad" for o in group), clause)
            c.ok(m.group(2) == " and ".join(dict.fromkeys(point(o["point"], 2) for o in group)), clause)
            covered |= {o["run"] for o in group}
        m = re.search(r"\bis at (\(.*?\)), loss (\S+), after (\d+) steps?(, short of)?", clause)
        if m:
            group = by.get("unfinished", [])
            c.ok(k == len(group) == 1, clause)
            o = group[0]
            c.ok(m.group(1) == point(o["point"], 2) and m.group(2) == sci(o["loss"]), clause)
            c.ok(int(m.group(3)) == o["step"] == traj.steps, clause)
            c.ok(bool(m.group(4)) == (len(land.minima) > 0), clause)
            covered.add(o["run"])
        m = re.search(r"are at loss (.+?) after (.+? steps?)", clause)
        if m:
            group = by.get("unfinished", [])
            c.ok(k == len(group), clause)
            check_losses(c, m.group(1), [o["loss"] for o in group], clause)
            c.ok(span(m.group(2)) == span_of([o["step"] for o in group]), clause)
            covered |= {o["run"] for o in group}
        if "short of" in clause:
            for o in by.get("unfinished", []):
                c.ok(np.linalg.norm(land.minima - o["point"], axis=1).min() > p.minimum_tolerance, clause)
        m = re.search(r"(leaves?) the plot at (steps? \d+(?:(?:, \d+)*(?: and \d+)| to \d+)?)(, (?:its|their) loss growing every step)?", clause)
        if m and "diverge" not in clause:
            group = by.get("left", [])
            c.ok(k == len(group), clause)
            check_steps(c, m.group(2), [o["step"] for o in group], clause)
            for o in group:
                c.ok(traj.stop_reason[o["run"]] != "diverged", clause)
                if m.group(3):
                    c.ok((np.diff(traj.losses[o["run"], : traj.stop_step[o["run"]] + 1]) > 0).all(), clause)
            covered |= {o["run"] for o in group}
        m = re.search(r"diverges? at (steps? \d+(?:(?:, \d+)*(?: and \d+)| to \d+)?)", clause)
        if m and "slides" not in clause and "then it diverges" not in clause:
            group = by.get("diverged", [])
            c.ok(k == len(group), clause)
            check_steps(c, m.group(1), [o["step"] for o in group], clause)
            left = re.search(r"leaves? the plot at (steps? \d+(?:(?:, \d+)*(?: and \d+)| to \d+)?) and", clause)
            if left:
                check_steps(c, left.group(1), [o["left"] for o in group], clause)
            covered |= {o["run"] for o in group}
        covered |= check_lessons(c, land, traj, outs, clause, k, p)
    c.ok(covered == set(range(n)), ("every run's end is told", text, covered))
    # no outcome is named that did not happen
    hows = {o["how"] for o in outs}
    c.ok(("diverge" in text) == ("diverged" in hows), text)
    c.ok(("plot" in text) >= ("left" in hows), text)
    c.ok(("plot" in text) <= bool("left" in hows or any(o.get("left") for o in outs)), text)
    c.ok(("dip" in text) == ("dip" in hows), text)
    c.ok(("reach" in text and "reach only" not in text) <= ("minimum" in hows), text)
    c.ok(GRAD_NORM in text or "∇L|" not in text, text)


def check_lessons(c: Claims, land, traj, outs, clause, k, p) -> set:
    """The per-landscape sentences: zig-zag and settling (valley), floor (Rosenbrock), crawl (saddle)."""
    covered = set()
    calm = [o for o in outs if o["how"] not in ("left", "diverged")]
    if land.name == "valley" and re.search(r"zig-zags?|cross", clause):
        g = land.gradient(np.array([[1.0, 0.0], [0.0, 1.0]]))
        across = 1 if g[1, 1] > g[0, 0] else 0
        crossings = []
        for o in calm:
            c_ = traj.positions[o["run"], : o["last"] + 1, across]
            settle = len(c_)
            while settle > 0 and abs(c_[settle - 1]) < p.settle_distance:
                settle -= 1
            seen = c_[: min(settle + 1, len(c_))]
            seen = seen[seen != 0]
            crossings.append(int(np.sum(seen[1:] * seen[:-1] < 0)))
        if "once" in clause:
            c.ok("no zig-zag" in clause and max(crossings) == 1, (clause, crossings))
            c.ok(k == sum(x == 1 for x in crossings), (clause, crossings))
        elif "zig-zag" in clause:
            c.ok(k == sum(x >= 2 for x in crossings) >= 1, (clause, crossings))
        else:
            c.ok(re.search(r"(?i)never crosses|no run crosses", clause) and max(crossings) == 0, (clause, crossings))
        covered |= {o["run"] for o in calm}
    m = re.match(r"(Its|Their) ([xy]) (.+), ([xy]) (.+)\.$", clause)
    if land.name == "valley" and m:
        c.ok((m.group(1) == "Its") == (len(calm) == 1), clause)
        settled = {}
        for axis in "xy":
            col = "xy".index(axis)
            settled[axis] = []
            for o in calm:
                c_ = traj.positions[o["run"], : o["last"] + 1, col]
                s = len(c_)
                while s > 0 and abs(c_[s - 1]) < p.settle_distance:
                    s -= 1
                settled[axis].append(s if s < len(c_) else None)
        first = m.group(2)
        c.ok(m.group(3).startswith(f"settles within {p.settle_distance:g} of 0 in")
             or m.group(3).startswith(f"is not within {p.settle_distance:g} of 0 after"), clause)
        for axis, rest in ((m.group(2), m.group(3)), (m.group(4), m.group(5))):
            values = settled[axis]
            if rest.startswith("is not within"):
                c.ok(all(v is None for v in values), (clause, values))
                c.ok(span(rest.split(" after ")[1]) == span_of([o["last"] for o in calm]), clause)
            elif rest.endswith("runs only"):
                mm = re.search(r"(\w+) of (\w+) runs only", rest)
                c.ok(NUMBER[mm.group(1)] == sum(v is not None for v in values) < NUMBER[mm.group(2)] == len(calm),
                     (clause, values))
            else:
                said = re.search(r"\bin ((?:at most )?\d+(?: to \d+)? steps?)$", rest).group(1)
                c.ok(None not in values and span(said) == span_of(values), (clause, values))
                if rest.startswith("only"):
                    c.ok(None not in settled[first] and min(values) > max(settled[first]), clause)
        covered |= {o["run"] for o in calm}
    m = re.search(r"drops? onto the curved floor in (\d+) steps?", clause)
    if m and traj.n_runs == 1:
        o = outs[0]
        pos = traj.positions[0, : o["last"] + 1]
        share = land.params["b"] * (pos[:, 1] - pos[:, 0] ** 2) ** 2 / land.value(pos)
        f = len(share)
        while f > 0 and share[f - 1] < 0.1:
            f -= 1
        c.ok(int(m.group(1)) == f, (clause, f))
        reach = re.search(r"then needs (\d+) more to reach (\(.*?\))", clause)
        only = re.search(r"but the next (\d+) steps reach only (\(.*?\)), short of (\(.*?\))", clause)
        if reach:
            c.ok(o["how"] == "minimum" and int(reach.group(1)) == o["step"] - f, clause)
            c.ok(reach.group(2) == point(land.minima[0], 2), clause)
        else:
            c.ok(only and o["how"] == "unfinished" and int(only.group(1)) == o["last"] - f, clause)
            c.ok(only.group(2) == point(o["point"], 2) and only.group(3) == point(land.minima[0], 2), clause)
        covered.add(0)
    m = re.search(rf"crawls? near the saddle point[:,] {GRAD_NORM} < (\S+) for (.+?)(?: of (\d+) steps| each|,|$)",
                  clause)
    if m:
        threshold = float(m.group(1))
        c.ok(threshold == p.stall_gradient, clause)
        slow = {}
        for o in outs:
            norms = np.linalg.norm(traj.gradients[o["run"], : o["last"]], axis=1)
            slow[o["run"]] = int(np.sum(norms < threshold))
            c.ok(np.all(np.linalg.norm(traj.positions[o["run"], : o["last"]][norms < threshold], axis=1)
                        < threshold / 2 + 1e-12), "slow only near the saddle point")
        crawling = [r for r, v in slow.items() if v >= 2]
        c.ok(k == len(crawling), clause)
        if m.group(3):
            o = outs[0]
            c.ok(int(m.group(2)) == slow[0] and int(m.group(3)) == o["last"], (clause, slow))
            tail = re.search(r"then it (slides|moves) off the plot at step (\d+)", clause)
            if tail:
                c.ok(o["how"] == "left" and int(tail.group(2)) == o["step"], clause)
                c.ok((tail.group(1) == "slides") == (traj.losses[0, o["last"]] < traj.losses[0, 0]), clause)
                covered.add(0)
            if "then it diverges" in clause:
                c.ok(o["how"] == "diverged" and f"step {o['step']}" in clause, clause)
                covered.add(0)
            if "stops there" in clause:
                c.ok(o["how"] == "saddle", clause)
                covered.add(0)
        else:
            c.ok(span(m.group(2)) == span_of([slow[r] for r in crawling]), clause)
    return covered


def check_takeaway(c: Claims, lesson, stops, results):
    """On which terrains every / some / no start reached a minimum; where the start decided."""
    text = lesson.takeaway
    cats, decided = {}, []
    for name, (land, traj, outs) in zip(stops, results):
        reached = sum(o["how"] == "minimum" for o in outs)
        cats[land.title] = "every" if reached == len(outs) else "none" if reached == 0 else "some"
        places = []
        for o in outs:
            if o["how"] == "minimum":
                places.append(land.minima[o["minimum"]])
            elif o["how"] == "dip":
                places.append(o["point"])
        if any(np.linalg.norm(a - b) > 0.1 for a in places for b in places):
            decided.append(land.title)
    if len(stops) == 1:
        (title, cat), = cats.items()
        outs = results[0][2]
        if cat == "every":
            c.ok(text.startswith(f"On {title}, GD reached a global minimum from "), text)
        elif cat == "some":
            k = sum(o["how"] == "minimum" for o in outs)
            c.ok(f"from {WORDS[k]} of {WORDS[len(outs)]} starts" in text, text)
        else:
            c.ok(f"On {title}, GD reached no minimum" in text, text)
        c.ok(("There, the start decided" in text) == bool(decided), (text, decided))
    else:
        if set(cats.values()) == {"every"}:
            c.ok(text.startswith(f"GD reached a global minimum from every start on all {WORDS[len(stops)]} terrains."), text)
        if set(cats.values()) == {"none"}:
            m = re.match(r"GD reached no minimum on (.+?)\.", text)
            c.ok(m and set(re.split(r", | and ", m.group(1))) == set(cats), text)
        for cat, phrase in (("every", "from every start on "), ("some", "from some starts on "),
                            ("none", "from none on ")):
            named = {t for t, v in cats.items() if v == cat}
            m = re.search(re.escape(phrase) + r"(.+?)(?:, from |, and from |\.)", text)
            if m and not text.startswith("GD reached a global minimum from every start on all"):
                c.ok(set(re.split(r", | and ", m.group(1))) == named, (text, cat, named))
            else:
                c.ok(not named or len(set(cats.values())) == 1, (text, cat, named))
        m = re.search(r"On (.+?), the start decided where it ended", text)
        c.ok((set(re.split(r", | and ", m.group(1))) if m else set()) == set(decided), (text, decided))
    c.ok(("Same algorithm, different terrain" in text) == (len(set(cats.values())) >= 2), text)


@pytest.mark.parametrize("values", GRID.values(), ids=GRID.keys())
def test_every_claim_holds(values):
    p = Params(**values)
    lesson = plan(p)
    c = Claims()
    n = len(p.stops)
    if n == 1:
        land = get_landscape(p.stops[0], **settings(p, p.stops[0]).get("landscape", {}))
        c.ok(lesson.title == f"{OPTIMIZERS['gd'].title} on {land.title}", lesson.title)
    else:
        c.ok(lesson.title == "A tour of loss landscapes", lesson.title)
    c.ok(lesson.subtitle == f"one algorithm, {WORDS[n]} terrain{'s' if n > 1 else ''}", lesson.subtitle)
    c.ok(len(lesson.runs) == n)
    kinds = [(b.facts["stop"], b.kind) for b in lesson.beats]
    c.ok(kinds == sorted(kinds, key=lambda sk: (sk[0], sk[1] != "terrain")), kinds)  # stop by stop, terrain first
    results = []
    for i, name in enumerate(p.stops):
        land, s, starts, traj = reference(p, name)
        visit = lesson.runs[i]
        c.ok(np.array_equal(visit.traj.positions, traj.positions), "the drawn runs are these runs")
        drawn = [last_drawn(land, traj, r) for r in range(traj.n_runs)]
        c.ok(list(visit.shown) == drawn, (visit.shown, drawn))
        outs = [outcome(land, traj, r, p.minimum_tolerance) for r in range(traj.n_runs)]
        beats = [b for b in lesson.beats if b.facts["stop"] == i]
        terrain = " ".join(b.caption for b in beats if b.kind == "terrain")
        told = " ".join(b.caption for b in beats if b.kind == "outcome")
        c.ok(terrain and told, beats)
        check_terrain(c, land, s, starts, terrain)
        check_outcome(c, land, traj, outs, told, p)
        for b in beats:
            c.ok(wrap_caption(b.caption).count("\n") <= 1, b.caption)
            check_numbers_from_facts(c, b, extra=[str(i) for i in range(11, traj.n_runs + 1)])
        budget = [rate(s["lr"]), f"up to {s['steps']} step{'s' if s['steps'] > 1 else ''}"]
        panels = [said["panel"] for b in beats for said in b.facts["said"] if "panel" in said]
        c.ok(panels == [budget], (panels, budget))
        for b in beats:
            check_labels(c, land, traj, outs, b, p)
            check_quoted_numbers_shown(c, land, i, n, beats, b, budget, max(drawn))
        results.append((land, traj, outs))
    check_takeaway(c, lesson, p.stops, results)
    c.ok(all("|∇L|" not in t for t in lesson.cue_texts()))
    assert c.count >= 8 * n, c.count


# --- named checks for the false sentences the old scene said --------------------------------

def captions(values) -> str:
    return " | ".join(plan(Params(**values)).cue_texts())


def test_valley_is_the_registry_valley_and_still_zigzags():
    assert "landscape" not in RUN_DEFAULTS["valley"]  # was {"k": 20.0}: a different "valley"
    lesson = plan(Params())
    valley = lesson.runs[DEFAULT_INDEX["valley"]]
    assert valley.stop.land.params == get_landscape("valley").params
    y = valley.traj.positions[0, :, 1]
    assert np.sum(y[1:10] * y[:9] < 0) >= 8  # flips sign every step while it settles
    assert "GD zig-zags across the floor" in lesson.beats_of("outcome")[1].caption


DEFAULT_INDEX = {name: i for i, name in enumerate(RUN_DEFAULTS)}


def test_bowl_divergent_rate_is_not_said_to_roll_down():
    # old: "Bowl: one global minimum. No of 4 starts roll down to it at (0, 0)."
    text = captions(GRID["bowl_lr_1.1"])
    assert "All four runs leave the plot at step 2, their loss growing every step." in text
    assert "roll" not in text and "reach the" not in text
    text = captions(GRID["bowl_lr_2"])
    assert "All four runs leave the plot at step 1 and diverge at step 13." in text
    traj = reference(Params(**GRID["bowl_lr_2"]), "bowl")[3]
    assert set(traj.stop_reason) == {"diverged"} and set(traj.stop_step) == {13}


def test_bowl_short_budget_is_not_said_to_arrive():
    # old: "No of 4 starts roll down to it at (0, 0)." after 5 steps
    text = captions(GRID["bowl_5_steps"])
    assert "All four runs are at loss 0.4, 0.42, 0.43 and 0.45 after 5 steps, short of the minimum." in text
    assert "On Bowl, GD reached no minimum in 5 steps." in text


def test_one_stop_one_step_reads_singular():
    # old subtitle: "one algorithm, one terrains"
    lesson = plan(Params(**GRID["bowl_one_step"]))
    assert lesson.subtitle == "one algorithm, one terrain" and lesson.title == "GD on Bowl"
    assert "up to 1 step." in lesson.beats[0].caption and "after 1 step," in lesson.beats[1].caption


def test_valley_without_zigzag_or_leaving_the_plot():
    # old: "GD slides across and never settles; along the floor it is not done after 0."
    assert "zig-zag" not in captions(GRID["valley_tiny_lr"])
    assert "GD never crosses the floor" in captions(GRID["valley_tiny_lr"])
    text = captions(GRID["valley_lr_0.11"])
    assert "GD leaves the plot at step 2, its loss growing every step." in text
    assert "settle" not in text and "floor" not in text


def test_rosenbrock_divergence_and_arrival_are_said():
    # old: "GD never reaches its floor, then crawls: 1 steps reach only (0.96, 1.9)." (it diverged)
    text = captions(GRID["rosenbrock_lr_0.01"])
    assert "GD leaves the plot at step 2 and diverges at step 4." in text and "crawl" not in text
    # old: "5000 steps reach only (0.99, 0.99)" for a run that had reached the minimum
    text = captions(GRID["rosenbrock_to_minimum"])
    assert "then needs" in text and "more to reach (1, 1)" in text and "only" not in text


def test_himmelblau_same_basin_is_not_said_to_be_decided_by_the_start():
    # old: "Two starts reach one of them: the start decides."
    text = captions(GRID["himmelblau_same_basin"])
    assert "Both runs reach the same minimum, (3, 2), in" in text
    assert "decide" not in text
    # old: "Four starts reach no of them: the start decides." (out of steps / diverged)
    assert "reach" not in captions(GRID["himmelblau_3_steps"]).split("Takeaway")[0]
    assert "All four runs leave the plot at steps" in captions(GRID["himmelblau_lr_0.05"])


def test_rastrigin_trapped_only_when_stopped_in_a_dip():
    # old: "Each run stops in a local dip, at loss 26, 37, 44, 47, not 0." (they left the plot)
    assert "dip" not in captions(GRID["rastrigin_lr_0.05"]).split("Takeaway")[0].split("dips around")[1]
    # old: "Each run stops in the dip nearest its start" after 2 steps (still moving)
    assert "stops in" not in captions(GRID["rastrigin_2_steps"])
    # a start next to (0, 0) reaches the global minimum: said, not "stops in a dip ... not 0"
    text = captions(GRID["rastrigin_reaches_0"])
    assert "One of two runs reaches the minimum (0, 0) in 3 steps; one stops in the dip nearest its start" in text


def test_saddle_sentences_follow_the_run():
    # old: "GD crawls there, |∇L| < 0.2 for 25 of 37 steps, and has not left yet." (it stopped)
    assert "and stops there: flat, yet no minimum." in captions(GRID["saddle_on_axis"])
    # old: "GD crawls there, |∇L| < 0.2 for 0 of 3 steps, then slides off." (no crawl; diverged)
    text = captions(GRID["saddle_off_axis"])
    assert "crawl" not in text and "GD leaves the plot at step 4 and diverges at step 76." in text
    assert "crawl" not in captions(GRID["saddle_tiny_lr"])
    # old: one run described for two
    assert "Both runs crawl near the saddle point" in captions(GRID["saddle_two"])


def test_other_landscapes_say_divergence_and_dips():
    # old: "Goldstein-Price: GD from one start: loss 1595 → 1.6e+03 in 0 steps."
    text = captions(GRID["others"])
    assert "GD leaves the plot at step 1 and diverges at step 2." in text
    assert "GD stops in a local dip, at loss 9, not 0." in text  # Ackley


def test_takeaway_claims_start_dependence_only_when_shown():
    # old takeaway: "where you start ... matter" for any tour
    assert "start decided" not in plan(Params(stops=["bowl"])).takeaway
    assert "start decided" not in plan(Params(**GRID["himmelblau_same_basin"])).takeaway
    assert "On Himmelblau and Rastrigin, the start decided" in plan(Params()).takeaway


# --- bad parameters ------------------------------------------------------------------------

@pytest.mark.parametrize("values, message", [
    ({"stops": ["bowl", "volcano"]}, "unknown landscape 'volcano'"),
    ({"stops": []}, "stops must list 1 to"),
    ({"stops": ["bowl", "bowl"]}, "must not repeat"),
    ({"stops": ["bowl"] * 11}, "stops must list"),
    ({"runs": {"bowl": {"lr": 0}}}, r"runs.bowl.lr must be in \(0"),
    ({"runs": {"bowl": {"lr": -0.1}}}, "runs.bowl.lr"),
    ({"runs": {"valley": {"lr": float("nan")}}}, "runs.valley.lr must be a finite number"),
    ({"runs": {"bowl": {"starts": [[5.0, 0.0]]}}}, "outside the bowl plot"),
    ({"runs": {"bowl": {"starts": [[0.0, 0.0]] * 65}}}, "starts must list 1 to 64"),
    ({"runs": {"bowl": {"starts": [1, 2]}}}, "must be a point"),
    ({"runs": {"bowl": {"steps": 10**9}}}, "runs.bowl.steps must be a whole number"),
    ({"runs": {"bowl": {"steps": 0}}}, "runs.bowl.steps"),
    ({"runs": {"valley": {"speed": 2}}}, "unknown setting"),
    ({"runs": {"valley": {"view": "side"}}}, "view must be one of"),
    ({"runs": {"valley": {"landscape": {"q": 1}}}}, "unknown parameter"),
    ({"runs": {"volcano": {"lr": 0.1}}}, "unknown landscape"),
    ({"runs": {"saddle": "fast"}}, "must be a table"),
    ({"tol_grad": 0.5}, "tol_grad"),
    ({"tol_grad": 0.0}, "tol_grad"),
    ({"surface_resolution": 10**6}, "surface_resolution"),
    ({"seconds_per_stop": float("inf")}, "seconds_per_stop"),
    ({"minimum_tolerance": -1.0}, "minimum_tolerance"),
])
def test_bad_params_are_refused(values, message):
    with pytest.raises(ValueError, match=message):
        Params(**values)


def test_plan_imports_no_manim():
    code = "import sys, gdanim.lessons.landscape_tour; assert 'manim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_run_settings_merge_key_by_key():
    from gdanim.lessons.landscape_tour import resolve_stop

    stop = resolve_stop("valley", {"valley": {"lr": 0.02}})
    assert stop.lr == 0.02 and stop.land.params["k"] == 10.0 and stop.starts.tolist() == [[-2.2, 1.2]]
    assert resolve_stop("valley", {"valley": {"landscape": {"k": 20.0}}}).land.params["k"] == 20.0
    generic = resolve_stop("booth", {})
    assert generic.starts.tolist() == [list(generic.land.default_start)] and generic.view == "surface"
