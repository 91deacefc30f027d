"""A tour of loss landscapes: plain gradient descent on one terrain after another.

The plan (gdanim.lessons.landscape_tour) runs the engine and words every caption; this scene
draws each stop, one beat a caption: under the terrain caption the heading and terrain fade in,
the formula and the minima (or saddle point) it names are pointed at and the runs appear at
their starts; under the outcome caption the runs descend, their labels fade in and the balls
pulse where they ended. A stop's runs differ in their start: each wears the theme's run colour of
its start's index, the same from stop to stop. Every value a caption quotes is on screen when it
ends: the plan's labels beside the points they belong to (a ring where a named step lies on a
trail), and the stop's rate, step budget and current step in a panel at the left.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (DEGREES, DL, DOWN, LEFT, RIGHT, UP, UR, AnimationGroup, BackgroundRectangle, Circle, Cross,
                   FadeIn, FadeOut, Flash, Indicate, MathTex, Succession, Text, ValueTracker, VGroup, VMobject,
                   linear)

from gdanim.display import point_at
from gdanim.lessons.landscape_tour import Params, Visit, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.framing import fit_to_screen, screen_bounds
from gdanim.visual.glyphs import GlyphWriter
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
LABEL_SIZE = 18
RING_RADIUS = 0.1  # a named step on a trail: a ring a little wider than the trail
LABEL_BAND = (-7.0, -2.55, 7.0, 3.3)  # (left, bottom, right, top): between the heading and the captions
PANEL_BUFF = 0.4  # the panel's distance from the frame's left edge


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
    labels: VGroup  # the open beat's labels (values beside points), fixed in the frame
    start: float  # video time the stop began
    panel: VGroup = dataclasses.field(default_factory=VGroup)  # rate, budget and step, fixed in the frame
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
                self.clear_labels(shown)
                if beat.kind == "outcome" and not shown.descended:
                    self.descend(shown, beat, clock)
                elif beat.kind == "outcome":
                    self.reveal(shown, beat.facts.get("labels", []))
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
            labels = said.get("labels", [])
            if "landscape" in said:  # the terrain sentence: the formula, then the points it names
                parts.append(lambda t: self.pulse(shown.heading[2], t, scale_factor=1.15))
                points = list(said.get("minima", []))
                if said.get("saddle_point") is not None:
                    points.append(said["saddle_point"])
                if points:
                    parts.append(lambda t, points=points, labels=labels:
                                 self.flash(shown, points, t - self.reveal(shown, labels)))
            if "starts" in said:  # the setup sentence: the runs at their starts, its values beside them
                parts.append(lambda t, said=said: self.show_starts(shown, t, said))
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

    def show_starts(self, shown: Shown, run_time: float, said: dict | None = None) -> None:
        """The balls (and contour views' start rings) appear at the starts with the setup sentence's
        panel (rate, budget, step) and labels (a lone start's coordinates), then pulse."""
        if not shown.tracers_added:
            self.add_tracers(*shown.tracers)
            balls = VGroup(*(t.ball for t in shown.tracers))
            appear = [FadeIn(balls, scale=2.0), FadeIn(shown.rings)]
            if said and said.get("panel"):
                shown.panel = self.stop_panel(said["panel"], shown.visit.stop.steps)
                self.add_fixed_in_frame_mobjects(shown.panel)
                appear.append(FadeIn(shown.panel))
            self.play(*appear, run_time=min(FADE, run_time / 2))
            shown.tracers_added = True
            run_time -= min(FADE, run_time / 2)
        if said:
            run_time -= self.reveal(shown, said.get("labels", []))
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
        closing = tail + p.hold_seconds + (FADE / 2 if labels else 0.0)
        left_of_stop = p.seconds_per_stop - (self.now - shown.start) - closing - FADE / 2 - FADE_STAGE
        if settled > 0:
            run_time = max(MIN_DESCENT, clock.remaining - closing, left_of_stop)
            self.play(self.step_tracker.animate.set_value(settled), run_time=run_time, rate_func=linear)
        if tail:
            self.play(self.step_tracker.animate.set_value(last), run_time=tail, rate_func=linear)
        shown.descended = True
        self.reveal(shown, labels)
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
                  FadeOut(shown.rings), FadeOut(shown.labels), FadeOut(shown.panel), run_time=FADE_STAGE)
        self.remove_fixed_in_frame_mobjects(shown.heading, shown.labels, shown.panel)
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

    def reveal(self, shown: Shown, labels) -> float:
        """The plan's ``labels`` fade in beside their points (joining the beat's others); the seconds it took."""
        if not labels:
            return 0.0
        added = self.value_labels(shown, labels)
        self.add_fixed_in_frame_mobjects(added)
        shown.labels.add(*added)
        self.play(FadeIn(added), run_time=FADE / 2)
        return FADE / 2

    def clear_labels(self, shown: Shown) -> None:
        """The previous beat's labels fade as the next caption starts."""
        if len(shown.labels):
            self.play(FadeOut(shown.labels), run_time=FADE / 2)
            self.remove_fixed_in_frame_mobjects(shown.labels)
            shown.labels = VGroup()

    def value_labels(self, shown: Shown, labels) -> VGroup:
        """Each label beside its point on screen, on the first side where it covers no mark, start
        ring, ball, label, panel or drawn trail, else the side where it covers least."""
        where = self.on_screen(stage_points(shown.stage, [lab["at"] for lab in labels]))
        middle = self.on_screen([shown.stage.get_center()])[0]
        taken = self.occupied(shown)
        trails = self.on_screen(np.vstack([t.trail_points() for t in shown.tracers])) if shown.tracers_added \
            else np.zeros((0, 2))
        group = VGroup()
        for lab, xy in zip(labels, where):
            value = ValueLabel(lab["text"], np.array([*xy, 0.0]), lab["mark"])
            if value.ring is not None:
                taken.append(box(value.ring))
            scores = []
            for side in label_sides(value.at, middle):
                scores.append((crowding(box(value.place(side)), taken, trails), side))
                if scores[-1][0] == 0:
                    break
            value.place(min(scores, key=lambda score: score[0])[1])
            taken.append(box(value.patch))
            group.add(value)
        return group

    def on_screen(self, points) -> np.ndarray:
        """Frame coordinates (n, 2) of scene points, as the camera draws them."""
        camera = self.renderer.camera
        camera.reset_rotation_matrix()
        return camera.project_points(np.atleast_2d(np.asarray(points, dtype=float)))[:, :2]

    def occupied(self, shown: Shown) -> list:
        """Screen boxes a label must not cover: marks, start rings, balls, heading, panel, labels."""
        camera = self.renderer.camera
        boxes = [np.concatenate(screen_bounds(m, camera)) for m in [*shown.marks, *shown.rings]]
        if shown.tracers_added:
            balls = self.on_screen([t.ball_point() for t in shown.tracers])
            boxes += [np.concatenate([b - t.radius, b + t.radius]) for b, t in zip(balls, shown.tracers)]
        return boxes + [box(m) for m in [shown.heading, *shown.panel, *shown.labels]]

    def stop_panel(self, rows, budget: int) -> VGroup:
        """The setup sentence's rate and step budget, and the step shown, at the frame's left."""
        texts = [Text(row, font=THEME.mono, font_size=LABEL_SIZE, color=THEME.muted) for row in rows]
        counter = StepCounter(self.step_tracker, budget)
        column = VGroup(*texts, counter).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        patch = BackgroundRectangle(column, color=THEME.panel, fill_opacity=THEME.panel_opacity, buff=0.12)
        panel = VGroup(patch, column)
        panel.to_edge(LEFT, buff=PANEL_BUFF).set_y(STAGE_CENTER[1])
        counter.anchor()
        return panel


class ValueLabel(VGroup):
    """A value beside its point ``at`` (frame coordinates): its text on a translucent patch, and a
    ring on the point where it is a step on a trail (``marked``) that nothing else marks."""

    def __init__(self, text: str, at: np.ndarray, marked: bool):
        super().__init__()
        self.at, self.text = at, text
        self.ring = None
        if marked:
            self.ring = (Circle(radius=RING_RADIUS, stroke_color=THEME.text, stroke_width=2.5)
                         .set_stroke(THEME.background, 5.5, background=True).move_to(at))
            self.add(self.ring)
        self.words = Text(text, font=THEME.font, font_size=LABEL_SIZE, color=THEME.text)
        self.patch = BackgroundRectangle(self.words, color=THEME.panel, fill_opacity=0.8, buff=0.05)
        self.add(self.patch, self.words)
        self.buff = LABEL_BUFF + (RING_RADIUS if marked else 0.0)

    def place(self, side) -> BackgroundRectangle:
        """Text and patch on ``side`` of the point (clear of its ring); the patch, to measure."""
        VGroup(self.patch, self.words).next_to(self.at, side, buff=self.buff)
        return self.patch


class StepCounter(VMobject):
    """'step 17': the step tracker's whole step, rewritten from glyphs drawn once as it changes
    (a Text per step would cost a Pango call a frame)."""

    def __init__(self, step: ValueTracker, budget: int):
        super().__init__(fill_color=THEME.text, fill_opacity=1.0, stroke_width=0)
        self.step, self.budget = step, budget
        self.writer = GlyphWriter("step0123456789", font=THEME.mono, font_size=LABEL_SIZE)
        self.set_points(self.writer.points(self.text(budget)))  # widest: sized and placed as its longest
        self.corner = self.get_corner(DL)  # where the drawn text's corner is, for a baseline at the origin
        self.origin, self._shown = None, None
        self.add_updater(lambda m: m.refresh())

    def text(self, k: int) -> str:
        return f"step {k}"

    def anchor(self) -> None:
        """Write every later step where the text is now (same left edge and baseline)."""
        self.origin = self.get_corner(DL) - self.corner
        self._shown = None
        self.refresh()

    def refresh(self) -> None:
        k = int(self.step.get_value() + 1e-9)
        if self.origin is None or k == self._shown:
            return
        self.set_points(self.writer.points(self.text(k)) + self.origin)
        self._shown = k


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
    up or down, then the other way, then outward and inward sideways, then the corners."""
    vertical = [UP, DOWN] if where[1] >= centre[1] else [DOWN, UP]
    sideways = [RIGHT, LEFT] if where[0] >= centre[0] else [LEFT, RIGHT]
    corners = [v + h for v in vertical for h in sideways]
    return vertical + sideways + corners


def crowding(patch: np.ndarray, taken: list, trails: np.ndarray) -> int:
    """How badly a label's screen box sits: boxes it covers, trail points under it, out of the band."""
    covered = sum(overlap(patch, other) for other in taken)
    under = int(np.count_nonzero((trails[:, 0] > patch[0]) & (trails[:, 0] < patch[2])
                                 & (trails[:, 1] > patch[1]) & (trails[:, 1] < patch[3])))
    left, bottom, right, top = LABEL_BAND
    outside = not (patch[0] >= left and patch[1] >= bottom and patch[2] <= right and patch[3] <= top)
    return 1000 * outside + 50 * covered + under


def stage_points(stage, xy) -> np.ndarray:
    """Scene points over domain points (n, 2): on the surface of a 3D stage, on a contour map."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return stage.to_surface(xy) if isinstance(stage, LossSurface) else stage.to_scene(xy)


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
