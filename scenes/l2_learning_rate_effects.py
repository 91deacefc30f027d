"""Learning rate effects (seed 002): one start, several learning rates, one panel each.

The lesson (every sentence, label and number) is gdanim.lessons.learning_rate_effects.plan;
this module only draws it: a contour panel per rate, the runs traced on them, their losses
below, and a frame with the run's label as its verdict is told.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (DOWN, RIGHT, UP, Circle, Circumscribe, Create, FadeIn, Flash, Indicate, LaggedStart, LineJointType,
                   MathTex, ShowPassingFlash, SurroundingRectangle, Text, VGroup, Wait, linear)

from gdanim.display import inside_domain
from gdanim.engine import Trajectory
from gdanim.landscapes import Landscape
from gdanim.lessons.learning_rate_effects import Params, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.lesson import LessonScene
from gdanim.visual.loss_curve import LossCurve
from gdanim.theme import THEME, ordered_run_colors
from gdanim.visual.tracer import TrajectoryTracer

ROW_WIDTH = 13.4  # the panels' row spans the frame less a margin
PANEL_GAP = 0.35
PANEL_HEIGHT = 2.2  # at most; the loss curve below and the captions need the rest
PANEL_TOP = 2.55
CAPTION_TOP = -2.7  # a two-line caption's panel reaches up to about here
MARGIN = 0.15  # between the verdict row and the loss plot, and between the plot and the captions


def panel_size(land: Landscape, n: int) -> tuple[float, float]:
    """(width, height) of each of ``n`` panels in a row, keeping the domain's aspect."""
    (x0, x1), (y0, y1) = land.domain
    aspect = (y1 - y0) / (x1 - x0)
    width = min((ROW_WIDTH - (n - 1) * PANEL_GAP) / n, PANEL_HEIGHT / aspect)
    return width, width * aspect


def contour_row(land: Landscape, rate_labels, colors) -> tuple[VGroup, VGroup]:
    """A contour map per learning rate in a centred row, each titled with its α."""
    width, height = panel_size(land, len(rate_labels))
    panels = VGroup(*[ContourMap(land, width=width, height=height, levels=12, samples=120) for _ in rate_labels])
    panels.arrange(RIGHT, buff=PANEL_GAP).move_to([0, PANEL_TOP - height / 2, 0])
    labels = VGroup(*[Text(text, font=THEME.font, font_size=22, color=c).next_to(panel, UP, buff=0.1)
                      for text, c, panel in zip(rate_labels, colors, panels)])
    return panels, labels


def verdict_row(panels, labels, verdicts, statuses, colors) -> tuple[VGroup, VGroup]:
    """(tags, boxes): each run's verdict under its panel, and the frame round panel, α and verdict
    drawn as it is told; built up front so the loss plot can be laid out below all of them."""
    tags, boxes = VGroup(), VGroup()
    for panel, label, verdict, status, color in zip(panels, labels, verdicts, statuses, colors):
        tag = Text(verdict, font=THEME.font, font_size=20, color=THEME.status_colors[status])
        if tag.width > panel.width:
            tag.scale_to_fit_width(panel.width)
        tags.add(tag.next_to(panel, DOWN, buff=0.2))
        boxes.add(SurroundingRectangle(VGroup(panel, label, tag), color=color, buff=0.06, stroke_width=3))
    return tags, boxes


def loss_curve(traj: Trajectory, colors, steps: int, step, below: VGroup) -> LossCurve:
    """All runs' losses against step on one axis, centred between ``below`` (the verdict row) and
    the caption band, a margin from each: the axes give up height rather than run into either."""
    curve_theme = dataclasses.replace(THEME, hud_size=23)  # axis labels at font size 18
    curve = LossCurve.between(below.get_bottom()[1] - MARGIN, CAPTION_TOP + MARGIN, traj, range(traj.n_runs),
                              step, colors, width=9.0, height=1.8, max_step=steps, theme=curve_theme)
    return curve.set_x(0)


class LearningRateEffects(LessonScene):
    """One start, a panel per learning rate, loss curves below; each run's verdict framed."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        traj, land = runs.traj, runs.traj.landscape
        colors = ordered_run_colors(runs.lrs)  # cool to warm, small to large α
        step = self.step_tracker

        self.show_title(lesson.title, lesson.subtitle)
        frame, framed = None, None
        for beat in lesson.beats:
            if beat.kind == "intro":
                heading = self.heading(land, runs.rule)
                panels, labels = contour_row(land, runs.rate_labels, colors)
                tags, boxes = verdict_row(panels, labels, runs.labels, runs.statuses, colors)
                rings = VGroup(*[self.start_ring(panel, runs.start) for panel in panels])
                self.add(panels)
                self.play(FadeIn(heading), FadeIn(panels), FadeIn(labels), FadeIn(rings), run_time=0.8)
                with self.beat(beat.caption) as clock:
                    # the common start pulses in every panel, then α in the rule and each panel's α
                    self.play(LaggedStart(*[Indicate(r, scale_factor=1.8, color=THEME.text) for r in rings],
                                          lag_ratio=0.15), run_time=1.2)
                    self.play(Indicate(self.alpha(heading), scale_factor=1.5), run_time=1.0)
                    self.play(LaggedStart(*[Indicate(label, scale_factor=1.3) for label in labels], lag_ratio=0.5),
                              run_time=max(clock.remaining, 1.0))
            elif beat.kind == "slow_steps":
                curve = loss_curve(traj, colors, p.steps, step, below=boxes)
                tracers = [TrajectoryTracer(panel, traj, i, step, color=c, radius=0.06, trail_width=2.5,
                                            stop_at_exit=True)
                           for i, (panel, c) in enumerate(zip(panels, colors))]
                for tracer in tracers:
                    tracer.trail.joint_type = LineJointType.ROUND  # a zig-zag's sharp corners would spike
                    tracer.update(0)  # trail from its step-0 state, not the first substep it was built with
                self.add(*tracers)
                with self.beat(beat.caption) as clock:
                    self.play(FadeIn(curve), run_time=0.6)
                    to_step = beat.facts["to_step"]
                    if to_step > 0:
                        self.play(step.animate.set_value(to_step), rate_func=linear,
                                  run_time=max(p.first_seconds, clock.remaining))
                    else:  # no run moves: the balls where they stay
                        self.play(LaggedStart(*[Indicate(t.ball, scale_factor=1.8) for t in tracers]),
                                  run_time=max(clock.remaining, 1.0))
            elif beat.kind == "rest_steps":
                with self.beat(beat.caption) as clock:
                    self.play(step.animate.set_value(beat.facts["to_step"]), rate_func=linear,
                              run_time=max(p.rest_seconds, clock.remaining))
            elif beat.kind == "verdict":
                i = beat.facts["run"]
                with self.beat(beat.caption) as clock:
                    if i != framed:  # the run's first caption: its panel framed, its label under it
                        framed = i
                        if frame is None:
                            frame = boxes[i].copy()
                            self.play(Create(frame), FadeIn(tags[i]), run_time=0.6)
                        else:
                            self.play(frame.animate.become(boxes[i]), FadeIn(tags[i]), run_time=0.6)
                        # the run retraced on its panel and its loss line swept, with the better rate named
                        witness = beat.facts.get("too_small_witness")
                        extra = [] if witness is None else [Indicate(labels[witness], scale_factor=1.3, run_time=1.2)]
                        self.play(*self.sweep(tracers[i], curve, i, max(clock.remaining - 1.0, 1.0)), *extra)
                    else:  # a further caption: the label it earned, then the loss line again
                        self.play(*self.sweep(None, curve, i, max(clock.remaining - 1.0, 1.0)),
                                  Indicate(tags[i], scale_factor=1.3, run_time=1.2))
                    self.play(self.end_flash(tracers[i], colors[i]), run_time=1.0)
            else:  # limit: the minimum in every panel, α in the rule, then each rate against the limit
                with self.beat(beat.caption) as clock:
                    minimum = beat.facts["minimum"]
                    if inside_domain(land, np.array([minimum]))[0]:
                        self.play(*[Flash(panel.to_scene(minimum)[0], color=THEME.text, flash_radius=0.15,
                                          line_length=0.15) for panel in panels], run_time=1.2)
                    self.play(Indicate(self.alpha(heading), scale_factor=1.5), run_time=1.0)
                    named = beat.facts.get("exception")
                    if named is not None:
                        self.play(Circumscribe(VGroup(panels[named], labels[named]), color=colors[named]),
                                  run_time=1.2)
                    self.play(LaggedStart(*[Indicate(label, scale_factor=1.3) for label in labels], lag_ratio=0.5),
                              run_time=max(clock.remaining, 1.0))
        self.show_takeaway(lesson.takeaway)

    def alpha(self, heading: VGroup) -> VGroup:
        """The learning rate α in the heading's update rule."""
        rule = heading[1]
        return VGroup(*[rule.id_to_vgroup_dict[i] for tex, i in rule.matched_strings_and_ids if tex == r"\alpha"])

    def sweep(self, tracer: TrajectoryTracer | None, curve: LossCurve, i: int, seconds: float) -> list:
        """Run ``i`` retraced: a light passing along its trail (when given) and its loss line."""
        paths = [curve.lines[i]] + ([tracer.trail] if tracer is not None else [])
        flashes = []
        for path in paths:
            if len(path.points) < 2:
                continue
            ghost = path.copy().clear_updaters().set_stroke(THEME.text, width=5, opacity=1.0)
            flashes.append(ShowPassingFlash(ghost, time_width=0.35, run_time=seconds))
        return flashes or [Wait(seconds)]

    def end_flash(self, tracer: TrajectoryTracer, color) -> Flash:
        """A flash where the run ended: its ball, or its divergence marker."""
        if tracer.marker is not None:
            return Flash(tracer.marker.point, color=THEME.status_colors["diverged"], flash_radius=0.2,
                         line_length=0.15)
        return Flash(tracer.ball.get_center(), color=color, flash_radius=0.15, line_length=0.15)

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

    def start_ring(self, panel: ContourMap, start) -> Circle:
        return Circle(radius=0.1, stroke_color=THEME.text, stroke_width=2).move_to(panel.to_scene(start)[0])
