"""Batch vs stochastic gradient descent on linear regression: the data with each method's
fitted line beside the (w, b) loss contours, and what each step costs in sample gradients.

The lesson (every sentence, the runs, their labels) is gdanim.lessons.batch_vs_stochastic.plan;
this module only draws it.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, MathTex, Text, VGroup, linear

from gdanim.landscapes import Landscape
from gdanim.lessons.batch_vs_stochastic import Params, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.lesson import LessonScene
from gdanim.visual.regression_plot import FitLegend, RegressionPlot
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import landscape_name, signed

# Method -> colour, whatever the update rule: full batch and SGD wear GD's and SGD's colours
# (vermillion, grey); mini-batch takes the theme's yellow, which stands out on the blue contours.
COLORS = {"full": optimizer_color("gd"), "mini": THEME.role_colors["lr"], "sgd": optimizer_color("sgd")}
PANEL = 4.3  # height of the data plot and side of the contour map, between heading and captions
DATA_CENTER = np.array([-4.5, 0.05, 0.0])
MAP_CENTER = np.array([0.85, 0.05, 0.0])
LEGEND_LEFT = 3.75  # x of the legend column's left edge


class BatchVsStochastic(LessonScene):
    """Full-batch GD vs SGD vs mini-batch on linear regression: fitted lines, paths and costs."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        land, methods = runs.land, runs.methods
        step = self.step_tracker

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "data":
                heading = self.heading(land)
                plot = RegressionPlot(land, width=PANEL, height=PANEL).move_to(DATA_CENTER)
                self.play(FadeIn(heading), FadeIn(plot), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "loss_map":
                stage, axis_labels, ring, best = self.loss_map(land, plot, p.start)
                self.play(FadeIn(stage), FadeIn(axis_labels), FadeIn(best), FadeIn(ring), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "methods":
                lines = [plot.add_fit(m.traj, 0, step, color=COLORS[m.key]) for m in methods]
                # a diverged run's trail ends where it leaves the map (marked), not along the edges
                tracers = [TrajectoryTracer(stage, m.traj, 0, step, color=COLORS[m.key], radius=0.07,
                                            trail_width=3.0, stop_at_exit=m.diverged) for m in methods]
                legend = FitLegend([(m.label, COLORS[m.key], m.traj, 0) for m in methods], step)
                legend.align_to(stage, UP).set_x(LEGEND_LEFT + legend.width / 2)
                self.add(*lines)
                self.add_tracers(*tracers)
                self.play(FadeIn(legend), run_time=0.6)
                self.add(legend)
                self.say(beat.caption)
            elif beat.kind == "full_batch":
                self.say(beat.caption)
                for k in range(1, runs.slow + 1):
                    self.play(step.animate.set_value(k), run_time=p.first_step_seconds, rate_func=linear)
            elif beat.kind == "stochastic":
                self.say(beat.caption)
                if runs.steps > runs.slow:
                    self.play(step.animate.set_value(runs.steps),
                              run_time=(runs.steps - runs.slow) * p.seconds_per_step, rate_func=linear)
                self.wait(p.hold_seconds)
            else:  # note, diverged, results, budget, settle: the picture holds the finished runs
                self.say(beat.caption)
        self.show_takeaway(lesson.takeaway)

    def heading(self, land: Landscape) -> VGroup:
        name = Text(landscape_name(land), font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(w, b) = " + land.latex, font_size=32, color=THEME.text)
        return VGroup(name, formula).arrange(RIGHT, buff=0.4).to_edge(UP, buff=0.25)

    def loss_map(self, land: Landscape, plot: RegressionPlot, start):
        """The (w, b) contour map with its axis labels, a ring at the start, the best-fit line."""
        map_ = ContourMap(land, width=PANEL, height=PANEL).move_to(MAP_CENTER)
        (w0, w1), (b0, b1) = land.domain
        corner = map_.frame.get_corner(DOWN + LEFT)
        small = {"font": THEME.font, "font_size": 20, "color": THEME.muted}
        labels = VGroup(
            Text("w (slope)", **small).next_to(map_.frame, DOWN, buff=0.1),
            Text(signed(w0), **small).next_to(corner, DOWN, buff=0.1),
            Text(signed(w1), **small).next_to(map_.frame.get_corner(DOWN + RIGHT), DOWN, buff=0.1),
            Text("b", **small).next_to(map_.frame, LEFT, buff=0.12),
            Text(signed(b0), **small).next_to(corner, LEFT, buff=0.12),
            Text(signed(b1), **small).next_to(map_.frame.get_corner(UP + LEFT), LEFT, buff=0.12),
        )
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(map_.to_scene(start)[0])
        w_star, b_star = land.minima[0]
        best = plot.static_line(w_star, b_star, color=THEME.muted)
        return map_, labels, ring, best
