"""A tour of loss landscapes: plain gradient descent on one terrain after another.

The plan (gdanim.lessons.landscape_tour) runs the engine and words every caption; this scene
draws each stop, one beat a caption: under the terrain caption the heading and terrain fade in,
the formula and the minima (or saddle point) it names are pointed at and the runs appear at
their starts; under the outcome caption the runs descend, their labels fade in and the balls
pulse where they ended. A stop's runs differ in their start: each wears the theme's run colour of
its start's index, the same from stop to stop.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (DEGREES, DL, DOWN, LEFT, RIGHT, UP, UR, AnimationGroup, BackgroundRectangle, Circle, Cross,
                   FadeIn, FadeOut, Flash, Indicate, MathTex, Succession, Text, VGroup, linear)

from gdanim.display import point_at
from gdanim.lessons.landscape_tour import Params, Visit, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.framing import fit_to_screen
from gdanim.visual.lesson import FADE, LessonScene
from gdanim.visual.surface import MARK_OUTLINE_EXTRA_WIDTH, MARK_RADIUS, MARK_WIDTH, LossSurface
from gdanim.theme import THEME
from gdanim.visual.tracer import TrajectoryTracer

STAGE_CENTER = np.array([0.0, 0.2, 0.0])  # middle band, between the heading and the captions
STAGE_HEIGHT = 5.5
STAGE_WIDTH = 8.6
FADE_STAGE = 0.6
MIN_POINTER = 0.8  # shortest pulse or flash pointing at what a caption names
MIN_DESCENT = 1.0  # shortest descent
SETTLED = 0.02  # scene units (about a pixel at 480p): a ball moving less has visibly arrived
SETTLED_SECONDS = 0.3  # the steps after every ball has visibly arrived
PULSE_SECONDS = 1.2  # one pulse of a named thing
LABEL_BUFF = 0.16  # from an end point to its label


def peak(t: float) -> float:
    """Up and back down at a steady pace: a pulse that keeps moving to its last frame."""
    return 1.0 - abs(2.0 * t - 1.0)


@dataclasses.dataclass
class Shown:
    """The mobjects of the stop on screen."""

    visit: Visit
    heading: VGroup
    stage: VGroup
    tracers: list
    rings: VGroup
    marks: list  # the stage's marks of minima and saddle points
    labels: VGroup
    start: float  # video time the stop began
    tracers_added: bool = False
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
            if shown is not None and shown.visit is not visit:
                self.leave(shown)  # between beats: no caption is up
                shown = None
            with self.beat(beat.caption) as clock:
                if shown is None:
                    shown = self.arrive(visit, beat, len(lesson.runs), clock.start)
                if beat.kind == "outcome" and not shown.descended:
                    self.descend(shown, beat, clock)
                elif beat.kind == "outcome":
                    self.pulse_ends(shown, named_runs(beat, visit), clock.remaining)
                else:
                    self.point_out(shown, beat, clock)
        if shown is not None:
            self.leave(shown)
        self.show_takeaway(lesson.takeaway)

    def arrive(self, visit: Visit, beat, total: int, start: float) -> Shown:
        """Heading, formula and terrain (with any saddle point ``beat``, the stop's terrain caption,
        names) fade in; the runs wait, unseen, at their starts until the caption names them."""
        stop, land = visit.stop, visit.stop.land
        stage, marks = self.staged(stop, beat)
        heading = self.heading(land, visit.index, total)
        self.add_fixed_in_frame_mobjects(heading)
        self.play(FadeIn(heading), FadeIn(stage), run_time=FADE_STAGE)
        drawn = dataclasses.replace(visit.traj, stop_step=visit.shown)
        tracers = [TrajectoryTracer(stage, drawn, run, self.step_tracker, color=run_color(run))
                   for run in range(visit.traj.n_runs)]
        rings = self.start_rings(stage, visit) if stop.view == "contour" else VGroup()
        return Shown(visit, heading, stage, tracers, rings, marks, VGroup(), start)

    def staged(self, stop, beat) -> tuple:
        """The stop's terrain (a surface or a contour map) placed between heading and captions with
        the camera turned to it, any saddle point the terrain caption ``beat`` names marked on it;
        and its marked points (minima and saddle points)."""
        p, land = self.params, stop.land
        if stop.view == "surface":
            phi = p.camera_phi if stop.phi is None else stop.phi
            theta = p.camera_theta if stop.theta is None else stop.theta
            self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
            stage = LossSurface(land, resolution=p.surface_resolution)
            saddles = saddle_marks(stage, beat)
            stage.add(saddles)  # before fitting: scaled and moved with the surface
            fit_to_screen(stage, self.renderer.camera, width=STAGE_WIDTH, height=STAGE_HEIGHT,
                          center=STAGE_CENTER, measure=stage.surface)
            return stage, [*stage.minimum_marks, *saddles]
        self.set_camera_orientation(phi=0, theta=-90 * DEGREES)
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = min(STAGE_WIDTH, STAGE_HEIGHT / aspect)
        stage = ContourMap(land, width=width, height=width * aspect).move_to(STAGE_CENTER)
        saddles = saddle_marks(stage, beat)
        stage.add(saddles)
        return stage, [*stage.minima, *saddles]

    def point_out(self, shown: Shown, beat, clock) -> None:
        """A terrain caption read over its picture: the formula pulses, the minima (or the saddle
        point) it names flash, then the runs appear at their starts and pulse, the reading time
        shared between them."""
        parts = []
        for said in beat.facts.get("said", []):
            if "landscape" in said:  # the terrain sentence: the formula, then the points it names
                parts.append(lambda t: self.pulse(shown.heading[2], t, scale_factor=1.15))
                points = list(said.get("minima", []))
                if said.get("saddle_point") is not None:
                    points.append(said["saddle_point"])
                if points:
                    parts.append(lambda t, points=points: self.flash(shown, points, t))
            if "starts" in said:  # the setup sentence: the runs at their starts
                parts.append(lambda t: self.show_starts(shown, t))
        if not parts:  # a caption naming neither: the heading it is about
            parts.append(lambda t: self.pulse(shown.heading, t, scale_factor=1.05))
        for i, part in enumerate(parts):
            part(max(MIN_POINTER, clock.remaining / (len(parts) - i)))

    def flash(self, shown: Shown, points, run_time: float) -> None:
        """Flashes at each named point of the landscape, on the terrain, about once a PULSE_SECONDS."""
        land, stage = shown.visit.stop.land, shown.stage
        where = [stage.to_scene(np.append(xy, land.value(np.asarray(xy, dtype=float))))[0] for xy in points]
        n = max(1, round(run_time / PULSE_SECONDS))
        self.play(Succession(*(AnimationGroup(*(Flash(w, color=THEME.text, line_length=0.3, flash_radius=0.22,
                                                      num_lines=10, line_stroke_width=4, time_width=0.6)
                                                for w in where)) for _ in range(n))),
                  run_time=run_time)

    def show_starts(self, shown: Shown, run_time: float) -> None:
        """The balls (and contour views' start rings) appear at the starts, then pulse."""
        if not shown.tracers_added:
            self.add_tracers(*shown.tracers)
            balls = VGroup(*(t.ball for t in shown.tracers))
            self.play(FadeIn(balls, scale=2.0), FadeIn(shown.rings), run_time=min(FADE, run_time / 2))
            shown.tracers_added = True
            run_time -= min(FADE, run_time / 2)
        self.pulse_ends(shown, range(len(shown.tracers)), run_time)

    def pulse_ends(self, shown: Shown, runs, run_time: float) -> None:
        """The named runs' balls pulse where they are, about once a PULSE_SECONDS."""
        balls = [shown.tracers[r].ball for r in runs if 0 <= r < len(shown.tracers)]
        if balls and run_time > 0:
            self.pulse(VGroup(*balls), max(run_time, MIN_POINTER / 2), scale_factor=1.8)

    def pulse(self, mobject, run_time: float, scale_factor: float) -> None:
        """Indicate ``mobject`` again and again over ``run_time``, never resting between pulses."""
        n = max(1, round(run_time / PULSE_SECONDS))
        self.play(Succession(*(Indicate(mobject, scale_factor=scale_factor, rate_func=peak) for _ in range(n))),
                  run_time=run_time)

    def descend(self, shown: Shown, beat, clock) -> None:
        """Under the first outcome caption: the runs play to their last drawn step over its reading
        time (the stop lasting at least seconds_per_stop), their labels fade in, and the balls pulse
        where they ended for hold_seconds. Steps that no longer move a ball visibly (a run
        creeping into its minimum) play quickly, so the reading time goes to the moving part."""
        p, visit = self.params, shown.visit
        if not shown.tracers_added:
            self.show_starts(shown, MIN_POINTER)
        last, settled = int(visit.shown.max()), self.settled_step(shown)
        tail = SETTLED_SECONDS if settled < last else 0.0
        labels = beat.facts.get("labels") or ()
        closing = tail + p.hold_seconds + (FADE if labels else 0.0)
        left_of_stop = p.seconds_per_stop - (self.now - shown.start) - closing - FADE / 2 - FADE_STAGE
        if settled > 0:
            run_time = max(MIN_DESCENT, clock.remaining - closing, left_of_stop)
            self.play(self.step_tracker.animate.set_value(settled), run_time=run_time, rate_func=linear)
        if tail:
            self.play(self.step_tracker.animate.set_value(last), run_time=tail, rate_func=linear)
        shown.descended = True
        if labels:
            shown.labels = self.end_labels(shown.stage, labels, avoid=[*shown.rings, *shown.marks])
            self.play(FadeIn(shown.labels), run_time=FADE)
        self.pulse_ends(shown, named_runs(beat, visit), max(p.hold_seconds, clock.remaining))

    @staticmethod
    def settled_step(shown: Shown) -> int:
        """The first step from which every ball stays within SETTLED of where it ends."""
        last = int(shown.visit.shown.max())
        settled = 0
        for tracer in shown.tracers:
            at = np.array([point_at(tracer.path, k * tracer.SUBSTEPS) for k in range(last + 1)])
            away = np.linalg.norm(at - at[-1], axis=1)
            farther = np.maximum.accumulate(away[::-1])[::-1]  # the farthest it still gets from its end
            settled = max(settled, int(np.argmax(farther < SETTLED)))
        return settled

    def leave(self, shown: Shown) -> None:
        """Clear the stop, between beats."""
        if not shown.descended:
            if not shown.tracers_added:
                self.add_tracers(*shown.tracers)
                self.add(shown.rings)
                shown.tracers_added = True
            self.play(self.step_tracker.animate.set_value(int(shown.visit.shown.max())), run_time=MIN_DESCENT,
                      rate_func=linear)
            shown.descended = True
        self.play(FadeOut(shown.heading), FadeOut(shown.stage), *(FadeOut(t) for t in shown.tracers),
                  FadeOut(shown.rings), FadeOut(shown.labels), run_time=FADE_STAGE)
        self.remove_fixed_in_frame_mobjects(shown.heading)
        self.renderer.camera.remove_fixed_orientation_mobjects(*(t.ball for t in shown.tracers))
        self.step_tracker.set_value(0)  # the next stop's runs start at step 0

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
    def end_labels(stage: ContourMap, marks, avoid=()) -> VGroup:
        """The plan's labels (a minimum's coordinates, a trapped run's loss) beside their points,
        each on the first side where it covers nothing in ``avoid`` (start rings, marks) and no
        label before it: a run that barely moved ends beside its own start ring."""
        labels = VGroup()
        taken = [box(m) for m in avoid]
        for xy, text in marks:
            where = stage.to_scene(np.array([xy]))[0]
            label = Text(text, font=THEME.font, font_size=20, color=THEME.text)
            patch = BackgroundRectangle(label, color=THEME.panel, fill_opacity=0.8, buff=0.05)
            pair = VGroup(patch, label)
            sides = label_sides(where, stage.get_center())
            for side in sides:
                pair.next_to(where, side, buff=LABEL_BUFF)
                if not any(overlap(box(patch), other) for other in taken):
                    break
            else:  # crowded on every side: the outward side
                pair.next_to(where, sides[0], buff=LABEL_BUFF)
            taken.append(box(patch))
            labels.add(patch, label)
        return labels


def run_color(run: int) -> str:
    """The run's colour by its start's index: runs drawn together differ (colours repeat only past
    the theme's five)."""
    return THEME.run_colors[run % len(THEME.run_colors)]


def saddle_marks(stage, beat) -> VGroup:
    """The saddle points a terrain caption names, marked as the stage marks minima: a flat ring on
    a surface, a cross on a contour map."""
    points = [said["saddle_point"] for said in beat.facts.get("said", []) if said.get("saddle_point") is not None]
    if isinstance(stage, LossSurface):
        radius = MARK_RADIUS * stage.axes.x_length
        return VGroup(*(Circle(radius=radius, stroke_color=THEME.text, stroke_width=MARK_WIDTH)
                        .set_stroke(THEME.background, MARK_WIDTH + MARK_OUTLINE_EXTRA_WIDTH, background=True)
                        .move_to(point) for point in stage.to_surface(np.array(points).reshape(-1, 2))))
    return VGroup(*(Cross(scale_factor=0.09, stroke_color=THEME.text, stroke_width=3)
                    .move_to(stage.to_scene(np.array([xy]))[0]) for xy in points))


def label_sides(where: np.ndarray, centre: np.ndarray) -> list:
    """Where a label may go beside ``where``, best first: outward (away from the stage's middle)
    up or down, then the other way, then outward and inward sideways."""
    vertical = [UP, DOWN] if where[1] >= centre[1] else [DOWN, UP]
    sideways = [RIGHT, LEFT] if where[0] >= centre[0] else [LEFT, RIGHT]
    return vertical + sideways


def box(mobject) -> np.ndarray:
    """The mobject's bounding box on screen: (left, bottom, right, top)."""
    return np.concatenate([mobject.get_corner(DL)[:2], mobject.get_corner(UR)[:2]])


def overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two screen boxes (left, bottom, right, top) overlap."""
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def named_runs(beat, visit: Visit) -> list[int]:
    """The runs an outcome caption speaks of (from its facts), else all of the stop's runs."""
    runs = []
    for said in beat.facts.get("said", []):
        for part in [said, *said.get("ends", [])]:
            named = part.get("runs", [])
            if isinstance(named, list):
                runs += [r for r in named if isinstance(r, int) and r not in runs]
    return runs or list(range(visit.traj.n_runs))
