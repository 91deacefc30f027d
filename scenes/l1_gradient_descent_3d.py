"""Gradient descent on a 3D loss surface: the ball follows the engine's trajectory (seed 001).

The lesson (every sentence, the run, its labels) is gdanim.lessons.gradient_descent_3d.plan;
this module only draws it.
"""

from __future__ import annotations

from manim import DEGREES, DL, UP, UR, FadeIn, MathTex, linear

from gdanim.lessons.gradient_descent_3d import Params, plan
from gdanim.visual import HUD, THEME, LessonScene, LossSurface, TrajectoryTracer, optimizer_color
from gdanim.visual.arrows import StepArrow
from gdanim.visual.equation import EquationCard


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
                self.say(beat.caption)
                # The swing shows the shape in 3D; afterwards the camera holds still, so Cairo
                # draws the surface once as a static background instead of re-sorting its faces.
                if p.orbit_degrees:
                    self.move_camera(theta=theta, run_time=p.orbit_seconds)
            elif beat.kind == "arrow":
                equation = EquationCard.for_optimizer(p.optimizer, title=run.label)
                equation.to_corner(DL, buff=0.35).shift(1.1 * UP)
                self.add_fixed_in_frame_mobjects(equation)
                self.add_overlay(HUD(traj, 0, step))  # the update-rule card above carries the label
                self.add_tracers(TrajectoryTracer(surface, traj, 0, step, color=optimizer_color(p.optimizer)))
                self.add(StepArrow(surface, traj, 0, step, vector=run.arrow, color=THEME.role_colors["gradient"]))
                self.say(beat.caption)
                self.wait(1.5)
                for k in range(1, run.slow + 1):
                    self.play(step.animate.set_value(k), run_time=1.0, rate_func=linear)
                    self.wait(0.3)
            elif beat.kind == "descent":
                self.say(beat.caption)
                self.play(step.animate.set_value(run.shown), run_time=(run.shown - run.slow) * p.seconds_per_step,
                          rate_func=linear)
            else:  # result
                self.say(beat.caption)
                self.wait(2.0)
        self.show_takeaway(lesson.takeaway)
