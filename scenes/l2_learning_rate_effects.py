"""Learning rate effects (seed 002): one start, several learning rates, one panel each.

The lesson (every sentence, label and number) is gdanim.lessons.learning_rate_effects.plan;
this module only draws it: a contour panel per rate, the runs traced on them, their losses
below, and a frame with the run's label as its verdict is told.
"""

from __future__ import annotations

import dataclasses

from manim import (DOWN, RIGHT, UP, Circle, Create, FadeIn, LineJointType, MathTex, SurroundingRectangle, Text,
                   VGroup, linear)

from gdanim.engine import Trajectory
from gdanim.landscapes import Landscape
from gdanim.lessons.learning_rate_effects import Params, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.lesson import LessonScene
from gdanim.visual.loss_curve import LossCurve
from gdanim.visual.theme import OKABE_ITO, THEME
from gdanim.visual.tracer import TrajectoryTracer

# One colour a run, small to large learning rate; none is vermillion, the diverged colour of
# the divergence marker, so the burst stands out from every trail.
RUN_COLORS = [OKABE_ITO[name] for name in ("sky_blue", "bluish_green", "yellow", "reddish_purple", "orange")]
ROW_WIDTH = 13.4  # the panels' row spans the frame less a margin
PANEL_GAP = 0.35
PANEL_HEIGHT = 2.2  # at most; the loss curve below and the captions need the rest
PANEL_TOP = 2.55


def panel_size(land: Landscape, n: int) -> tuple[float, float]:
    """(width, height) of each of ``n`` panels in a row, keeping the domain's aspect."""
    (x0, x1), (y0, y1) = land.domain
    aspect = (y1 - y0) / (x1 - x0)
    width = min((ROW_WIDTH - (n - 1) * PANEL_GAP) / n, PANEL_HEIGHT / aspect)
    return width, width * aspect


class LearningRateEffects(LessonScene):
    """One start, a panel per learning rate, loss curves below; each run's verdict framed."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        traj, land = runs.traj, runs.traj.landscape
        colors = RUN_COLORS[: traj.n_runs]
        step = self.step_tracker

        self.show_title(lesson.title, lesson.subtitle)
        frame, framed = None, None
        for beat in lesson.beats:
            if beat.kind == "intro":
                heading = self.heading(land, runs.rule)
                panels, labels = self.panels(land, runs.rate_labels, colors)
                rings = VGroup(*[self.start_ring(panel, runs.start) for panel in panels])
                self.add(panels)
                self.play(FadeIn(heading), FadeIn(panels), FadeIn(labels), FadeIn(rings), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "slow_steps":
                curve = self.loss_curve(traj, colors, p.steps)
                tracers = [TrajectoryTracer(panel, traj, i, step, color=c, radius=0.06, trail_width=2.5,
                                            stop_at_exit=True)
                           for i, (panel, c) in enumerate(zip(panels, colors))]
                for tracer in tracers:
                    tracer.trail.joint_type = LineJointType.ROUND  # a zig-zag's sharp corners would spike
                    tracer.update(0)  # trail from its step-0 state, not the first substep it was built with
                self.add(*tracers)
                self.say(beat.caption)
                self.play(FadeIn(curve), run_time=0.6)
                self.play(step.animate.set_value(beat.facts["to_step"]), run_time=p.first_seconds, rate_func=linear)
            elif beat.kind == "rest_steps":
                self.say(beat.caption)
                self.play(step.animate.set_value(beat.facts["to_step"]), run_time=p.rest_seconds, rate_func=linear)
            elif beat.kind == "verdict" and beat.facts["run"] != framed:
                framed = i = beat.facts["run"]
                tag = Text(runs.labels[i], font=THEME.font, font_size=20, color=THEME.status_colors[runs.statuses[i]])
                if tag.width > panels[i].width:
                    tag.scale_to_fit_width(panels[i].width)
                tag.next_to(panels[i], DOWN, buff=0.2)
                box = SurroundingRectangle(VGroup(panels[i], labels[i], tag), color=colors[i], buff=0.06,
                                           stroke_width=3)
                self.say(beat.caption)
                if frame is None:
                    frame = box
                    self.play(Create(frame), FadeIn(tag), run_time=0.6)
                else:
                    self.play(frame.animate.become(box), FadeIn(tag), run_time=0.6)
            else:  # limit, or a verdict's second caption
                self.say(beat.caption)
        self.show_takeaway(lesson.takeaway)

    def heading(self, land: Landscape, rule: str) -> VGroup:
        """The loss formula and the update rule, α in the learning-rate colour."""
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        rule = MathTex(rule.replace("{{", "").replace("}}", ""), font_size=32, color=THEME.text,
                       substrings_to_isolate=[r"\alpha", r"\nabla L(\theta)"])
        rule.set_color_by_tex(r"\alpha", THEME.role_colors["lr"])
        rule.set_color_by_tex(r"\nabla L(\theta)", THEME.role_colors["gradient"])
        heading = VGroup(formula, rule).arrange(RIGHT, buff=1.0)
        if heading.width > ROW_WIDTH:
            heading.scale_to_fit_width(ROW_WIDTH)
        return heading.to_edge(UP, buff=0.25)

    def panels(self, land: Landscape, rate_labels, colors) -> tuple[VGroup, VGroup]:
        """A contour map per learning rate in a centred row, each titled with its α."""
        width, height = panel_size(land, len(rate_labels))
        panels = VGroup(*[ContourMap(land, width=width, height=height, levels=12, samples=120) for _ in rate_labels])
        panels.arrange(RIGHT, buff=PANEL_GAP).move_to([0, PANEL_TOP - height / 2, 0])
        labels = VGroup(*[Text(text, font=THEME.font, font_size=22, color=c).next_to(panel, UP, buff=0.1)
                          for text, c, panel in zip(rate_labels, colors, panels)])
        return panels, labels

    def start_ring(self, panel: ContourMap, start) -> Circle:
        return Circle(radius=0.1, stroke_color=THEME.text, stroke_width=2).move_to(panel.to_scene(start)[0])

    def loss_curve(self, traj: Trajectory, colors, steps: int) -> LossCurve:
        """All runs' losses against step on one axis, under the panels."""
        curve_theme = dataclasses.replace(THEME, hud_size=23)  # axis labels at font size 18
        curve = LossCurve(traj, range(traj.n_runs), self.step_tracker, colors, width=9.0, height=1.8,
                          max_step=steps, theme=curve_theme)
        return curve.move_to([0, -1.2, 0])
