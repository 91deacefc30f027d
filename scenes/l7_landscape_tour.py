"""A tour of loss landscapes: plain gradient descent on one terrain after another.

The plan (gdanim.lessons.landscape_tour) runs the engine and words every caption; this scene
draws each stop: heading and formula, the terrain, the runs under the setup caption, the
outcome captions with their labels.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (DEGREES, DOWN, RIGHT, UP, BackgroundRectangle, Circle, FadeIn, FadeOut, MathTex, Text,
                   VGroup, linear)

from gdanim.lessons.landscape_tour import OPTIMIZER, Params, Visit, plan
from gdanim.optimizers import OPTIMIZERS
from gdanim.visual.contours import ContourMap
from gdanim.visual.framing import fit_to_screen
from gdanim.visual.lesson import FADE, LessonScene
from gdanim.visual.surface import LossSurface
from gdanim.visual.theme import THEME
from gdanim.visual.tracer import TrajectoryTracer

STAGE_CENTER = np.array([0.0, 0.2, 0.0])  # middle band, between the heading and the captions
STAGE_HEIGHT = 5.5
STAGE_WIDTH = 8.6
FADE_STAGE = 0.6


@dataclasses.dataclass
class Shown:
    """The mobjects of the stop on screen."""

    visit: Visit
    heading: VGroup
    stage: VGroup
    tracers: list
    rings: VGroup
    labels: VGroup
    descended: bool = False


class LandscapeTour(LessonScene):
    """A tour of loss landscapes: what plain gradient descent does on each, one lesson a stop."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        lesson = plan(self.params)
        self.show_title(lesson.title, lesson.subtitle)
        shown: Shown | None = None
        for beat in lesson.beats:
            visit = lesson.runs[beat.facts["stop"]]
            if shown is None or shown.visit is not visit:
                if shown is not None:
                    self.leave(shown)
                shown = self.arrive(visit, len(lesson.runs))
            if beat.kind == "outcome" and not shown.descended:
                self.descend(shown)
            self.say(beat.caption)
            if beat.facts.get("labels"):
                shown.labels = self.end_labels(shown.stage, beat.facts["labels"])
                self.play(FadeIn(shown.labels), run_time=FADE)
        if shown is not None:
            self.leave(shown)
        self.show_takeaway(lesson.takeaway)

    def arrive(self, visit: Visit, total: int) -> Shown:
        """Heading, formula and terrain fade in; the runs wait at their starts."""
        p, stop, land = self.params, visit.stop, visit.stop.land
        if stop.view == "surface":
            phi = p.camera_phi if stop.phi is None else stop.phi
            theta = p.camera_theta if stop.theta is None else stop.theta
            self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
            stage = LossSurface(land, resolution=p.surface_resolution)
            fit_to_screen(stage, self.renderer.camera, width=STAGE_WIDTH, height=STAGE_HEIGHT,
                          center=STAGE_CENTER, measure=stage.surface)
        else:
            self.set_camera_orientation(phi=0, theta=-90 * DEGREES)
            (x0, x1), (y0, y1) = land.domain
            aspect = (y1 - y0) / (x1 - x0)
            width = min(STAGE_WIDTH, STAGE_HEIGHT / aspect)
            stage = ContourMap(land, width=width, height=width * aspect).move_to(STAGE_CENTER)
        heading = self.heading(land, visit.index, total)
        self.add_fixed_in_frame_mobjects(heading)
        self.play(FadeIn(heading), FadeIn(stage), run_time=FADE_STAGE)
        self.step_tracker.set_value(0)
        drawn = dataclasses.replace(visit.traj, stop_step=visit.shown)
        tracers = [TrajectoryTracer(stage, drawn, run, self.step_tracker, color=OPTIMIZERS[OPTIMIZER].color)
                   for run in range(visit.traj.n_runs)]
        rings = self.start_rings(stage, visit) if stop.view == "contour" else VGroup()
        self.add(rings)
        self.add_tracers(*tracers)
        return Shown(visit, heading, stage, tracers, rings, VGroup())

    def descend(self, shown: Shown) -> None:
        """The runs play to their last drawn step, under the setup caption."""
        p = self.params
        fades = 2 * FADE_STAGE + 2 * FADE + (FADE if shown.visit.labels else 0.0)
        run_time = max(1.0, p.seconds_per_stop - fades - p.hold_seconds)
        self.play(self.step_tracker.animate.set_value(int(shown.visit.shown.max())), run_time=run_time,
                  rate_func=linear)
        shown.descended = True

    def leave(self, shown: Shown) -> None:
        """Hold on the finished runs, then clear the stop."""
        if not shown.descended:
            self.descend(shown)
        self.wait(self.params.hold_seconds)
        self.clear_caption()
        self.play(FadeOut(shown.heading), FadeOut(shown.stage), *(FadeOut(t) for t in shown.tracers),
                  FadeOut(shown.rings), FadeOut(shown.labels), run_time=FADE_STAGE)
        self.remove_fixed_in_frame_mobjects(shown.heading)
        self.renderer.camera.remove_fixed_orientation_mobjects(*(t.ball for t in shown.tracers))

    @staticmethod
    def heading(land, index: int, total: int) -> VGroup:
        """Stop counter, landscape name and its formula, across the top of the frame."""
        counter = Text(f"{index}/{total}", font=THEME.font, font_size=24, color=THEME.muted)
        name = Text(land.title, font=THEME.font, font_size=32, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=34, color=THEME.text)
        row = VGroup(counter, name, formula).arrange(RIGHT, buff=0.4)
        if row.width > 13.4:
            row.scale_to_fit_width(13.4)
        return row.to_edge(UP, buff=0.3)

    @staticmethod
    def start_rings(stage: ContourMap, visit: Visit) -> VGroup:
        """Hollow rings where the runs begin, so a short run still shows how far it got."""
        return VGroup(*(Circle(radius=0.11, stroke_color=THEME.text, stroke_width=2).move_to(point)
                        for point in stage.to_scene(visit.traj.positions[:, 0])))

    @staticmethod
    def end_labels(stage: ContourMap, marks) -> VGroup:
        """The plan's labels (a minimum's coordinates, a trapped run's loss) beside their points."""
        labels = VGroup()
        centre = stage.get_center()
        for xy, text in marks:
            where = stage.to_scene(np.array([xy]))[0]
            label = Text(text, font=THEME.font, font_size=20, color=THEME.text)
            label.next_to(where, UP if where[1] >= centre[1] else DOWN, buff=0.16)
            labels.add(BackgroundRectangle(label, color=THEME.panel, fill_opacity=0.8, buff=0.05), label)
        return labels
