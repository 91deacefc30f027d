"""Gradient descent on a 3D loss surface: a ball follows the engine's trajectory, HUD beside it."""

from __future__ import annotations

from dataclasses import dataclass

from manim import DEGREES, DOWN, RIGHT, UP, MathTex, Text, ValueTracker, VGroup, linear

from gdanim.config import param
from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.visual import HUD, THEME, LessonScene, LossSurface, TrajectoryTracer, optimizer_color


@dataclass
class Params:
    landscape: str = param("valley", "loss surface to descend (see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule (gd, momentum, nesterov, adagrad, rmsprop, adam, ...)")
    lr: float = param(0.085, "learning rate")
    start: tuple[float, float] = param((-2.2, 1.2), "starting point (x, y)")
    steps: int = param(60, "maximum number of steps")
    tol_grad: float = param(1e-2, "stop when the gradient norm falls below this")
    seconds_per_step: float = param(0.3, "animation time per optimizer step")
    hold: float = param(2.0, "seconds to hold the final frame")
    camera_phi: float = param(52.0, "camera polar angle in degrees (0 = top view)")
    camera_theta: float = param(-55.0, "camera azimuth in degrees")
    orbit_rate: float = param(0.08, "camera orbit speed in radians per second (0 = still)")
    surface_shift: tuple[float, float, float] = param((1.2, 0.0, -1.6), "where the surface sits (scene x, y, z)")
    surface_resolution: int = param(24, "surface faces per side (render time grows with its square)")


class GradientDescent3D(LessonScene):
    """Gradient descent on a 3D surface with a live HUD (seed 001's demo)."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape)
        traj = simulate(land, p.optimizer, p.start, p.steps, lr=p.lr, tol_grad=p.tol_grad)
        color = optimizer_color(p.optimizer)

        self.set_camera_orientation(phi=p.camera_phi * DEGREES, theta=p.camera_theta * DEGREES)
        surface = LossSurface(land, resolution=p.surface_resolution).shift(p.surface_shift)
        self.add(surface)  # static mobjects first: manim re-renders only what follows a mover

        title = Text(f"{p.optimizer.upper()} on the {land.name}", font=THEME.font,
                     font_size=THEME.title_size * 0.8, color=THEME.text).to_edge(UP, buff=0.3)
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        formula.next_to(title, DOWN, buff=0.15)
        self.add_fixed_in_frame_mobjects(VGroup(title, formula))

        step = ValueTracker(0)
        hud = HUD(traj, 0, step, title=f"{p.optimizer}  lr={p.lr:g}")
        self.add_overlay(hud)
        self.add_tracers(TrajectoryTracer(surface, traj, 0, step, color=color))

        if p.orbit_rate:
            self.begin_ambient_camera_rotation(rate=p.orbit_rate)
        stop = int(traj.stop_step[0])
        self.play(step.animate.set_value(stop), run_time=max(stop, 1) * p.seconds_per_step, rate_func=linear)
        self.wait(p.hold)
