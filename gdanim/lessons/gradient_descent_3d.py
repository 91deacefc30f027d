"""GradientDescent3D as data: one run on a 3D surface, its arrow, its path and why it stopped.

Every sentence is chosen from the engine's trajectory: the arrow is called -α∇L only for
plain GD (any other rule's arrow is its real step), a zig-zag is claimed only when steps
really turn back, and the ending states the engine's own stop reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import param
from gdanim.display import inside_domain, shown_steps
from gdanim.engine import Trajectory, simulate
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import GRAD_NORM, capitalized, count, optimizer_name, pack_captions, rate, sci, times

ZIGZAG_SHARE = 0.25  # "zig-zags" once a coordinate's step flips direction on this share of the steps
STOP_PHRASES = {"converged_grad": "converged: {norm} fell below {tol:g}",
                "converged_loss": "converged: the loss stopped changing",
                "diverged": "diverged: the steps blew up", "max_steps": "out of steps, not yet converged"}


@dataclass
class Params:
    landscape: str = param("valley", "loss surface to descend (see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule (gd, momentum, nesterov, adagrad, rmsprop, adam, ...)")
    lr: float = param(0.085, "learning rate")
    start: tuple[float, float] | None = param(None, "starting point (x, y); None = the landscape's "
                                                    "default start (valley: (2, 1))")
    steps: int = param(60, "maximum number of steps")
    tol_grad: float = param(1e-2, "stop when the gradient norm falls below this")
    seconds_per_step: float = param(0.35, "animation time per optimizer step, on average (long steps take longer)")
    first_steps: int = param(3, "steps shown slowly, one beat each, before the run speeds up")
    camera_phi: float = param(52.0, "camera polar angle in degrees (0 = top view)")
    camera_theta: float = param(-55.0, "camera azimuth in degrees")
    orbit_degrees: float = param(70.0, "how far the camera swings round while the landscape is introduced")
    orbit_seconds: float = param(5.0, "duration of that swing; the descent itself plays with a still camera")
    surface_shift: tuple[float, float, float] = param((1.4, 0.0, -1.2), "where the surface sits (scene x, y, z)")
    surface_width: float = param(5.6, "surface width in scene units")
    surface_resolution: int = param(24, "surface faces per side (render time grows with its square)")

    def __post_init__(self):
        land = checks.landscape(self.landscape)
        checks.optimizer(self.optimizer)
        checks.rate(self.lr)
        if self.start is not None:
            checks.start(land, self.start)
        checks.steps(self.steps)
        checks.number(self.tol_grad, "tol_grad", low=0.0, high=1e6)
        checks.seconds(self.seconds_per_step, "seconds_per_step", high=10.0)
        checks.video_seconds(self.steps * self.seconds_per_step, "steps × seconds_per_step",
                             "steps or seconds_per_step")
        checks.whole(self.first_steps, "first_steps", 0, 20)
        checks.number(self.camera_phi, "camera_phi", low=0.0, high=180.0)
        checks.number(self.camera_theta, "camera_theta", low=-360.0, high=360.0)
        checks.number(self.orbit_degrees, "orbit_degrees", low=-360.0, high=360.0)
        checks.seconds(self.orbit_seconds, "orbit_seconds", high=30.0)
        for i, v in enumerate(self.surface_shift):
            checks.number(v, f"surface_shift[{i}]", low=-10.0, high=10.0)
        checks.number(self.surface_width, "surface_width", low=0.5, high=14.0)
        checks.whole(self.surface_resolution, "surface_resolution", 4, 64)


@dataclass(frozen=True)
class Run:
    """What the scene draws: the trajectory, the last step drawn, and the labels."""

    traj: Trajectory
    shown: int  # last step drawn: the stop step, cut before the run leaves the plot
    slow: int  # steps played one by one under the arrow's beat
    label: str  # "Adam, α = 0.1" for the equation card and the HUD
    arrow: str  # StepArrow vector: "gradient" (GD's step is -α∇L) or "move" (the real step)


def run(p: Params) -> Trajectory:
    land = checks.landscape(p.landscape)
    start = land.default_start if p.start is None else p.start
    return simulate(land, p.optimizer, start, p.steps, lr=p.lr, tol_grad=p.tol_grad)


def direction_flips(positions: np.ndarray) -> np.ndarray:
    """Per coordinate (x, y): how often the step's sign flips against the step before."""
    moves = np.diff(positions, axis=0)
    return np.count_nonzero(moves[1:] * moves[:-1] < 0, axis=0)


def plan(p: Params) -> Lesson:
    traj = run(p)
    land = traj.landscape
    stop, reason = int(traj.stop_step[0]), str(traj.stop_reason[0])
    shown = int(shown_steps(traj)[0])
    slow = min(p.first_steps, shown)
    name = optimizer_name(p.optimizer)
    is_gd = p.optimizer == "gd"

    beats = [Beat("intro", "L(x, y) as a landscape: height is the loss, lower is better.",
                  {"landscape": land.name})]
    if is_gd:
        beats.append(Beat("arrow", "The arrow is the step −α·∇L: downhill, scaled by the learning rate α.",
                          {"vector": "gradient"}))
    else:
        beats.append(Beat("arrow", f"The arrow is {name}'s real step, built from the slope by its rule "
                                   f"and scaled by α.", {"vector": "move"}))
    if shown > slow:
        flips = direction_flips(traj.positions[0, : shown + 1])
        axis = int(np.argmax(flips))
        turns, steps = int(flips[axis]), shown
        facts = {"from_step": 0, "to_step": shown, "axis": "xy"[axis], "flips": turns, "moves": steps}
        if turns >= 2 and turns >= ZIGZAG_SHARE * (steps - 1):
            path = f"So it zig-zags: its {'xy'[axis]} step flips {times(turns)} in {steps} steps."
        elif turns == 0:
            path = f"In {steps} steps neither its x nor its y step flips direction."
        else:
            path = f"Its {'xy'[axis]} step flips direction {times(turns)} in {steps} steps."
        sentences = [f"Each step {OPTIMIZERS[p.optimizer].step_idea}.", path]
        beats += [Beat("descent", text, facts) for text in pack_captions(sentences)]
    facts = {"stop_step": stop, "stop_reason": reason, "shown": shown, "first_loss": float(traj.losses[0, 0]),
             "loss": float(traj.losses[0, stop]), "grad_norm": float(np.linalg.norm(traj.gradients[0, stop]))}
    beats += [Beat("result", text, facts) for text in pack_captions(result_sentences(traj, shown, p.tol_grad))]

    title, subtitle = (("Gradient descent", "feel the slope, step downhill, repeat") if is_gd else
                       (f"Descent with {name}", f"feel the slope, step by {name}'s rule, repeat"))
    if reason == "diverged":
        takeaway = (f"{'Gradient descent' if is_gd else capitalized(name)} repeats one move built from the slope. "
                    f"At {rate(p.lr)} the steps grew until the run diverged: the learning rate sets the scale.")
    elif is_gd:
        takeaway = ("Gradient descent repeats one move: a small step against the gradient. "
                    "The learning rate sets how small.")
    else:
        takeaway = f"{capitalized(name)} repeats one move: each step {OPTIMIZERS[p.optimizer].step_idea}, scaled by α."
    arrow = "gradient" if is_gd else "move"
    return Lesson(title, subtitle, tuple(beats), takeaway,
                  runs=Run(traj, shown, slow, f"{name}, {rate(p.lr)}", arrow))


def result_sentences(traj: Trajectory, shown: int, tol_grad: float) -> list[str]:
    """How the run ended, in the engine's words: its stop step and reason, loss and gradient
    norm there, and where it left the plot if it did."""
    stop, reason = int(traj.stop_step[0]), str(traj.stop_reason[0])
    norm = float(np.linalg.norm(traj.gradients[0, stop]))
    first, last = float(traj.losses[0, 0]), float(traj.losses[0, stop])
    what = STOP_PHRASES[reason].format(norm=GRAD_NORM, tol=tol_grad)
    numbers = f"loss {sci(first)} → {sci(last)}" if last > first else f"loss {sci(last)}"
    said = [f"After {count(stop, 'step')}: {what} ({numbers}, {GRAD_NORM} = {sci(norm)})."]
    if shown < stop and not inside_domain(traj.landscape, traj.positions[0, shown + 1]):
        said.append(f"It left the plot after step {shown}.")
    return said
