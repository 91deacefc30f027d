"""Momentum in a ravine: GD zig-zags across x² + 10y², momentum and Nesterov glide along it.

The lesson (every sentence, every number) is ``gdanim.lessons.momentum_ravine.plan``; this
scene draws it beat by beat: arrows, look-ahead ghost and legend read the plan's runs, and
each value a solo caption quotes (a swing past the floor, x or the loss at either end, the
step count) is written on screen from the beat's facts.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, BackgroundRectangle, Circle, Circumscribe, DashedLine, FadeIn,
                   FadeOut, Line, MathTex, ShowPassingFlash, Text, VGroup, VMobject, linear)

from gdanim.landscapes import Landscape
from gdanim.lessons.momentum_ravine import Params, Racer, plan, race_terms
from gdanim.lessons.plan import Beat, Lesson
from gdanim.optimizers import OPTIMIZERS
from gdanim.visual.arrows import StepArrow
from gdanim.visual.contours import ContourMap
from gdanim.visual.emphasis import Pulse
from gdanim.visual.glyphs import GlyphWriter
from gdanim.visual.equation import SYMBOL_ROLES, EquationCard
from gdanim.visual.lesson import FADE, LessonScene
from gdanim.visual.lookahead import LookaheadGhost
from gdanim.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.visual.value_labels import box_samples, place_clear, polyline_samples, value_tag
from gdanim.wording import sci

MAP_WIDTH = 7.6
MAP_CENTER = np.array([-2.95, -0.05, 0.0])  # bottom edge stays above two-line captions
COLUMN_LEFT = 1.35  # left edge of the right-hand column (equation card, arrow key, legend)
COLUMN_WIDTH = 5.55  # its width, up to the frame's right margin
# Nesterov's card: the look-ahead point θ̃ = θ − αβv wears the look-ahead colour, like the ghost
# that shows it; its gradient ∇L the gradient colour, like the arrow drawn from the ghost.
LOOKAHEAD_TEX = (r"\tilde\theta", r"\theta - \alpha \beta", r"\theta - \alpha\beta")
# the key names what the ghost and the arrow from it show, in the card's symbols
GHOST_KEY = r"\text{look-ahead point } \tilde\theta = \theta - \alpha\beta v"
LOOKAHEAD_SLOPE_KEY = r"-\alpha\nabla L(\tilde\theta) \;\text{from there}"
PULSE_SECONDS = 1.2  # one Indicate of the thing a caption names
MARK_SECONDS = 0.8  # the values a caption quotes fade in on the map before it ends


class MomentumRavine(LessonScene):
    """Momentum in a ravine: GD zig-zags, momentum glides with velocity arrows, Nesterov looks ahead."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        lesson = plan(self.params)
        self.runs = lesson.runs
        self.show_title(lesson.title, lesson.subtitle)
        self.shown: tuple = ()  # the current beat's card, key, ball and arrows
        for beat in lesson.beats:
            name, _, phase = beat.kind.partition("_")
            if name in lesson.runs:
                getattr(self, f"solo_{phase}")(beat, lesson.runs[name])
            else:
                getattr(self, f"beat_{beat.kind}")(beat, lesson)
        self.show_takeaway(lesson.takeaway)

    # --- beats ---------------------------------------------------------------------------
    # Each caption is a ``with self.beat(...)`` block around the animations that illustrate it,
    # spread over its reading time; panels of the next beat are swapped in only after the
    # caption has left (between beats, with no caption up).

    def beat_intro(self, beat: Beat, lesson: Lesson) -> None:
        """The stage fades in, then, under the caption: the formula, the two directions it
        names (a flash across the ravine, then along its floor) and the minimum's ×."""
        land = next(iter(lesson.runs.values())).traj.landscape
        self.stage = self.ravine(land)
        ravine = beat.facts.get("ravine")
        with self.beat(beat.caption) as clock:
            parts = [[Pulse(self.formula, scale_factor=1.1, color=THEME.text)]]
            if ravine is not None:
                parts += [[ShowPassingFlash(line, time_width=0.5)] for line in self.directions(land, ravine)]
            else:
                parts.append([Circumscribe(self.stage.frame, color=THEME.text)])
            minima = list(self.stage.minima)
            pieces = len(parts) + bool(minima)
            for n, anims in enumerate(parts):
                self.play(*anims, run_time=max(clock.remaining / (pieces - n), PULSE_SECONDS))
            if minima:
                self.pulse(minima, max(clock.remaining, PULSE_SECONDS), scale=2.0)

    def solo_intro(self, beat: Beat, racer: Racer) -> None:
        """Swap in this optimizer's card, key, ball and arrows at step 0 (no caption up); under
        the caption, its slow steps, its arrows (or ghost) pulsed where the caption names them."""
        card, key, pieces = getattr(self, f"{racer.name}_pieces")(racer)
        if card.width > COLUMN_WIDTH:
            card.scale_to_fit_width(COLUMN_WIDTH)
        card.to_edge(UP, buff=0.35).align_to([COLUMN_LEFT, 0, 0], LEFT)
        key.next_to(card, DOWN, buff=0.3).align_to(card, LEFT)
        readout = StepReadout().next_to(key, DOWN, buff=0.3).align_to(card, LEFT)
        self.swap(self.shown, [card, key, readout])
        readout.follow(self.step_tracker)  # from step 0 on, once the last run has gone
        tracer, ghosts, arrows = pieces
        self.add(*ghosts)
        self.add_tracers(tracer)
        self.add(*arrows)
        self.shown = (card, key, readout, tracer, *ghosts, *arrows)
        self.readout = readout
        self.tracer, self.named = tracer, [*ghosts, *arrows]
        slow = beat.facts["slow"]
        # GD's slope arrow is there at step 0; momentum's carried velocity and Nesterov's
        # look-ahead only once a first step has given the ball a velocity
        named_at = 0 if racer.name == "gd" else min(1, slow)
        with self.beat(beat.caption) as clock:
            for k in range(1, slow + 1):
                if k - 1 == named_at:
                    self.pulse(self.named, PULSE_SECONDS, scale=1.15)
                self.play(self.step_tracker.animate.set_value(k), rate_func=linear,
                          run_time=max(self.params.slow_step_seconds,
                                       (clock.remaining - (PULSE_SECONDS if k - 1 < named_at else 0)) / (slow - k + 1)))
            if named_at == slow:  # no slow step to wait for (or GD with none): name them now
                self.pulse(self.named, max(clock.remaining, PULSE_SECONDS), scale=1.15)

    def solo_steps(self, beat: Beat, racer: Racer) -> None:
        """The rest of the solo steps, spread over the caption that tells what they did; then
        the values it quotes appear on the map where the path takes them (they go with the run)."""
        marks = self.value_marks(beat.facts)
        with self.beat(beat.caption) as clock:
            self.play_steps(beat.facts["window"], clock.remaining - (MARK_SECONDS if marks else 0))
            if marks:
                self.add_fixed_in_frame_mobjects(*marks)
                self.play(*[FadeIn(m) for m in marks], run_time=max(MARK_SECONDS, clock.remaining))
        self.shown = (*self.shown, *marks)

    def solo_note(self, beat: Beat, racer: Racer) -> None:
        """How the solo run ended: its ball pulses where it stopped (or left the map)."""
        with self.beat(beat.caption) as clock:
            self.pulse([self.tracer.ball], max(clock.remaining, PULSE_SECONDS), scale=1.8)

    def beat_race(self, beat: Beat, lesson: Lesson) -> None:
        """All three from the start again, each to its stop (or the map's edge); the legend
        shows α, β and, in the results beat, each run's result."""
        p, step = self.params, self.step_tracker
        until, budget = race_terms(beat.facts["tol_grad"], beat.facts["steps"])
        legend, self.marks = self.legend(lesson.runs, [f"each until {until},", f"at most {budget}"])
        tracers = [TrajectoryTracer(self.stage, r.drawn, 0, step, color=optimizer_color(r.name), radius=0.07,
                                    trail_width=3) for r in lesson.runs.values()]
        self.swap(self.shown, [legend])
        self.add_tracers(*tracers)
        self.shown = (legend, *tracers)
        last = max(r.shown for r in lesson.runs.values())
        first = min(p.race_first_steps, last)
        natural = p.race_first_seconds + (p.race_rest_seconds if last > first else 0.0)
        with self.beat(beat.caption) as clock:
            # the race fills the reading time but for the hold on the finished race
            stretch = max(1.0, (clock.remaining - p.hold_seconds) / natural)
            self.play(step.animate.set_value(first), run_time=p.race_first_seconds * stretch, rate_func=linear)
            if last > first:
                self.play(step.animate.set_value(last), run_time=p.race_rest_seconds * stretch, rate_func=linear)
            # the finished race held (at least hold_seconds), each ball pulsing where it stopped
            self.pulse([t.ball for t in tracers], max(clock.remaining, p.hold_seconds), scale=1.8)

    def beat_results(self, beat: Beat, lesson: Lesson) -> None:
        """Each run's result appears in the legend, then pulses in the caption's order."""
        with self.beat(beat.caption) as clock:
            self.add_fixed_in_frame_mobjects(*self.marks)
            self.play(*[FadeIn(m) for m in self.marks], run_time=FADE)
            for n, name in enumerate(lesson.runs):
                self.pulse(self.rows[name], max(clock.remaining / (len(self.rows) - n), PULSE_SECONDS / 2))

    def beat_compare(self, beat: Beat, lesson: Lesson) -> None:
        """The legend rows of each comparison the caption makes pulse in turn."""
        facts = beat.facts
        groups = [[facts["only"]]] if "only" in facts else []
        if "momentum_vs_gd" in facts:
            groups.append(["momentum", "gd"])
        if "nesterov_vs_momentum" in facts:
            groups.append(["nesterov", "momentum"])
        elif "nesterov_vs_gd" in facts:
            groups.append(["nesterov", "gd"])
        elif "nesterov" in facts:
            groups.append(["nesterov"])
        groups = groups or [list(lesson.runs)]
        with self.beat(beat.caption) as clock:
            for n, names in enumerate(groups):
                self.pulse([m for name in names for m in self.rows[name]],
                           max(clock.remaining / (len(groups) - n), PULSE_SECONDS / 2))

    # --- each optimizer's card, key and moving pieces ----------------------------------------

    def gd_pieces(self, r: Racer):
        card = EquationCard.for_optimizer("gd", title=r.card_title)
        key = key_panel([(arrow_glyph("gradient"), r"-\alpha\nabla L \;\text{(slope step)}")])
        tracer = TrajectoryTracer(self.stage, r.traj, 0, self.step_tracker, color=optimizer_color("gd"))
        arrow = StepArrow(self.stage, r.traj, 0, self.step_tracker, vector="gradient",
                          color=THEME.role_colors["gradient"])
        return card, key, (tracer, [], [arrow])

    def momentum_pieces(self, r: Racer):
        step = self.step_tracker
        card = EquationCard.for_optimizer("momentum", title=r.card_title)
        key = key_panel([(arrow_glyph("velocity"), r"-\alpha\beta v \;\text{(carried velocity)}"),
                         (arrow_glyph("gradient"), r"-\alpha\nabla L \;\text{(new slope)}")])
        tracer = TrajectoryTracer(self.stage, r.traj, 0, step, color=optimizer_color("momentum"))
        carry = StepArrow(self.stage, r.traj, 0, step, vector="velocity", color=THEME.role_colors["velocity"],
                          momentum=r.beta)
        slope = StepArrow(self.stage, r.traj, 0, step, vector="gradient", color=THEME.role_colors["gradient"],
                          tail=carry)
        return card, key, (tracer, [], [carry, slope])

    def nesterov_pieces(self, r: Racer):
        """The ball is the classical iterate θ; the engine's positions are its look-ahead points
        θ̃ = θ − αβv (torch's parameters), where the ghost sits and the gradient is taken."""
        step, lookahead = self.step_tracker, THEME.role_colors["lookahead"]
        card = nesterov_card(r.card_title)
        key = key_panel([(ghost_glyph(), GHOST_KEY), (arrow_glyph("gradient"), LOOKAHEAD_SLOPE_KEY)])
        tracer = TrajectoryTracer(self.stage, r.drawn, 0, step, color=optimizer_color("nesterov"))
        ghost = LookaheadGhost(self.stage, r.traj, 0, step, color=lookahead, momentum=r.beta)
        slope = StepArrow(self.stage, r.traj, 0, step, vector="gradient", color=THEME.role_colors["gradient"])
        return card, key, (tracer, [ghost], [slope])

    # --- the values a caption quotes, on the map ----------------------------------------------

    def value_marks(self, facts: dict) -> list[VGroup]:
        """Marks for the numbers a solo caption quotes, from its facts: how far past the floor
        the run swung (and momentum, faintly redrawn, for Nesterov's comparison), and the value
        at the first and last point shown ('x goes from ... to ...', 'the loss goes from ...')."""
        run = self.runs[facts["run"]]
        momentum = self.runs["momentum"]
        shown = run.path[: facts["window"] + 1]
        avoid = [polyline_samples(self.stage.to_scene(shown)), *(box_samples(m) for m in self.stage.minima)]
        self.placed = []  # this caption's labels, none over another
        marks = []
        if facts.get("momentum_swing_step") is not None:
            path = momentum.path[: facts["compared"] + 1]
            faded = faint_path(self.stage, path, optimizer_color("momentum"))
            avoid.append(polyline_samples(self.stage.to_scene(path)))
            marks += [faded, self.swing_mark(facts["momentum_swing_floor"], facts["momentum_swing_point"],
                                             f"{momentum.title} {sci(facts['momentum_overshoot'])}",
                                             optimizer_color("momentum"), avoid)]
        if facts.get("swing_step") is not None:
            marks.append(self.swing_mark(facts["swing_floor"], facts["swing_point"], sci(facts["overshoot"]),
                                         THEME.text, avoid))
        if "ends" in facts:
            values = facts["along"] if "along" in facts else facts["loss"]
            name = f"{facts['axis']} =" if "along" in facts else "loss"
            marks += [self.point_label(xy, f"{name} {sci(v)}", avoid) for xy, v in zip(facts["ends"], values)]
        return marks

    def swing_mark(self, floor, point, text: str, color: str, avoid: list) -> VGroup:
        """A dimension line from the floor to the farthest swing, its length written beside it."""
        a, b = self.stage.to_scene(np.array([floor, point]), lift=0.03)
        line = Line(a, b, color=color, stroke_width=2.5)
        across = np.array([-(b - a)[1], (b - a)[0], 0.0])
        across = 0.07 * across / (np.linalg.norm(across) or 1.0)
        ends = VGroup(*[Line(p - across, p + across, color=color, stroke_width=2.5) for p in (a, b)])
        avoid.append(np.linspace(a, b, 12))
        mark = VGroup(line, ends, self.point_label(point, text, avoid, color))
        mark.point, mark.text = np.asarray(point, dtype=float), text
        return mark

    def point_label(self, xy, text: str, avoid: list, color: str = THEME.text) -> VGroup:
        """``text`` on a small panel beside the map point ``xy``, clear of the labels placed for
        this caption and of the points in ``avoid`` (trails, marks) where the map allows."""
        anchor = self.stage.to_scene(np.asarray(xy, dtype=float), lift=0.03)[0]
        box = place_clear(value_tag(text, color), anchor, np.vstack(avoid), self.stage.frame, labels=self.placed)
        self.placed.append(box)
        box.point = np.asarray(xy, dtype=float)
        return box

    # --- pieces --------------------------------------------------------------------------

    def ravine(self, land: Landscape) -> ContourMap:
        """Contour map on the left, formula above it. A top view: arrows keep their true
        directions and lengths, which a tilted 3D surface would foreshorten."""
        stage = ContourMap(land, width=MAP_WIDTH, levels=12).move_to(MAP_CENTER)
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=36, color=THEME.text)
        formula.next_to(stage, UP, buff=0.2).align_to(stage, LEFT)
        self.add_fixed_in_frame_mobjects(formula)
        self.play(FadeIn(stage), FadeIn(formula), run_time=0.8)
        self.formula = formula
        return stage

    def directions(self, land: Landscape, ravine) -> list[Line]:
        """A line across the ravine (through the map's middle) and one along its floor."""
        (x0, x1), (y0, y1) = land.domain
        ends = [np.array([[(x0 + x1) / 2, y0], [(x0 + x1) / 2, y1]]), np.array([[x0, 0.0], [x1, 0.0]])]
        if ravine.across == 0:  # the floor is the y-axis: swap x and y
            ends = [np.array([[(y0 + y1) / 2, x0], [(y0 + y1) / 2, x1]])[:, ::-1], np.array([[0.0, y0], [0.0, y1]])]
        return [Line(*self.stage.to_scene(e, lift=0.01), color=THEME.text, stroke_width=6) for e in ends]

    def pulse(self, mobjects, seconds: float, scale: float = 1.2) -> None:
        """Indicate ``mobjects`` (on screen) together, in pulses of about PULSE_SECONDS that
        fill ``seconds``: one slow pulse would hardly move a pixel from frame to frame."""
        n = max(1, round(seconds / PULSE_SECONDS))
        for _ in range(n):
            self.play(*(Pulse(m, scale_factor=scale, color=THEME.text) for m in mobjects), run_time=seconds / n)

    def swap(self, old, new) -> None:
        """Fade the previous beat's pieces out and new frame-fixed panels in, then rewind the
        shared step tracker to 0."""
        self.add_fixed_in_frame_mobjects(*new)
        self.play(*[FadeOut(m) for m in old], *[FadeIn(m) for m in new], run_time=0.6)
        self.remove(*old)
        self.step_tracker.set_value(0)

    def play_steps(self, upto: int, seconds: float) -> None:
        """Advance the step tracker to ``upto`` in ``seconds`` (at least fast_step_seconds a
        step); with no step left, pulse the ball for that long instead."""
        done = int(self.step_tracker.get_value())
        if upto > done:
            self.play(self.step_tracker.animate.set_value(upto), rate_func=linear,
                      run_time=max((upto - done) * self.params.fast_step_seconds, seconds))
        else:
            self.pulse([self.tracer.ball], max(seconds, PULSE_SECONDS), scale=1.8)

    def legend(self, runs: dict[str, Racer], heading: list[str]) -> tuple[VGroup, list[Text]]:
        """Panel of the racers (colour, name, α, β) under ``heading`` (lines: when they stop), with room
        for each result mark on the right; returns the panel and the marks (shown once the race
        is over). ``self.rows`` keeps each racer's row and mark, for pulsing."""
        rows, marks = VGroup(), []
        for r in runs.values():
            dot = Circle(radius=0.09, color=optimizer_color(r.name), fill_opacity=1, stroke_width=0)
            label = Text(r.title, font=THEME.font, font_size=24, color=THEME.text)
            detail = Text(r.label, font=THEME.font, font_size=20, color=THEME.muted)
            text = VGroup(label, detail).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            rows.add(VGroup(dot.next_to(label, LEFT, buff=0.2), text))
            marks.append(Text(r.mark, font=THEME.font, font_size=22, color=THEME.status_colors[r.status]))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        right = rows.get_right()[0] + 0.4
        for row, mark in zip(rows, marks):
            mark.move_to(row[1][0]).align_to([right, 0, 0], LEFT)
        title = VGroup(*[Text(line, font=THEME.font, font_size=20, color=THEME.text) for line in heading])
        title.arrange(DOWN, aligned_edge=LEFT, buff=0.1).next_to(rows, UP, buff=0.3).align_to(rows, LEFT)
        title.text = " ".join(heading)
        self.legend_heading = title
        body = VGroup(title, rows, *marks)
        panel = BackgroundRectangle(body, color=THEME.panel, fill_opacity=THEME.panel_opacity, buff=0.25)
        box = VGroup(panel, title, rows)
        shift = np.array([COLUMN_LEFT - panel.get_left()[0], 3.65 - panel.get_top()[1], 0])
        box.shift(shift)
        for mark in marks:
            mark.shift(shift)
        self.rows = {name: [row, mark] for name, row, mark in zip(runs, rows, marks)}
        return box, marks


class StepReadout(VGroup):
    """'step 12' under the key: the solo captions count steps ('in 12 steps', 'at step 5') that
    the map alone does not show. The number is one VMobject rewritten from cached glyphs."""

    def __init__(self, font_size: float = 28):
        super().__init__()
        self.writer = GlyphWriter("0123456789", font=THEME.mono, font_size=font_size)
        word = Text("step", font=THEME.font, font_size=font_size, color=THEME.muted)
        self.number = VMobject(fill_color=THEME.text, fill_opacity=1.0, stroke_width=0)
        self.word = word
        self.add(word, self.number)
        self.shown = None
        self.write(0)

    def write(self, k: int) -> None:
        """Rewrite the number as ``k``, on the word's baseline (the bottom of its 's')."""
        if k != self.shown:
            baseline = np.array([self.word.get_right()[0] + 0.2, self.word[0].get_bottom()[1], 0.0])
            self.number.set_points(self.writer.points(str(k)) + baseline)
            self.shown = k

    def follow(self, step) -> None:
        """Show the step tracker's whole step from now on."""
        self.add_updater(lambda m: m.write(int(step.get_value() + 1e-9)))


def faint_path(stage: ContourMap, path: np.ndarray, color: str) -> VMobject:
    """A finished run redrawn thin and faint: the path another caption compares with."""
    line = VMobject(stroke_color=color, stroke_width=2.0, stroke_opacity=0.5)
    line.set_points_as_corners(stage.to_scene(path, lift=0.02))
    return line


def nesterov_card(title: str) -> EquationCard:
    """Nesterov's rule from its spec: the gradient at the look-ahead point, and torch's form."""
    colors = ({sym: THEME.role_colors[role] for sym, role in SYMBOL_ROLES.items()}
              | {r"\nabla L": THEME.role_colors["gradient"]}
              | {tex: THEME.role_colors["lookahead"] for tex in LOOKAHEAD_TEX})
    return EquationCard(list(OPTIMIZERS["nesterov"].rule), title=title, font_size=28, colors=colors)


def key_panel(rows) -> VGroup:
    """Arrow key: (glyph, TeX label) rows on a panel."""
    lines = VGroup()
    for glyph, label in rows:
        lines.add(VGroup(glyph, MathTex(label, font_size=28, color=THEME.text)).arrange(RIGHT, buff=0.25))
    lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    return VGroup(BackgroundRectangle(lines, color=THEME.panel, fill_opacity=THEME.panel_opacity, buff=0.2), lines)


def arrow_glyph(role: str) -> Arrow:
    return Arrow(LEFT * 0.35, RIGHT * 0.35, buff=0, color=THEME.role_colors[role], stroke_width=5,
                 max_tip_length_to_length_ratio=0.35)


def ghost_glyph() -> VGroup:
    """The look-ahead glyph in small: a dashed jump ending in a hollow ring."""
    color = THEME.role_colors["lookahead"]
    ring = Circle(radius=0.1, stroke_color=color, stroke_width=3).shift(RIGHT * 0.25)
    dash = DashedLine(LEFT * 0.35, RIGHT * 0.15, color=color, stroke_width=3, dash_length=0.08)
    return VGroup(dash, ring)
