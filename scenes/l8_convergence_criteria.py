"""When to stop: the gradient-norm, loss-change and step-budget rules, live against their
tolerances, for runs that each stop for a different reason (seed 000, convergence criteria).

Thin: gdanim.lessons.convergence_criteria.plan decides every sentence from one engine call;
this scene draws the map, the panel and the tracers, and plays the step tracker to each stop
event before its captions.
"""

from __future__ import annotations

import numpy as np
from manim import UP, Circle, FadeIn, MathTex, Text, VGroup, linear

from gdanim.landscapes import Landscape
from gdanim.lessons.convergence_criteria import Params, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.criteria_panel import CriteriaPanel
from gdanim.visual.lesson import LessonScene
from gdanim.visual.theme import THEME
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import landscape_name

MAP_CENTER = np.array([-4.3, 0.2, 0.0])
MAP_SIZE = 5.1  # the longer side of the map; the heading sits above it, the captions below
PANEL_RIGHT = 6.85  # x of the panel's right edge


class ConvergenceCriteria(LessonScene):
    """When to stop: gradient norm, loss change and step budget against their tolerances, live."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        traj = runs.traj
        colors = list(THEME.run_colors[: traj.n_runs])
        step = self.step_tracker
        shown, last_event = 0, None

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "intro":
                stage, heading, ring = self.stage(traj.landscape)
                self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "rules":
                panel = CriteriaPanel(traj, range(traj.n_runs), step, list(runs.labels), colors)
                panel.align_to(stage, UP).shift((PANEL_RIGHT - panel.get_right()[0]) * np.array([1.0, 0.0, 0.0]))
                # slowest runs drawn last, on top: same start, so their trails overlap the faster ones'
                order = sorted(range(traj.n_runs), key=lambda i: -p.lrs[i])
                # only a diverged run gets the burst; one that merely leaves the plot stops at its edge
                tracers = [TrajectoryTracer(stage, traj, i, step, color=colors[i], radius=0.07, trail_width=3.0,
                                            stop_at_exit=True, divergence_marker=runs.diverged[i])
                           for i in order]
                self.add_overlay(panel)
                self.add_tracers(*tracers)
                self.play(FadeIn(panel), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "stop":
                k = beat.facts["step"]
                if k > shown:
                    self.play(step.animate.set_value(k), run_time=self.segment_seconds(shown, k), rate_func=linear)
                    shown = k
                if k != last_event:  # a pause on the panel as runs stop, before their first caption
                    self.wait(p.hold_seconds)
                    last_event = k
                self.say(beat.caption)
            else:  # panel, left_plot, summary: said over the picture as it stands
                self.say(beat.caption)
        self.show_takeaway(lesson.takeaway)

    def segment_seconds(self, k0: int, k1: int) -> float:
        p = self.params
        return min(p.segment_seconds, max(k1 - k0, 1) * p.seconds_per_step)

    def stage(self, land: Landscape) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left, the landscape's name and formula above, a start ring."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = MAP_SIZE if aspect <= 1 else MAP_SIZE / aspect
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(landscape_name(land), font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        heading = VGroup(name, formula).arrange(buff=0.4)
        if heading.width > 13.4:
            heading.scale_to_fit_width(13.4)
        heading.to_edge(UP, buff=0.25)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(
            stage.to_scene(self.params.start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring

