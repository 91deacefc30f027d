"""Gradient descent on a 3D loss surface: the ball follows the engine's trajectory (seed 001)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DEGREES, DL, UP, UR, FadeIn, MathTex, linear

from gdanim.config import param
from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.visual import HUD, THEME, LessonScene, LossSurface, TrajectoryTracer, optimizer_color
from gdanim.visual.arrows import StepArrow
from gdanim.visual.equation import EquationCard
from gdanim.visual.hud import STOP_PHRASES


@dataclass
class Params:
    landscape: str = param("valley", "loss surface to descend (see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule (gd, momentum, nesterov, adagrad, rmsprop, adam, ...)")
    lr: float = param(0.085, "learning rate")
    start: tuple[float, float] = param((-2.2, 1.2), "starting point (x, y)")
    steps: int = param(60, "maximum number of steps")
    tol_grad: float = param(1e-2, "stop when the gradient norm falls below this")
    seconds_per_step: float = param(0.35, "animation time per optimizer step")
    first_steps: int = param(3, "steps shown slowly, one beat each, before the run speeds up")
    camera_phi: float = param(52.0, "camera polar angle in degrees (0 = top view)")
    camera_theta: float = param(-55.0, "camera azimuth in degrees")
    orbit_degrees: float = param(70.0, "how far the camera swings round while the landscape is introduced")
    orbit_seconds: float = param(5.0, "duration of that swing; the descent itself plays with a still camera")
    surface_shift: tuple[float, float, float] = param((1.4, 0.0, -1.2), "where the surface sits (scene x, y, z)")
    surface_width: float = param(5.6, "surface width in scene units")
    surface_resolution: int = param(24, "surface faces per side (render time grows with its square)")


class GradientDescent3D(LessonScene):
    """Gradient descent on a 3D surface: a ball steps against the gradient, HUD alongside."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape)
        traj = simulate(land, p.optimizer, p.start, p.steps, lr=p.lr, tol_grad=p.tol_grad)
        stop = int(traj.stop_step[0])

        self.show_title("Gradient descent", "feel the slope, step downhill, repeat")
        theta = p.camera_theta * DEGREES
        self.set_camera_orientation(phi=p.camera_phi * DEGREES, theta=theta - p.orbit_degrees * DEGREES)
        surface = LossSurface(land, resolution=p.surface_resolution, width=p.surface_width)
        surface.shift(p.surface_shift)
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=34, color=THEME.text).to_corner(UR, buff=0.4)
        self.add_fixed_in_frame_mobjects(formula)
        self.play(FadeIn(surface), FadeIn(formula), run_time=1.0)
        self.say(f"The {land.name} loss as a landscape: height is the loss, lower is better.")
        # The swing shows the shape in 3D; afterwards the camera holds still, so Cairo draws
        # the surface once as a static background instead of re-sorting 576 faces a frame.
        if p.orbit_degrees:
            self.move_camera(theta=theta, run_time=p.orbit_seconds)

        step = self.step_tracker
        equation = EquationCard.for_optimizer(p.optimizer, title=f"{p.optimizer}, α = {p.lr:g}")
        equation.to_corner(DL, buff=0.35).shift(1.1 * UP)
        hud = HUD(traj, 0, step, title=f"{p.optimizer}  lr={p.lr:g}")
        self.add_fixed_in_frame_mobjects(equation)
        self.add_overlay(hud)
        self.add_tracers(TrajectoryTracer(surface, traj, 0, step, color=optimizer_color(p.optimizer)))
        arrow = StepArrow(surface, traj, 0, step, vector="gradient", color=THEME.role_colors["gradient"])
        self.add(arrow)
        self.say("The arrow is the step −α·∇L: downhill, scaled by the learning rate α.")
        self.wait(1.5)

        slow = min(p.first_steps, stop)
        for k in range(1, slow + 1):
            self.play(step.animate.set_value(k), run_time=1.0, rate_func=linear)
            self.wait(0.3)
        if stop > slow:
            self.say("Each step uses only the local slope. Watch it zig-zag across the narrow valley.")
            self.play(step.animate.set_value(stop), run_time=(stop - slow) * p.seconds_per_step, rate_func=linear)
        self.say(f"After {stop} steps: {STOP_PHRASES[str(traj.stop_reason[0])]} "
                 f"(loss {traj.losses[0, stop]:.2g}, gradient norm {np.linalg.norm(traj.gradients[0, stop]):.2g}).")
        self.wait(2.0)
        self.show_takeaway("Gradient descent repeats one move: a small step against the gradient. "
                           "The learning rate sets how small.")

