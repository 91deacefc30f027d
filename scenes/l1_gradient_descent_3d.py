"""Gradient descent on a 3D loss surface: the ball follows the engine's trajectory (seed 001).

The lesson (every sentence, the run, its labels) is gdanim.lessons.gradient_descent_3d.plan;
this module only draws it.
"""

from __future__ import annotations

from manim import DEGREES, DL, UP, UR, FadeIn, MathTex, linear

from gdanim.lessons.gradient_descent_3d import Params, plan
from gdanim.visual import HUD, THEME, LessonScene, LossSurface, TrajectoryTracer, optimizer_color
from gdanim.visual.arrows import StepArrow
from gdanim.visual.emphasis import Pulse
from gdanim.visual.equation import EquationCard

PULSE_SECONDS = 1.2  # one pulse of the thing a caption names


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

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "intro":
                theta = p.camera_theta * DEGREES
                self.set_camera_orientation(phi=p.camera_phi * DEGREES, theta=theta - p.orbit_degrees * DEGREES)
                surface = LossSurface(land, resolution=p.surface_resolution, width=p.surface_width)
                surface.shift(p.surface_shift)
                formula = MathTex(r"L(x, y) = " + land.latex, font_size=34, color=THEME.text)
                self.add_fixed_in_frame_mobjects(formula.to_corner(UR, buff=0.4))
                self.play(FadeIn(surface), FadeIn(formula), run_time=1.0)
                with self.beat(beat.caption) as clock:
                    # The swing shows the shape in 3D while the caption is read; afterwards the camera
                    # holds still, so Cairo draws the surface once instead of re-sorting its faces.
                    if p.orbit_degrees:
                        self.move_camera(theta=theta, run_time=max(p.orbit_seconds, clock.remaining))
            elif beat.kind == "arrow":
                equation = EquationCard.for_optimizer(p.optimizer, title=run.label)
                equation.to_corner(DL, buff=0.35).shift(1.1 * UP)
                self.add_fixed_in_frame_mobjects(equation)
                self.add_overlay(HUD(traj, 0, step))  # the update-rule card above carries the label
                tracer = TrajectoryTracer(surface, traj, 0, step, color=optimizer_color(p.optimizer))
                self.add_tracers(tracer)
                arrow = StepArrow(surface, traj, 0, step, vector=run.arrow, color=THEME.role_colors["gradient"])
                self.add(arrow)
                with self.beat(beat.caption) as clock:
                    # the arrow named first, then the slow steps it takes, spread over the reading time
                    self.play(Pulse(arrow, scale_factor=1.4), run_time=1.0)
                    for k in range(1, run.slow + 1):
                        seconds = max(1.0, clock.remaining / (run.slow - k + 1))
                        self.play(step.animate.set_value(k), run_time=seconds, rate_func=linear)
            elif beat.kind == "descent":
                with self.beat(beat.caption) as clock:
                    start = step.get_value()
                    if run.shown > start:
                        self.play(step.animate.set_value(run.shown), rate_func=linear,
                                  run_time=max((run.shown - start) * p.seconds_per_step, clock.remaining))
            else:  # result: the ball where the run ended, pulsing (about once a second) while its numbers are read
                with self.beat(beat.caption) as clock:
                    for left in range(max(round(clock.remaining / PULSE_SECONDS), 1), 0, -1):
                        self.play(Pulse(tracer.ball, scale_factor=1.8), run_time=max(clock.remaining / left, 0.5))
        self.show_takeaway(lesson.takeaway)
