"""Gradient descent on a 3D loss surface: the ball follows the engine's trajectory (seed 001).

The lesson (every sentence, the run, its labels) is gdanim.lessons.gradient_descent_3d.plan;
this module only draws it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import (DEGREES, DL, LEFT, PURE_YELLOW, UP, UR, AnimationGroup, FadeIn, LaggedStart, MathTex, Succession,
                   Wait, linear, there_and_back)

from gdanim.lessons.gradient_descent_3d import Params, plan
from gdanim.visual import HUD, THEME, LessonScene, LossSurface, TrajectoryTracer, hud_rows, optimizer_color
from gdanim.visual.arrows import StepArrow
from gdanim.visual.emphasis import Pulse
from gdanim.visual.equation import EquationCard
from gdanim.wording import GRAD_NORM

STEP_PACE = 0.5  # a step's share of the descent grows as (its length on screen) ** STEP_PACE
TRACE_SECONDS = 1.5  # the path lights up this long at the end of the descent, as its shape is read


def step_weights(tracer: TrajectoryTracer) -> np.ndarray:
    """Per step, its share of the descent's time: the square root of its length in the scene, so the
    ball still slows near the minimum but sub-pixel steps do not hold the picture still for seconds."""
    segments = np.nan_to_num(np.linalg.norm(np.diff(tracer.path, axis=0), axis=1), nan=0.0, posinf=0.0)
    return segments.reshape(-1, tracer.SUBSTEPS).sum(axis=1) ** STEP_PACE + 1e-9


def progress(weights: np.ndarray) -> np.ndarray:
    """Share of the time used up after 0, 1, ..., n steps of the given weights."""
    return np.concatenate([[0.0], np.cumsum(weights)]) / np.sum(weights)


def paced(weights: np.ndarray) -> Callable[[float], float]:
    """A rate function over len(weights) steps that spends on each step its share of the weights."""
    done = progress(weights)
    return lambda t: float(np.interp(t, done, np.linspace(0.0, 1.0, len(done))))


def descent_stops(weights: np.ndarray, seconds: list[float]) -> np.ndarray:
    """The step (counted from the first of ``weights``) each descent beat ends on: the beats share
    the paced descent in proportion to their reading times, so a second caption does not sit
    under a run that already ended."""
    read = np.cumsum(seconds)[:-1] / np.sum(seconds)
    done = progress(weights)
    return np.append(np.rint(np.interp(read, done, np.arange(len(done)))).astype(int), len(weights))


def hud_row(hud: HUD, label: str):
    """The HUD slot showing row ``label`` (after the panel and the title, if any)."""
    labels = [name for name, _ in hud_rows(hud.traj, hud.run, 0)]
    return hud.slots[1 + (hud.title is not None) + labels.index(label)]


def result_pulses(hud: HUD, ball) -> list:
    """What the result caption quotes, in its order: the step count, the status (and the ball
    that stopped), the loss, the gradient norm."""
    def row(label):  # Indicate's look, grown from the row's left edge: from its centre it leaves the panel
        return hud_row(hud, label).animate(rate_func=there_and_back).scale(1.2, about_edge=LEFT).set_color(PURE_YELLOW)
    return [row("step"), AnimationGroup(row("status"), Pulse(ball, scale_factor=1.8)), row("loss"), row(GRAD_NORM)]


class GradientDescent3D(LessonScene):
    """Gradient descent on a 3D surface: a ball steps against the gradient, HUD alongside."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        run = lesson.runs
        traj, land = run.traj, run.traj.landscape
        step = self.step_tracker
        descents = [beat.caption for beat in lesson.beats if beat.kind == "descent"]

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "intro":
                theta = p.camera_theta * DEGREES
                self.set_camera_orientation(phi=p.camera_phi * DEGREES, theta=theta - p.orbit_degrees * DEGREES)
                surface = LossSurface(land, resolution=p.surface_resolution, width=p.surface_width)
                surface.shift(p.surface_shift)
                formula = MathTex(r"L(x, y) = " + land.latex, font_size=34, color=THEME.text)
                self.add_fixed_in_frame_mobjects(formula.to_corner(UR, buff=0.4))
                # linear: a smooth fade's first frames barely differ from the empty picture
                self.play(FadeIn(surface), FadeIn(formula), run_time=1.0, rate_func=linear)
                with self.beat(beat.caption) as clock:
                    # The swing shows the shape in 3D while the caption is read; afterwards the camera
                    # holds still, so Cairo draws the surface once instead of re-sorting its faces.
                    if p.orbit_degrees:
                        self.move_camera(theta=theta, run_time=max(p.orbit_seconds, clock.remaining))
            elif beat.kind == "arrow":
                equation = EquationCard.for_optimizer(p.optimizer, title=run.label)
                equation.to_corner(DL, buff=0.35).shift(1.1 * UP)
                self.add_fixed_in_frame_mobjects(equation)
                hud = HUD(traj, 0, step)  # the update-rule card above carries the label
                self.add_overlay(hud)
                tracer = TrajectoryTracer(surface, traj, 0, step, color=optimizer_color(p.optimizer))
                self.add_tracers(tracer)
                arrow = StepArrow(surface, traj, 0, step, vector=run.arrow, color=THEME.role_colors["gradient"])
                self.add(arrow)
                weights = step_weights(tracer)[run.slow: run.shown]
                stops = iter(run.slow + descent_stops(weights, [self._reading_seconds(c) for c in descents]))
                with self.beat(beat.caption) as clock:
                    # the arrow named first, then the slow steps it takes, spread over the reading time
                    self.play(Pulse(arrow, scale_factor=1.4), run_time=1.0)
                    for k in range(1, run.slow + 1):
                        seconds = max(1.0, clock.remaining / (run.slow - k + 1))
                        self.play(step.animate.set_value(k), run_time=seconds, rate_func=linear)
            elif beat.kind == "descent":
                with self.beat(beat.caption) as clock:
                    start, end = int(step.get_value() + 1e-9), int(next(stops))
                    self.descend(start, end, weights[start - run.slow: end - run.slow], clock,
                                 trail=tracer.trail if end == run.shown else None)
            else:  # result: the numbers it quotes, pulsed in the HUD (and the ball) as they are read
                with self.beat(beat.caption) as clock:
                    self.play(LaggedStart(*result_pulses(hud, tracer.ball), lag_ratio=0.5),
                              run_time=max(clock.remaining, 1.0))
                    self.add(hud)  # manim took the HUD apart to pulse its rows: whole again, it keeps updating
        self.show_takeaway(lesson.takeaway)

    def descend(self, start: int, end: int, weights: np.ndarray, clock, trail=None) -> None:
        """Steps ``start`` to ``end``, paced by ``weights``, over the reading time (or seconds_per_step
        each, if longer); a given ``trail`` lights up at the end, as the caption reaches its shape."""
        if end <= start:
            return
        seconds = max((end - start) * self.params.seconds_per_step, clock.remaining)
        moves = [self.step_tracker.animate(rate_func=paced(weights), run_time=seconds).set_value(end)]
        if trail is not None:
            # updating on, so the trail keeps growing behind the ball while it flashes
            flash = Pulse(trail, scale_factor=1.0, color=THEME.text, run_time=min(TRACE_SECONDS, seconds / 2),
                          suspend_mobject_updating=False)
            moves.append(Succession(Wait(seconds - flash.run_time), flash))
        self.play(*moves)
