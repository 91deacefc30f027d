"""OptimizerRace's plan: every claim checked against an independent engine run per racer, over
a grid of lecturer-style parameter sets (other landscapes, racer subsets, chosen and divergent
rates, short budgets, other starts and tolerances, no known minimum).

The reference here simulates each racer alone with ``simulate`` and ranks them with its own
sort (finishers by first step at or below min + tolerance, then the others by final loss, then
diverged runs, the one that lasted longest first), never through the plan module's helpers.
"""

import re

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.optimizer_race import TUNED, Params, plan
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import fits, point, rate, sci

from caption_reading import NUMBER_WORDS as WORDS

TITLES = {name: spec.title for name, spec in OPTIMIZERS.items()}
BY_TITLE = {title: name for name, title in TITLES.items()}
BY_LOWER = {title.lower(): name for name, title in TITLES.items()}  # 'Momentum' opens a sentence
STEPS = {"rosenbrock": 600, "himmelblau": 150, "rastrigin": 150}  # the documented budgets; others 300
EIGHT = ["gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]

GRID = [
    {},
    {"landscape": "himmelblau"},
    {"landscape": "rastrigin"},  # nobody finishes; four racers level at 13
    {"landscape": "bowl"},  # no tuned rates: torch defaults
    {"landscape": "saddle"},  # no known minimum: no finish line
    {"landscape": "custom"},  # no known minimum, a three-way level
    {"landscape": "goldstein_price"},  # torch defaults: three racers diverge
    {"landscape": "beale"},  # momentum and Nesterov finish on the same step
    {"optimizers": ["adam"]},
    {"optimizers": ["gd", "adam"]},
    {"optimizers": ["gd", "adam", "rmsprop"], "lrs": {"gd": 0.01}},  # one racer overridden to diverge
    {"optimizers": ["gd", "momentum", "nesterov"], "lrs": {"gd": 0.05, "momentum": 0.05, "nesterov": 0.05}},
    {"steps": 1},
    {"steps": 5},  # nobody finishes
    {"start": (1.5, 2.5)},
    {"tolerance": 1e-9},
    {"optimizers": EIGHT},
    {"landscape": "linear_regression", "optimizers": ["gd", "sgd", "adamw"], "lrs": {"gd": 0.1, "sgd": 0.1}},
    {"landscape": "six_hump_camel", "optimizers": ["momentum", "gd", "adam"], "lrs": {"momentum": 0.14, "gd": 0.14}},
    {"landscape": "himmelblau", "optimizers": ["gd", "adam", "momentum"], "lrs": {"gd": 0.05}, "steps": 60,
     "first_steps": 10},
    {"first_steps": 1, "steps": 40},
    {"optimizers": ["gd"], "lrs": {"gd": 0.01}},  # a lone racer that diverges
    {"landscape": "saddle", "optimizers": ["rmsprop"]},
    {"optimizers": ["gd"], "steps": 50},  # a lone racer short of the line
    {"landscape": "valley", "optimizers": ["gd", "momentum", "adam"],
     "lrs": {"gd": 0.05, "momentum": 0.05, "adam": 0.1}},
    {"landscape": "rastrigin", "optimizers": ["adagrad", "adamw", "sgd"], "steps": 80, "start": (-2.0, 3.5)},
]


def words_to_names(text: str) -> list[str]:
    """'GD, momentum and Nesterov' -> ['gd', 'momentum', 'nesterov']."""
    parts = re.split(r", | and ", text.strip())
    return [BY_LOWER[p.lower()] for p in parts]


def loss_shown(value: float) -> str:
    """A loss at two significant digits, whole numbers from 100 to 9999 written out."""
    digits = len(str(int(abs(value)))) if 100 <= abs(value) < 1e4 else 2
    return sci(value, max(digits, 2))


def reference(p: Params) -> dict:
    """The race, simulated here racer by racer, and its standings ranked here."""
    land = get_landscape(p.landscape)
    start = tuple(land.default_start if p.start is None else p.start)
    steps = p.steps if p.steps is not None else STEPS.get(p.landscape, 300)
    tuned = TUNED.get(p.landscape, {}).get("lrs", {})
    lrs, sources = [], []
    for name in p.optimizers:
        if name in p.lrs:
            lrs.append(p.lrs[name]), sources.append("chosen")
        elif name in tuned:
            lrs.append(tuned[name]), sources.append("tuned")
        else:
            lrs.append(OPTIMIZERS[name].defaults["lr"]), sources.append("default")
    runs = [simulate(land, name, start, steps, lr=lr, tol_grad=0.0) for name, lr in zip(p.optimizers, lrs)]
    losses = np.array([r.losses[0] for r in runs])
    target = None if land.min_value is None else land.min_value + p.tolerance
    finished, diverged = {}, {}
    for i, r in enumerate(runs):
        if target is not None:
            hits = [k for k in range(steps + 1) if losses[i, k] <= target]
            if hits:
                finished[i] = hits[0]
        if r.stop_reason[0] == "diverged":
            diverged[i] = int(r.stop_step[0])

    def key(i):
        if i in finished:
            return (0, finished[i])
        if i in diverged:
            return (2, -diverged[i])
        return (1, losses[i, steps])

    order = sorted(range(len(runs)), key=lambda i: (key(i), i))
    done = [i for i in order if i in finished]
    running = [i for i in order if i not in finished and i not in diverged]
    dnf = [i for i in order if i in diverged and i not in finished]
    return dict(land=land, start=start, steps=steps, lrs=lrs, sources=sources, runs=runs, losses=losses,
                target=target, finished=finished, diverged=diverged, order=order, done=done,
                running=running, dnf=dnf, n=len(runs))


def tie_groups(items, key):
    out = []
    for i in items:
        if out and key(out[-1][0]) == key(i):
            out[-1].append(i)
        else:
            out.append([i])
    return out


@pytest.mark.parametrize("values", GRID, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "defaults")
def test_every_claim_holds_for_the_race(values):
    p = Params(**values)
    lesson = plan(p)
    ref = reference(p)
    race, n, steps, land = lesson.runs, ref["n"], ref["steps"], ref["land"]
    names = [TITLES[o] for o in p.optimizers]
    claims = 0

    # the runs drawn are these runs, from one start, at the stated rates
    for i, r in enumerate(ref["runs"]):
        assert np.array_equal(race.traj.positions[i], r.positions[0]); claims += 1
        assert race.traj.inputs["runs"][i]["hyperparameters"]["lr"] == ref["lrs"][i]; claims += 1
        assert rate(ref["lrs"][i]) in race.labels[i] and TITLES[p.optimizers[i]] in race.labels[i]; claims += 1
    assert race.steps == steps == race.traj.steps; claims += 1
    assert np.all(race.traj.positions[:, 0] == ref["start"]); claims += 1
    # the board's finish line and standings are the reference's
    assert race.target == ref["target"]; claims += 1
    assert [int(race.finish[i]) for i in range(n)] == [ref["finished"].get(i, -1) for i in range(n)]; claims += 1
    assert [int(race.diverge[i]) for i in range(n)] == [ref["diverged"].get(i, -1) for i in range(n)]; claims += 1
    assert list(race.order) == ref["order"]; claims += 1

    # title and subtitle
    line = "one finish line" if land.min_value is not None else None
    if n == 1:
        assert lesson.title == "An optimizer time trial"; claims += 1
        assert lesson.subtitle.startswith(f"{names[0]} alone"); claims += 1
    else:
        assert lesson.title == "The optimizer race"; claims += 1
        assert lesson.subtitle.startswith(f"{WORDS[n]} optimizers, one start"); claims += 1
    assert ("one finish line" in lesson.subtitle) == (line is not None); claims += 1

    # intro: the racer count, the landscape, the one start
    (intro,) = lesson.beats_of("intro")
    assert land.title in intro.caption and point(ref["start"]) in intro.caption; claims += 1
    if n == 1:
        assert intro.caption.startswith(f"{names[0][:1].upper() + names[0][1:]} runs alone"); claims += 1
    else:
        assert intro.caption.startswith(f"{WORDS[n].capitalize()} optimizers race"); claims += 1
        assert ("both from the same start" in intro.caption) == (n == 2); claims += 1

    # rates: each named source is where that racer's rate really comes from
    rates_text = " ".join(b.caption for b in lesson.beats_of("rates"))
    where = land.title
    tuned_phrase = f"tuned for {where}" + ("" if p.start is None else " from its default start")
    said = {}
    m = re.search(r"learning rate (?:α = \S+, beside its name|α, beside its name), is (.*?)\.", rates_text)
    if m:
        source = ("tuned" if m.group(1).startswith("tuned") else "chosen" if m.group(1).startswith("chosen")
                  else "default")
        said = {o: source for o in p.optimizers}
        if source == "tuned":
            assert m.group(1).startswith(tuned_phrase); claims += 1
    else:
        for heading, source in ((tuned_phrase[:1].upper() + tuned_phrase[1:], "tuned"),
                                ("Chosen for this race", "chosen"), ("Torch's default, not tuned here", "default")):
            for listed in re.findall(re.escape(heading) + r"[^:]*: ([^.]*)\.", rates_text):
                said.update({o: source for o in words_to_names(listed)})
    assert said == dict(zip(p.optimizers, ref["sources"])); claims += 1
    for o, source in said.items():
        lr = ref["lrs"][p.optimizers.index(o)]
        expected = {"chosen": p.lrs.get(o), "tuned": TUNED.get(p.landscape, {}).get("lrs", {}).get(o),
                    "default": OPTIMIZERS[o].defaults["lr"]}[source]
        assert lr == expected and (source == "chosen") == (o in p.lrs); claims += 1
    share = re.search(r"Momentum and Nesterov share α = (\S+):", rates_text)
    both = {"momentum", "nesterov"} <= set(p.optimizers)
    same_rate = both and ref["lrs"][p.optimizers.index("momentum")] == ref["lrs"][p.optimizers.index("nesterov")]
    assert bool(share) == same_rate; claims += 1
    if share:
        assert rate(ref["lrs"][p.optimizers.index("momentum")]) == f"α = {share.group(1)}"; claims += 1
    assert ("SGD gets the exact gradient" in rates_text) == ("sgd" in p.optimizers); claims += 1
    if "sgd" in p.optimizers:
        assert ref["runs"][p.optimizers.index("sgd")].sample_gradients is None; claims += 1
    twins = [words_to_names(t) for t in re.findall(r"([A-Za-z, ]+) take identical steps", rates_text)]
    pairs = {(a, b) for a in range(n) for b in range(a + 1, n)
             if np.array_equal(ref["runs"][a].positions, ref["runs"][b].positions)}
    assert {(p.optimizers.index(t[0]), p.optimizers.index(t[1])) for t in twins} == pairs; claims += 1

    # the finish line: the board's own rule, or none
    finish_text = " ".join(b.caption for b in lesson.beats_of("finish_line"))
    if land.min_value is not None:
        assert finish_text.startswith(f"Finish line: a loss within {sci(p.tolerance, 6)} of the minimum, "
                                      f"{sci(land.min_value, 3)}."); claims += 1
        assert ref["target"] == land.min_value + p.tolerance; claims += 1
    else:
        assert finish_text.startswith("No finish line") and "no known minimum" in finish_text; claims += 1
        assert "Finish line" not in finish_text and not ref["finished"]; claims += 1
    assert ("diverged runs last" in finish_text) == bool(ref["dnf"] and n > 1); claims += 1

    # the slow first steps: their number, one slope, different moves only where paths part
    (slow,) = lesson.beats_of("first_steps")
    first = min(p.first_steps, steps)
    m = re.match(r"(?:The first (\d+) steps|The first step|All (\d+) steps of the race|The race's only step), "
                 r"slowed down", slow.caption)
    assert m, slow.caption
    said_first = int(m.group(1) or m.group(2) or 1)
    assert said_first == first == race.first; claims += 1
    assert slow.caption.startswith("All" if first == steps and first > 1 else "The race's only" if first == steps
                                   else "The first"); claims += 1
    grads = np.array([r.gradients[0, 0] for r in ref["runs"]])
    assert np.all(grads == grads[0]); claims += 1  # "same slope": one start, one gradient
    width = land.domain[0][1] - land.domain[0][0]
    parted = all(max(np.hypot(*(ref["runs"][a].positions[0, k] - ref["runs"][b].positions[0, k]))
                     for k in range(first + 1)) > 0.01 * width for a in range(n) for b in range(a + 1, n))
    assert ("different moves" in slow.caption) == (parted and n > 1); claims += 1

    # the rest of the race: the real step count, or why nothing moves
    rest = lesson.beats_of("rest")
    assert bool(rest) == (steps > first); claims += 1
    for beat in rest:
        frozen = re.match(r"Every racer diverged by step (\d+): nothing moves in the other (\d+) steps?\.",
                          beat.caption)
        if frozen:
            assert len(ref["diverged"]) == n; claims += 1
            assert max(ref["diverged"].values()) == int(frozen.group(1)) <= first; claims += 1
            assert int(frozen.group(2)) == steps - first and not beat.facts["play"]; claims += 1
        else:
            assert f"the rest of the race, {steps} steps in all" in beat.caption; claims += 1
            assert any(r.stop_reason[0] != "diverged" or r.stop_step[0] > first for r in ref["runs"]); claims += 1

    # results: finishers, the rest by loss, DNFs, all as the reference ranks them
    results = " ".join(b.caption for b in lesson.beats_of("results"))
    losses = ref["losses"][:, steps]
    place = 1
    expected_done = []
    for g in tie_groups(ref["done"], lambda i: ref["finished"][i]):
        expected_done.append((place, [p.optimizers[i] for i in g], ref["finished"][g[0]]))
        place += len(g)
    expected_running = []
    for g in tie_groups(ref["running"], lambda i: loss_shown(losses[i])):
        expected_running.append((place, [p.optimizers[i] for i in g], loss_shown(losses[g[0]])))
        place += len(g)
    expected_dnf = [([p.optimizers[i] for i in g], ref["diverged"][g[0]])
                    for g in tie_groups(ref["dnf"], lambda i: ref["diverged"][i])]
    if n == 1:
        name = names[0][:1].upper() + names[0][1:]
        if ref["done"]:
            assert results.startswith(f"{name} reaches the finish line in {ref['finished'][0]} step"); claims += 1
        elif ref["running"]:
            assert f"is {loss_shown(losses[0])}." in results; claims += 1
            assert ("does not reach the finish line" in results) == (ref["target"] is not None); claims += 1
    else:
        done = [(int(a), words_to_names(b), int(c)) for a, b, c in
                re.findall(r"(\d+)\. ([A-Za-z, ]+?) \((\d+) steps?(?: each)?\)", results)]
        assert done == expected_done; claims += 1
        shown = [(int(a), words_to_names(b), c) for a, b, c in
                 re.findall(r"(\d+)\. ([A-Za-z, ]+?) \(([^()]*?)(?: each)?\)", results) if "step" not in c]
        assert shown == expected_running; claims += 1
        assert results.count(" each)") == sum(len(w) > 1 for _, w, _ in expected_done + expected_running); claims += 1
        assert ("Still running, by loss" in results) == bool(ref["done"] and ref["running"]); claims += 1
        nobody = re.search(r"Nobody reaches the finish line in (\d+) steps?\.", results)
        assert bool(nobody) == (not ref["done"] and ref["target"] is not None); claims += 1
        if nobody:
            assert int(nobody.group(1)) == steps; claims += 1
    dnf_text = " ".join(re.findall(r"DNF: ([^.]*)\.", results))
    dnf = [(words_to_names(a), int(b)) for a, b in re.findall(r"([A-Za-z][A-Za-z, ]*?) (?:diverged )?at step (\d+)",
                                                            dnf_text)]
    assert dnf == expected_dnf; claims += 1
    late = [(words_to_names(a), int(b))
            for a, b in re.findall(r"After finishing, ([A-Za-z, ]+?) diverged at step (\d+)\.", results)]
    assert late == [([p.optimizers[i]], ref["diverged"][i]) for i in ref["order"]
                    if i in ref["finished"] and i in ref["diverged"]]; claims += 1
    (x0, x1), (y0, y1) = land.domain
    left = []
    for i, r in enumerate(ref["runs"]):  # a run that goes on off the plot: its trail stops at the edge
        outside = [k for k in range(steps + 1)
                   if not (x0 <= r.positions[0, k, 0] <= x1 and y0 <= r.positions[0, k, 1] <= y1)]
        if outside and i not in ref["diverged"]:
            left.append((p.optimizers[i], outside[0] - 1))
            assert race.shown[i] == outside[0] - 1; claims += 1
    said_left = [(words_to_names(a)[0], int(b)) for a, b in
                 re.findall(r"(\w+) left the plot after step (\d+); the board still (?:ranks it|shows its loss)\.",
                            results)]
    assert said_left == left; claims += 1
    assert "…" not in results; claims += 1
    for o in p.optimizers:  # every racer is accounted for in the results
        assert re.search(rf"\b{re.escape(TITLES[o])}\b", results) or (n == 1 and ref["diverged"]), o; claims += 1

    # every beat's facts are what its caption states
    for beat in lesson.beats_of("results"):
        for fact in beat.facts.get("finished", []):
            assert f"{fact['step']} step" in beat.caption; claims += 1
            assert n == 1 or f"{fact['place']}. " in beat.caption; claims += 1
        for fact in beat.facts.get("running", []):
            assert fact["loss"] in beat.caption; claims += 1
        for fact in beat.facts.get("left_plot", []):
            assert f"left the plot after step {fact['step']}" in beat.caption; claims += 1
        for fact in beat.facts.get("dnf", []) + beat.facts.get("late_dnf", []):
            assert f"at step {fact['step']}" in beat.caption; claims += 1
    for beat in lesson.beats_of("finish_line"):
        if beat.facts.get("tolerance") is not None:
            assert sci(beat.facts["tolerance"], 6) in beat.caption; claims += 1
    for beat in lesson.beats_of("rates"):
        for source in ("tuned", "chosen", "default"):
            for who in beat.facts.get(source, []):
                assert who in beat.caption or beat.caption.startswith(("Each racer's", "Its learning")); claims += 1
    assert slow.facts["steps"] == said_first; claims += 1

    # the takeaway names the real winner, ties, nobody finishing, or everyone diverging
    take = lesson.takeaway
    best = ref["order"][0]
    if n == 1:
        if ref["done"]:
            assert f"in {ref['finished'][0]} step" in take and "reaches the finish line" in take; claims += 1
        elif ref["diverged"]:
            assert f"diverged on {where} at step {ref['diverged'][0]}" in take; claims += 1
        else:
            assert f"at loss {loss_shown(losses[0])}" in take and ("short of the finish line" in take) == (
                ref["target"] is not None); claims += 1
    elif ref["done"]:
        first_group = [i for i in ref["done"] if ref["finished"][i] == ref["finished"][best]]
        winners = [p.optimizers[i] for i in first_group]
        if len(winners) > 1:
            m = re.match(r"(.*) tie for first on (.*) with these rates, (\d+) steps? each\.", take)
            assert m and words_to_names(m.group(1)) == winners and int(m.group(3)) == ref["finished"][best]; claims += 1
        else:
            m = re.match(r"(\S+) wins on (.*) with these rates, finishing in (\d+) steps?\.", take)
            assert m and words_to_names(m.group(1)) == winners and int(m.group(3)) == ref["finished"][best]; claims += 1
        assert m.group(2) == where; claims += 1
        for i in first_group:
            assert (f"diverged later, at step {ref['diverged'].get(i)}" in take) == (i in ref["diverged"]); claims += 1
    elif ref["running"]:
        low = [p.optimizers[i] for i in ref["running"] if loss_shown(losses[i]) == loss_shown(losses[best])]
        m = re.match(r"(?:[^;]*; )?([^;]*?) (?:ends|end level) lowest", take)
        assert m and words_to_names(m.group(1)) == low; claims += 1
        assert f"(loss {loss_shown(losses[best])})" in take; claims += 1
        assert ("Nobody finishes" in take) == (ref["target"] is not None) and "wins on" not in take; claims += 1
    else:
        assert take.startswith(f"Every racer diverged on {where}") and len(ref["dnf"]) == n; claims += 1
    winners = [i for i in ref["done"] if ref["finished"][i] == ref["finished"][best]]
    says_diverged = (n == 1 and bool(ref["diverged"])) or len(ref["dnf"]) == n or \
        any(i in ref["diverged"] for i in winners)
    assert ("diverged" in take) == says_diverged; claims += 1

    # every caption fits two lines
    for beat in lesson.beats:
        assert fits(beat.caption); claims += 1
    assert claims >= 40, claims


def test_tuned_rates_are_not_claimed_without_tuning():
    """Old: 'Each has its own tuned learning rate α' on every landscape and for every rate."""
    bowl = " ".join(b.caption for b in plan(Params(landscape="bowl")).beats_of("rates"))
    assert "tuned for" not in bowl and "torch's default" in bowl
    chosen = " ".join(b.caption for b in plan(Params(optimizers=["gd", "adam"], lrs={"gd": 0.01})).beats_of("rates"))
    assert "Chosen for this race: GD." in chosen and "Tuned for Rosenbrock: Adam." in chosen
    eight = " ".join(b.caption for b in plan(Params(optimizers=EIGHT)).beats_of("rates"))
    assert "Torch's default, not tuned here: SGD and AdamW." in eight  # no tuned rate for them
    moved = " ".join(b.caption for b in plan(Params(start=(1.5, 2.5))).beats_of("rates"))
    assert "tuned for Rosenbrock from its default start (−1.2, 1)" in moved


def test_no_finish_line_without_a_known_minimum():
    """Old on the saddle: 'Finish line: a loss none: the loss has no known minimum' under the
    subtitle '... one finish line', then 'Nobody reaches the finish line in 300 steps.'"""
    lesson = plan(Params(landscape="saddle"))
    text = " ".join(lesson.cue_texts())
    assert "finish line" not in lesson.subtitle and "a loss none" not in text
    assert "Nobody reaches the finish line" not in text and "No finish line: the Saddle loss" in text
    assert lesson.runs.target is None and lesson.runs.board_note == "no known minimum: ranked by loss"


def test_one_racer_is_no_plural_race():
    """Old: 'one update rules, one start, ...' and 'One optimizers race ... all from the same start'."""
    lesson = plan(Params(optimizers=["adam"]))
    text = " ".join(lesson.cue_texts())
    assert "optimizers" not in text and "update rules" not in text and "all from the same start" not in text
    assert "wins" not in lesson.takeaway and lesson.takeaway.startswith("Adam reaches the finish line on Rosenbrock")


def test_one_step_is_singular():
    """Old: 'The first 1 steps, slowed down'."""
    lesson = plan(Params(steps=1))
    assert lesson.beats_of("first_steps")[0].caption.startswith("The race's only step, slowed down")
    assert "1 steps" not in " ".join(lesson.cue_texts())


def test_a_tie_shares_its_place():
    """Old on Beale: '1. momentum (265 steps), 2. Nesterov (265)' and 'Momentum wins'."""
    lesson = plan(Params(landscape="beale"))
    results = " ".join(b.caption for b in lesson.beats_of("results"))
    assert "1. momentum and Nesterov (265 steps each)" in results and "3. RMSprop" in results
    assert lesson.takeaway.startswith("Momentum and Nesterov tie for first on Beale")


def test_nobody_wins_without_finishing():
    """Old on Rastrigin: 'AdaGrad wins on Rastrigin with these rates' though nobody finished."""
    lesson = plan(Params(landscape="rastrigin"))
    assert "wins on" not in lesson.takeaway
    assert lesson.takeaway.startswith("Nobody finishes on Rastrigin in 150 steps; AdaGrad ends lowest")
    results = " ".join(b.caption for b in lesson.beats_of("results"))
    assert "3. Nesterov, momentum, Adam and GD (13 each)" in results  # equal to the digits shown: one place


def test_everyone_diverging_has_no_winner_and_no_race_left():
    """Old: 'Now the rest of the race, 600 steps in all' over three frozen DNFs."""
    lesson = plan(Params(optimizers=["gd", "momentum", "nesterov"],
                         lrs={"gd": 0.05, "momentum": 0.05, "nesterov": 0.05}))
    (rest,) = lesson.beats_of("rest")
    assert rest.caption == "Every racer diverged by step 3: nothing moves in the other 580 steps."
    assert lesson.takeaway.startswith("Every racer diverged on Rosenbrock")


def test_long_listings_are_split_not_cut():
    """Old: a listing too long for two lines was cut with '…', hiding racers."""
    lesson = plan(Params(optimizers=EIGHT, tolerance=1e-9))
    results = " ".join(b.caption for b in lesson.beats_of("results"))
    assert "…" not in results and len(lesson.beats_of("results")) >= 2
    assert [int(k) for k in re.findall(r"(\d+)\. ", results)] == list(range(1, 9))


def test_a_racer_that_finished_then_diverged():
    """Not said before: a finisher that later blew up (it still ranks as finished), and
    'diverged runs last' is not said when the only diverged run is a finisher."""
    lesson = plan(Params(landscape="six_hump_camel", optimizers=["momentum", "gd", "adam"],
                         lrs={"momentum": 0.14, "gd": 0.14}))
    text = " ".join(lesson.cue_texts())
    assert "After finishing, momentum diverged at step 11." in text
    assert "Momentum diverged later, at step 11." in lesson.takeaway and "diverged runs last" not in text


def test_a_trail_that_leaves_the_plot_is_explained():
    """Not said before: on the saddle RMSprop's trail stops at the plot's edge at step 53 while
    the board keeps ranking its falling loss."""
    text = " ".join(plan(Params(landscape="saddle")).cue_texts())
    assert "RMSprop left the plot after step 53; the board still ranks it." in text


def test_large_losses_are_written_out():
    """Old: '2. AdaGrad (4.1e+02)' ('%.2g' of 410)."""
    lesson = plan(Params(landscape="goldstein_price", optimizers=["adagrad", "adam"]))
    results = " ".join(b.caption for b in lesson.beats_of("results"))
    assert "e+" not in results and "1. AdaGrad (410), 2. Adam (445)" in results


@pytest.mark.parametrize("values, match", [
    ({"landscape": "rosenbrok"}, "did you mean 'rosenbrock'"),
    ({"optimizers": ["gd", "adma"]}, "did you mean 'adam'"),
    ({"optimizers": []}, "optimizers must list 1 to 8"),
    ({"optimizers": ["gd", "gd"]}, "must not repeat"),
    ({"lrs": {"rmsprop": 0.1}, "optimizers": ["gd", "adam"]}, "not among the optimizers"),
    ({"lrs": {"gd": -0.1}}, "lrs.gd must be in"),
    ({"lrs": {"gd": float("nan")}}, "lrs.gd must be a finite number"),
    ({"start": (9.0, 9.0)}, "outside the rosenbrock plot"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to 5000"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"tolerance": 0.0}, "tolerance must be in"),
    ({"tolerance": 100.0}, "already holds at the start"),
    ({"first_steps": 0}, "first_steps"),
    ({"race_seconds": 0.0}, "race_seconds"),
    ({"hold_seconds": 1e6}, "hold_seconds"),
])
def test_bad_params_are_refused_with_the_fix(values, match):
    with pytest.raises(ValueError, match=match):
        Params(**values)


def test_rank_rules():
    """The board's ranking rule on a hand-made table (the plan and the board share it)."""
    from gdanim.lessons.optimizer_race import NOT_YET, finish_steps, rank

    nan = np.nan
    # finished by step, then running by loss (nan last), then DNF (longest lasting first)
    order = rank([5.0, 0.1, nan, 3.0, 9.0, 1.0], [NOT_YET, 40, NOT_YET, NOT_YET, NOT_YET, 12],
                 [NOT_YET, NOT_YET, NOT_YET, 7, 20, NOT_YET])
    assert order.tolist() == [5, 1, 0, 2, 4, 3]
    assert rank([1.0, 1.0, 0.5], [NOT_YET] * 3, [NOT_YET] * 3).tolist() == [2, 0, 1]  # ties keep input order
    assert finish_steps(np.array([[3.0, 0.5, 0.1], [3.0, 2.0, 1.0]]), 0.5).tolist() == [1, NOT_YET]


def test_loss_curve_caps_a_diverged_run_only():
    from gdanim.lessons.optimizer_race import curve_losses

    traj = plan(Params(optimizers=["gd", "adam", "rmsprop"], lrs={"gd": 0.01})).runs.traj
    capped = curve_losses(traj)
    ceiling = 100 * traj.losses[:, 0].max()
    assert traj.losses[0, -1] > 1e30 and capped[0, -1] == pytest.approx(ceiling)
    np.testing.assert_array_equal(capped[1:], traj.losses[1:])


def test_plan_imports_no_manim():
    import subprocess
    import sys

    code = "import gdanim.lessons.optimizer_race, sys; assert 'manim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
