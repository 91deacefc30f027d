"""OptimizerRace as data: several update rules from one start on one landscape, ranked live.

Each racer runs once in the engine with its stated learning rate (tuned for the landscape,
chosen in ``lrs``, or torch's default, and the script says which). The finish line is the
leaderboard's own rule (loss within ``tolerance`` of the landscape's known minimum; no line
when the minimum is unknown), and every place, tie, loss and DNF the captions and the
takeaway state is read from the same standings the board draws. The pure ranking lives here
(numpy only); gdanim.visual.leaderboard imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import param
from gdanim.display import shown_steps
from gdanim.engine import Trajectory, simulate_each
from gdanim.landscapes import Landscape
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import count, fits, listing, optimizer_name, pack_captions, point, rate, sci

DEFAULT_OPTIMIZERS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
# Tuned per landscape from its default start, so every rule makes visible progress and none
# diverges. Rosenbrock: GD at 0.002 sits at the stability limit 2/λmax ≈ 0.002 of the valley
# floor near (1, 1); momentum and Nesterov share α so only the look-ahead differs.
TUNED = {
    "rosenbrock": {"steps": 600, "lrs": {"gd": 0.002, "momentum": 0.001, "nesterov": 0.001,
                                         "adagrad": 1.0, "rmsprop": 0.01, "adam": 0.2}},
    "himmelblau": {"steps": 150, "lrs": {"gd": 0.01, "momentum": 0.002, "nesterov": 0.002,
                                         "adagrad": 0.3, "rmsprop": 0.02, "adam": 0.1}},
    "rastrigin": {"steps": 150, "lrs": {"gd": 0.005, "momentum": 0.002, "nesterov": 0.002,
                                        "adagrad": 1.0, "rmsprop": 0.1, "adam": 0.2}},
}
GENERIC_STEPS = 300  # other landscapes; optimizers without a tuned rate use torch's default lr
NOT_YET = -1  # "has not finished / diverged (by this step)" in the step arrays below
APART = 0.01  # "different moves": every two paths part by this share of the plot's width
LOSS_DIGITS = 2  # significant digits of a loss in the results (the board shows two as well)
SOURCES = ("tuned", "chosen", "default")  # where a racer's learning rate comes from


@dataclass
class Params:
    landscape: str = param("rosenbrock", "race course (rosenbrock, himmelblau, rastrigin, ... see gdanim.landscapes)")
    optimizers: list[str] = param(DEFAULT_OPTIMIZERS, "the racers: 1 to 8 distinct update rules, one run each")
    lrs: dict = param({}, "learning rate per optimizer {name: lr}; those left out use the rate tuned "
                          "for the landscape (TUNED in gdanim.lessons.optimizer_race; Rosenbrock: gd "
                          "0.002, momentum 0.001, nesterov 0.001, adagrad 1, rmsprop 0.01, adam 0.2), "
                          "else torch's default")
    start: tuple[float, float] | None = param(None, "common starting point (x, y); None = the landscape's "
                                                    "default start (Rosenbrock: (-1.2, 1))")
    steps: int | None = param(None, "step budget of the race, 1 to 5000; None = tuned for the landscape "
                                    "(Rosenbrock 600, Himmelblau and Rastrigin 150, others 300)")
    tolerance: float = param(1e-2, "finish line: a run finishes when its loss is within this of the "
                                   "landscape's minimum (no line where the minimum is unknown)")
    first_steps: int = param(20, "steps played slowly at the start, where the rules differ most")
    first_seconds: float = param(4.0, "duration of those first steps")
    race_seconds: float = param(16.0, "duration of the rest of the race")
    hold_seconds: float = param(2.0, "pause on the final standings before the results (0 = none)")

    def __post_init__(self):
        land = checks.landscape(self.landscape)
        checks.optimizers(self.optimizers, high=len(OPTIMIZERS))
        checks.rate_table(self.lrs, self.optimizers)
        if self.start is not None:
            checks.start(land, self.start)
        if self.steps is not None:
            checks.steps(self.steps)
        checks.number(self.tolerance, "tolerance", low=0.0, low_open=True, high=1e6)
        checks.whole(self.first_steps, "first_steps", 1, checks.MAX_STEPS)
        checks.number(self.first_seconds, "first_seconds", low=0.0, low_open=True, high=120.0)
        checks.number(self.race_seconds, "race_seconds", low=0.0, low_open=True, high=120.0)
        checks.seconds(self.hold_seconds, "hold_seconds", high=60.0)
        if land.min_value is not None:
            start = race_start(self, land)
            above = float(land.value(np.array(start))) - land.min_value
            if above <= self.tolerance:
                raise ValueError(f"tolerance {self.tolerance:g} already holds at the start {start} (its loss is "
                                 f"{above:.3g} above the minimum), so the race would end before it began; "
                                 f"pick a tolerance below {above:.3g}")


# --- the race as data ------------------------------------------------------------------------

def race_start(p: Params, land: Landscape) -> tuple[float, float]:
    return tuple(float(v) for v in (land.default_start if p.start is None else p.start))


def race_steps(p: Params) -> int:
    return p.steps if p.steps is not None else TUNED.get(p.landscape, {}).get("steps", GENERIC_STEPS)


def race_rates(p: Params) -> tuple[list[float], list[str]]:
    """Each racer's learning rate and where it comes from: chosen in ``lrs``, else tuned for
    the landscape, else torch's default for its rule."""
    tuned = TUNED.get(p.landscape, {}).get("lrs", {})
    lrs, sources = [], []
    for name in p.optimizers:
        if name in p.lrs:
            lrs.append(float(p.lrs[name])), sources.append("chosen")
        elif name in tuned:
            lrs.append(float(tuned[name])), sources.append("tuned")
        else:
            lrs.append(float(OPTIMIZERS[name].defaults["lr"])), sources.append("default")
    return lrs, sources


def finish_steps(losses: np.ndarray, target: float | None) -> np.ndarray:
    """Per run, the first step whose loss is at or below ``target`` (NOT_YET if never)."""
    losses = np.atleast_2d(losses)
    if target is None:
        return np.full(len(losses), NOT_YET)
    with np.errstate(invalid="ignore"):
        hit = losses <= target
    return np.where(hit.any(axis=1), hit.argmax(axis=1), NOT_YET)


def diverge_steps(traj: Trajectory, runs) -> np.ndarray:
    """Per run, the step at which the engine declared it diverged (NOT_YET if it never did)."""
    runs = list(runs)
    return np.where(traj.stop_reason[runs] == "diverged", traj.stop_step[runs], NOT_YET)


def rank(losses_now, finished_at, diverged_at) -> np.ndarray:
    """Run indices, best first: finished runs by their finishing step, running ones by loss
    now (non-finite last), then DNF runs, the one that lasted longest first. Ties keep the
    input order. ``finished_at`` / ``diverged_at`` hold a step or NOT_YET per run; a run that
    finished counts as finished even if it blew up later."""
    losses_now = np.asarray(losses_now, dtype=float)
    finished_at, diverged_at = np.asarray(finished_at), np.asarray(diverged_at)
    finished = finished_at != NOT_YET
    dnf = (diverged_at != NOT_YET) & ~finished
    group = np.where(finished, 0, np.where(dnf, 2, 1))
    loss_key = np.where(np.isfinite(losses_now), losses_now, np.inf)
    key = np.where(finished, finished_at, np.where(dnf, -diverged_at, loss_key)).astype(float)
    return np.lexsort((np.arange(len(losses_now)), key, group))


def standings(losses: np.ndarray, finish: np.ndarray, diverge: np.ndarray, k: int):
    """(order, finished_at, diverged_at) at step ``k``: events after ``k`` have not happened yet."""
    k = int(min(max(k, 0), losses.shape[1] - 1))
    finished_at = np.where((finish != NOT_YET) & (finish <= k), finish, NOT_YET)
    diverged_at = np.where((diverge != NOT_YET) & (diverge <= k), diverge, NOT_YET)
    return rank(losses[:, k], finished_at, diverged_at), finished_at, diverged_at


def curve_losses(traj: Trajectory, headroom: float = 100.0) -> np.ndarray:
    """The losses as the curve panel plots them: capped at ``headroom`` times the largest
    starting excess loss, so a diverged run (frozen near 1e40) runs off the top of the panel
    instead of squashing every other curve to its bottom."""
    floor = traj.landscape.min_value if traj.landscape.min_value is not None else 0.0
    ceiling = floor + headroom * max(float(np.max(np.abs(traj.losses[:, 0] - floor))), 1e-12)
    return np.minimum(np.nan_to_num(traj.losses, nan=ceiling), ceiling)


@dataclass(frozen=True)
class Race:
    """What the scene draws: the runs, their labels and colours, the finish line and standings."""

    traj: Trajectory
    optimizers: tuple[str, ...]
    lrs: tuple[float, ...]
    sources: tuple[str, ...]  # per racer: "tuned", "chosen" or "default" (torch's)
    start: tuple[float, float]
    steps: int
    first: int  # steps played slowly
    target: float | None  # finish line: loss at or below this (None: no known minimum)
    finish: np.ndarray  # per racer, its finishing step (NOT_YET if never)
    diverge: np.ndarray  # per racer, the step the engine declared it diverged (NOT_YET if never)
    order: np.ndarray  # final standings, best first
    shown: np.ndarray  # per racer, the last step its trail is drawn (cut before it leaves the plot)
    labels: tuple[str, ...]  # leaderboard rows: "GD        α = 0.002"
    colors: tuple[str, ...]
    board_note: str  # the leaderboard's line under its heading


def run_race(p: Params) -> Race:
    land = checks.landscape(p.landscape)
    start, steps = race_start(p, land), race_steps(p)
    lrs, sources = race_rates(p)
    traj = simulate_each(land, p.optimizers, lrs, start, steps)
    target = None if land.min_value is None else land.min_value + p.tolerance
    finish = finish_steps(traj.losses, target)
    diverge = diverge_steps(traj, range(traj.n_runs))
    order = standings(traj.losses, finish, diverge, steps)[0]
    names = [optimizer_name(n) for n in p.optimizers]
    width = max(len(n) for n in names)
    note = ("no known minimum: ranked by loss" if target is None
            else f"finish line: loss ≤ min + {sci(p.tolerance, 6)}")
    return Race(traj, tuple(p.optimizers), tuple(lrs), tuple(sources), start, steps, min(p.first_steps, steps),
                target, finish, diverge, order, shown_steps(traj),
                tuple(f"{n.ljust(width)}  {rate(lr)}" for n, lr in zip(names, lrs)),
                tuple(OPTIMIZERS[n].color for n in p.optimizers), note)


# --- the lesson --------------------------------------------------------------------------------

def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def packed(kind: str, pieces: list[tuple[str, dict]]) -> list[Beat]:
    """Beats from (sentence, facts) pieces packed into as few captions as fit; each beat's facts
    merge the facts of the pieces its caption holds (lists extend)."""
    captions = pack_captions([text for text, _ in pieces])
    beats, at = [], 0
    for caption in captions:
        text, facts = "", {}
        while text != caption:
            piece, piece_facts = pieces[at]
            at += 1
            text = f"{text} {piece}" if text else piece
            for key, value in piece_facts.items():
                facts[key] = facts.get(key, []) + list(value) if isinstance(value, list) else value
        beats.append(Beat(kind, caption, facts))
    return beats


def listed(lead: str, entries: list[tuple[str, dict]], key: str, join=", ".join) -> list[tuple[str, dict]]:
    """'lead: a, b, c.' split into pieces that each fit a caption; facts[key] lists the entries."""
    pieces, texts, facts = [], [], []
    for text, fact in entries:
        if texts and not fits(lead + join(texts + [text]) + "."):
            pieces.append((lead + join(texts) + ".", {key: facts}))
            texts, facts = [], []
        texts.append(text)
        facts.append(fact)
    if texts:
        pieces.append((lead + join(texts) + ".", {key: facts}))
    return pieces


def groups(order, key) -> list[list[int]]:
    """Consecutive runs of ``order`` sharing ``key(run)``: the racers tied on one place."""
    out: list[list[int]] = []
    for i in order:
        i = int(i)
        if out and key(out[-1][0]) == key(i):
            out[-1].append(i)
        else:
            out.append([i])
    return out


def loss_text(value: float) -> str:
    """A loss as the results state it: two significant digits, whole numbers written out
    (410, not 4.1e+02)."""
    whole = len(str(int(abs(value)))) if 1e2 <= abs(value) < 1e4 else 0
    return sci(value, max(LOSS_DIGITS, whole))


def steps_text(k: int) -> str:
    return f"{k} step" if k == 1 else f"{k} steps"


def rate_pieces(p: Params, race: Race, names: list[str], where: str, default_start: bool) -> list[tuple[str, dict]]:
    """Where each learning rate comes from, and what the rates imply for the picture."""
    tuned = f"tuned for {where}" + ("" if default_start else f" from its default start "
                                    f"{point(checks.landscape(p.landscape).default_start)}")
    phrase = {"tuned": f"is {tuned}", "chosen": "is chosen for this race",
              "default": "is torch's default for its rule, not tuned here"}
    heading = {"tuned": capital(tuned), "chosen": "Chosen for this race",
               "default": "Torch's default, not tuned here"}
    by_source = {s: [names[i] for i, src in enumerate(race.sources) if src == s] for s in SOURCES}
    used = [s for s in SOURCES if by_source[s]]
    pieces: list[tuple[str, dict]] = []
    if len(race.optimizers) == 1:
        pieces.append((f"Its learning rate {rate(race.lrs[0])}, beside its name, {phrase[used[0]]}.",
                       {used[0]: by_source[used[0]]}))
    elif len(used) == 1:
        pieces.append((f"Each racer's learning rate α, beside its name, {phrase[used[0]]}.",
                       {used[0]: by_source[used[0]]}))
    else:
        pieces.append(("Each racer's learning rate α is beside its name.", {}))
        for source in used:
            pieces += listed(f"{heading[source]}: ", [(n, n) for n in by_source[source]], source, listing)
    if "momentum" in race.optimizers and "nesterov" in race.optimizers:
        lr_m, lr_n = (race.lrs[race.optimizers.index(n)] for n in ("momentum", "nesterov"))
        if lr_m == lr_n:
            pieces.append((f"Momentum and Nesterov share {rate(lr_m)}: only Nesterov's look-ahead differs.",
                           {"shared_rate": [lr_m]}))
    if "sgd" in race.optimizers:
        pieces.append(("SGD gets the exact gradient here: no noise, no mini-batches.", {"exact_gradient": ["sgd"]}))
    pos = race.traj.positions
    same = [g for g in regroup_identical(pos) if len(g) > 1]
    for g in same:
        pieces.append((f"{capital(listing([names[i] for i in g]))} take identical steps: one trail hides the other.",
                       {"identical": [[race.optimizers[i] for i in g]]}))
    return pieces


def regroup_identical(positions: np.ndarray) -> list[list[int]]:
    """Racers whose whole paths coincide exactly, in input order."""
    out: list[list[int]] = []
    for i in range(len(positions)):
        for g in out:
            if np.array_equal(positions[g[0]], positions[i]):
                g.append(i)
                break
        else:
            out.append([i])
    return out


def result_pieces(race: Race, names: list[str]) -> list[tuple[str, dict]]:
    """The final standings as caption pieces: finishers by steps (ties share a place), the rest
    by final loss (equal at the shown digits: one place), DNFs with their divergence step."""
    losses = race.traj.losses[:, race.steps]
    order, finished_at, diverged_at = standings(race.traj.losses, race.finish, race.diverge, race.steps)
    done = [i for i in order if finished_at[i] != NOT_YET]
    running = [int(i) for i in order if finished_at[i] == NOT_YET and diverged_at[i] == NOT_YET]
    dnf = [int(i) for i in order if diverged_at[i] != NOT_YET and finished_at[i] == NOT_YET]
    late = [int(i) for i in order if diverged_at[i] != NOT_YET and finished_at[i] != NOT_YET]
    shown = {i: loss_text(float(losses[i])) for i in running}

    def who(g):  # 'momentum and Nesterov'
        return listing([names[i] for i in g])

    def ids(g):  # ['momentum', 'nesterov']
        return [race.optimizers[i] for i in g]

    pieces: list[tuple[str, dict]] = []
    if len(names) == 1:
        i, name = 0, names[0]
        if done:
            pieces.append((f"{capital(name)} reaches the finish line in {steps_text(int(finished_at[i]))}.",
                           {"finished": [{"place": 1, "runs": ids([i]), "step": int(finished_at[i])}]}))
        elif running:
            short = (f"{capital(name)} does not reach the finish line in {steps_text(race.steps)}; its final loss "
                     if race.target is not None else f"After {steps_text(race.steps)}, {name}'s loss ")
            facts = {"running": [{"place": 1, "runs": ids([i]), "loss": shown[i]}],
                     "no_finisher": [race.steps] if race.target is not None else []}
            pieces.append((f"{short}is {shown[i]}.", facts))
    else:
        place = 1
        entries = []
        for g in groups(done, lambda i: int(finished_at[i])):
            k = int(finished_at[g[0]])
            entries.append((f"{place}. {who(g)} ({steps_text(k)}{' each' if len(g) > 1 else ''})",
                            {"place": place, "runs": ids(g), "step": k}))
            place += len(g)
        pieces += listed("Finishing order: ", entries, "finished")
        if not done and race.target is not None:
            pieces.append((f"Nobody reaches the finish line in {steps_text(race.steps)}.",
                           {"no_finisher": [race.steps]}))
        entries = []
        for g in groups(running, lambda i: shown[i]):
            entries.append((f"{place}. {who(g)} ({shown[g[0]]}{' each' if len(g) > 1 else ''})",
                            {"place": place, "runs": ids(g), "loss": shown[g[0]]}))
            place += len(g)
        lead = "Still running, by loss: " if done else "By final loss: "
        pieces += listed(lead, entries, "running")
    entries = []
    for j, g in enumerate(groups(dnf, lambda i: int(diverged_at[i]))):
        k = int(diverged_at[g[0]])
        entries.append((f"{who(g)} {'diverged ' if j == 0 else ''}at step {k}", {"runs": ids(g), "step": k}))
    pieces += listed("DNF: ", entries, "dnf")
    for i in range(len(names)):  # a trail that stops at the edge while its run goes on
        if diverged_at[i] == NOT_YET and race.shown[i] < race.steps:
            still = "shows its loss" if len(names) == 1 else "ranks it"
            pieces.append((f"{capital(names[i])} left the plot after step {int(race.shown[i])}; the board still "
                           f"{still}.", {"left_plot": [{"runs": ids([i]), "step": int(race.shown[i])}]}))
    for g in groups(late, lambda i: int(diverged_at[i])):
        pieces.append((f"After finishing, {who(g)} diverged at step {int(diverged_at[g[0]])}.",
                       {"late_dnf": [{"runs": ids(g), "step": int(diverged_at[g[0]])}]}))
    return pieces


def takeaway_text(race: Race, names: list[str], where: str) -> str:
    """This race's winner (ties, nobody finishing and everyone diverging said as such), and why
    it is no general verdict."""
    losses = race.traj.losses[:, race.steps]
    finish, diverge, order = race.finish, race.diverge, race.order
    first = int(order[0])
    loss = loss_text(float(losses[first]))
    if len(names) == 1:
        name, lr = capital(names[0]), rate(race.lrs[0])
        if finish[0] != NOT_YET:
            text = f"{name} reaches the finish line on {where} in {steps_text(int(finish[0]))} at {lr}."
        elif diverge[0] != NOT_YET:
            text = f"{name} diverged on {where} at step {int(diverge[0])}, at {lr}."
        elif race.target is not None:
            text = f"{name} ends {steps_text(race.steps)} on {where} at loss {loss}, short of the finish line, at {lr}."
        else:
            text = f"{name} ends {steps_text(race.steps)} on {where} at loss {loss}, at {lr}."
        return text + " A race needs rivals: add other rules to compare them on this course."
    if finish[first] != NOT_YET:
        tied = [i for i in order if finish[i] == finish[first]]
        if len(tied) > 1:
            text = (f"{capital(listing([names[i] for i in tied]))} tie for first on {where} with these rates, "
                    f"{steps_text(int(finish[first]))} each.")
        else:
            text = (f"{capital(names[first])} wins on {where} with these rates, finishing in "
                    f"{steps_text(int(finish[first]))}.")
            tied = [first]
        for i in tied:
            if diverge[i] != NOT_YET:
                text += f" {capital(names[i])} diverged later, at step {int(diverge[i])}."
    elif diverge[first] != NOT_YET:
        return (f"Every racer diverged on {where} with these rates: this race has no winner. "
                "No optimizer wins everywhere.")
    else:
        tied = [i for i in order if finish[i] == NOT_YET and diverge[i] == NOT_YET
                and loss_text(float(losses[i])) == loss]
        lowest = (f"{listing([names[i] for i in tied])} end level lowest" if len(tied) > 1
                  else f"{names[first]} ends lowest")
        if race.target is not None:
            text = (f"Nobody finishes on {where} in {steps_text(race.steps)}; {lowest} with these rates "
                    f"(loss {loss}).")
        else:
            text = f"{capital(lowest)} on {where} with these rates (loss {loss})."
    return text + " Another landscape or other rates can crown another rule: no optimizer wins everywhere."


def plan(p: Params) -> Lesson:
    race = run_race(p)
    land = race.traj.landscape
    where = land.title
    names = [optimizer_name(n) for n in p.optimizers]
    n = len(names)
    default_start = race.start == tuple(float(v) for v in land.default_start)

    if n == 1:
        title = "An optimizer time trial"
        subtitle = f"{names[0]} alone: one start, " + ("one finish line" if race.target is not None
                                                       else "no finish line")
        intro = f"{capital(names[0])} runs alone on the {where} loss, from the start {point(race.start)}."
    else:
        title = "The optimizer race"
        subtitle = f"{count(n, 'optimizer')}, one start, " + ("one finish line" if race.target is not None
                                                              else "ranked by loss")
        intro = (f"{count(n, 'optimizer', capital=True)} race on the {where} loss, "
                 f"{'both' if n == 2 else 'all'} from the same start {point(race.start)}.")
    beats = [Beat("intro", intro, {"racers": list(p.optimizers), "start": race.start, "landscape": land.name})]
    beats += packed("rates", rate_pieces(p, race, names, where, default_start))

    diverged = bool(np.any((race.diverge != NOT_YET) & (race.finish == NOT_YET)))  # DNF: ranked last
    last = ", diverged runs last." if diverged else "."
    if race.target is not None:
        facts = {"tolerance": p.tolerance, "minimum": land.min_value, "target": race.target}
        line = [(f"Finish line: a loss within {sci(p.tolerance, 6)} of the minimum, {sci(land.min_value, 3)}.", facts),
                ("The board shows the loss until then." if n == 1 else
                 "Finishers rank by steps taken, the others by loss now" + last, {})]
    else:
        facts = {"tolerance": None, "minimum": None, "target": None}
        line = [(f"No finish line: the {where} loss has no known minimum, so the board "
                 + ("shows the loss now." if n == 1 else "ranks by loss now" + last), facts)]
    beats += packed("finish_line", line)

    first = race.first
    moves = race.traj.positions[:, : first + 1]
    width = land.domain[0][1] - land.domain[0][0]
    apart = all(np.max(np.linalg.norm(moves[i] - moves[j], axis=-1)) > APART * width
                for i in range(n) for j in range(i + 1, n))
    if first == race.steps:
        span = "The race's only step" if first == 1 else f"All {first} steps of the race"
    else:
        span = "The first step" if first == 1 else f"The first {first} steps"
    how = "" if n == 1 else (": same slope, different moves" if apart else ": every racer starts on the same slope")
    beats.append(Beat("first_steps", f"{span}, slowed down{how}.", {"steps": first, "apart": apart and n > 1}))

    if race.steps > first:
        out = [int(race.traj.stop_step[i]) for i in range(n) if race.diverge[i] != NOT_YET]
        if len(out) == n and max(out) <= first:
            beats.append(Beat("rest", f"Every racer diverged by step {max(out)}: nothing moves in the other "
                                      f"{steps_text(race.steps - first)}.",
                              {"steps": race.steps, "play": False, "all_out_by": max(out)}))
        else:
            beats.append(Beat("rest", f"Now the rest of the race, {race.steps} steps in all; below the board, "
                                      "loss per step.", {"steps": race.steps, "play": True}))
    beats += packed("results", result_pieces(race, names))
    return Lesson(title, subtitle, tuple(beats), takeaway_text(race, names, where), runs=race)
