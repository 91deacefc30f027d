"""Adaptive learning rates: each coordinate's learning rate as live bars beside the runs.

The lesson (every sentence, the runs, the values on the bars and lines) is
gdanim.lessons.adaptive_learning_rates.plan; this module only draws it.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Circumscribe, Dot, FadeIn, FadeOut, Flash, Indicate, MathTex, Text,
                   VGroup, config, linear, smooth)

from gdanim.landscapes import Landscape
from gdanim.lessons.adaptive_learning_rates import (Params, fmt, loss_words, plan, ratio_words, start_words,
                                                   turn_words)
from gdanim.visual.contours import ContourMap
from gdanim.visual.equation import EquationCard
from gdanim.visual.lesson import LessonScene
from gdanim.visual.step_bars import HistoryMarker, StepBars, StepHistory
from gdanim.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.visual.value_labels import place_clear, polyline_samples, value_tag
from gdanim.wording import landscape_name, optimizer_name

MAP_CENTER = np.array([-3.6, 1.4, 0.0])
MAP_WIDTH = 5.4
MAP_HEIGHT = 3.24  # at most: a square domain gets a narrower map
CARD_TOP = -0.35  # equation cards sit under the map, above the caption band
CAPTION_TOP = -2.85
CARD_BOTTOM = -2.6  # a two-line caption's panel reaches up to about -2.7
RIGHT_X = 3.55  # centre of the rate column
BARS_BUFF = 0.25  # between the frame's top and the bars
BARS_TITLE = "Learning rate per coordinate (log scale)"
HISTORY_TITLE = "x rate (thick), real x step |Δx| (thin), log scale"


def loss_notes(lesson) -> list:
    """Per run, the final loss its closing caption quotes, as it quotes it (None: not quoted)."""
    quoted = {b.facts["optimizer"]: loss_words(b.facts["loss"]) for b in lesson.beats
              if b.kind == "rate" and b.facts["loss_quoted"]}
    return [quoted.get(name) for name in lesson.runs.optimizers]


class AdaptiveLearningRates(LessonScene):
    """Adaptive optimizers from one start: each coordinate's learning rate as live bars.

    Below them, each run's x rate (thick) beside its real x step |Δx| (thin) over time.
    """

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        traj, land = runs.traj, runs.traj.landscape
        step = self.step_tracker
        names = [optimizer_name(n) for n in runs.optimizers]
        colors = [optimizer_color(n) for n in runs.optimizers]
        card, card_of = None, None
        held = False
        self.panels = []  # what spread() keeps whole: the rate panels and the runs, once drawn
        self.tags = []  # the values the current closing caption quotes, on the history

        self.show_title(lesson.title, lesson.subtitle)
        for n, beat in enumerate(lesson.beats):
            # beats packed from one story share its facts: the first and last of such a group
            group = [i for i, b in enumerate(lesson.beats) if b.kind == beat.kind and b.facts == beat.facts]
            first, last = n == group[0], n == group[-1]
            if beat.kind == "intro":
                stage, heading, ring = self.course(land, traj.positions[0, 0])
                start = self.start_label(stage, ring, beat.facts)
                self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
                with self.beat(beat.caption) as clock:
                    # each run's colour pulses on the common start, its point and loss are written
                    # beside it, then the landscape is named
                    self.spread(clock, *[(1, lambda c=c: [Indicate(ring, color=c, scale_factor=2.0)])
                                         for c in colors],
                                (1, lambda: self.reveal(start)),
                                (2, lambda: [Circumscribe(heading, color=THEME.text)]))
            elif beat.kind == "bars":
                bars = StepBars(runs.rates, step, names, colors, bar_width=2.7, bar_height=0.18,
                                font_size=18, title=BARS_TITLE, notes=loss_notes(lesson))
                history = StepHistory(runs.rates[:, :, 0], step, colors, thin=runs.moves[:, :, 0],
                                      width=5.2, height=1.35)
                history_title = Text(HISTORY_TITLE, font=THEME.font, font_size=16, color=THEME.text)
                history.move_to([RIGHT_X + 0.3, 0, 0]).align_to([0, CAPTION_TOP + 0.45, 0], DOWN)
                history_title.next_to(history.axes, UP, buff=0.15)
                # four runs make the bars taller than the room above the history: scale them down
                room = config.frame_height / 2 - BARS_BUFF - history_title.get_top()[1] - 0.15
                if bars.height > room:
                    bars.scale_to_fit_height(room)
                bars.move_to([RIGHT_X, 0, 0]).to_edge(UP, buff=BARS_BUFF)
                # a run that diverged or ended outside the plot is drawn up to where it left
                # (the burst only where the engine says diverged); one that comes back is drawn whole
                tracers = [TrajectoryTracer(stage, traj, i, step, color=c, radius=0.07, trail_width=3.0,
                                            divergence_marker=str(traj.stop_reason[i]) == "diverged",
                                            stop_at_exit=runs.gone[i])
                           for i, c in enumerate(colors)]
                self.bars, self.history, self.tracers, self.colors, self.runs = bars, history, tracers, colors, runs
                self.names = names
                self.panels = [bars, history, *tracers]
                self.add_overlay(bars, history)
                self.add_fixed_in_frame_mobjects(history_title)
                self.add_tracers(*tracers)
                self.play(FadeIn(bars), FadeIn(history), FadeIn(history_title), FadeOut(start), run_time=0.8)
                self.remove_fixed_in_frame_mobjects(start)
                with self.beat(beat.caption) as clock:
                    # each run's pair of bars in turn: its rate on x, its rate on y
                    self.spread(clock, *[(1, lambda i=i: [Indicate(VGroup(*bars.bars[i]), color=THEME.text)])
                                         for i in range(len(colors))])
            elif beat.kind == "ticks":
                with self.beat(beat.caption) as clock:
                    # the step-1 ticks, then the step-1 rates written beside the bars
                    self.spread(clock, (1, lambda: [Indicate(bars.first, color=THEME.text, scale_factor=1.5)]),
                                (1, lambda: [Indicate(VGroup(*[lab for pair in bars.labels for lab in pair]))]))
            elif beat.kind == "rule":
                # the card is swapped between beats: it belongs to this caption, not the last one
                name = beat.facts["optimizer"]
                card, card_of = self.swap_card(card, name, runs.labels[runs.optimizers.index(name)]), name
                i = runs.optimizers.index(name)
                with self.beat(beat.caption) as clock:
                    if beat.facts["play_to"]:  # the first steps play while the first rule is read
                        self.play(step.animate.set_value(beat.facts["play_to"]), run_time=p.first_seconds,
                                  rate_func=linear)
                        self.spread(clock, (1, lambda: [Indicate(VGroup(*bars.bars[i]), color=THEME.text)]))
                    else:  # the rule on the card, then the bars it sets and the run it moves
                        self.spread(clock, (2, lambda: [Circumscribe(card, color=colors[i])]),
                                    (1, lambda: [Indicate(VGroup(*bars.bars[i]), color=THEME.text)]),
                                    (1, lambda: [Indicate(tracers[i].ball, scale_factor=1.8)]))
            elif beat.kind == "run":
                with self.beat(beat.caption) as clock:
                    self.play(step.animate.set_value(beat.facts["to"]), rate_func=linear,
                              run_time=max(p.run_seconds, clock.remaining))
            else:  # the closing numbers: rate, steps, contrast
                if not held:
                    self.wait(p.hold_seconds)  # the finished bars, before the numbers
                    held = True
                i = runs.optimizers.index(beat.facts["optimizer"]) if "optimizer" in beat.facts else None
                if i is not None and card_of != beat.facts["optimizer"]:
                    # the rule of the run the caption speaks of (its rate, its factor), swapped in between beats
                    card_of = beat.facts["optimizer"]
                    card = self.swap_card(card, card_of, runs.labels[i])
                self.clear_tags()  # the last caption's values, before this one's
                with self.beat(beat.caption) as clock:
                    if beat.kind == "rate":
                        self.quote_rate(clock, beat.facts, i, first)
                    elif beat.kind == "steps":
                        self.quote_steps(clock, beat.facts, first, last)
                    else:
                        self.quote_contrast(clock, beat.facts, i, first, last, card)
        self.show_takeaway(lesson.takeaway)

    # --- pointing at what a caption names ----------------------------------------------------

    def spread(self, clock, *parts, leave: float = 0, least: float = 0.8) -> None:
        """Play ``parts`` one after another over what is left of the beat: each (weight, make),
        ``make()`` giving the animations, gets its weight's share (at least ``least`` s);
        ``leave`` is the weight of what the beat plays after them.

        Highlighting a part of a panel makes manim take the panel apart in the scene (its parts
        become top-level mobjects), which would stop the panel's updater: the panels are put
        back whole after each play."""
        weights = [w for w, _ in parts]
        for k, (w, make) in enumerate(parts):
            self.play(*make(), run_time=max(least, clock.remaining * w / (sum(weights[k:]) + leave)))
            self.add(*self.panels)

    def sweep(self, clock, markers, stops, share: float = 1.0, least: float = 0.8) -> None:
        """Move ``markers`` (HistoryMarker) through the steps ``stops`` together, each leg as long
        as its share of steps, over ``share`` of what is left of the beat."""
        self.add_fixed_in_frame_mobjects(*markers)
        here = markers[0].at.get_value()
        legs = [(a, b) for a, b in zip([here, *stops[:-1]], stops) if a != b]
        total = sum(abs(b - a) for a, b in legs) or 1.0
        seconds = max(least, clock.remaining * share)
        for a, b in legs:
            self.play(*[m.at.animate.set_value(b) for m in markers], rate_func=smooth,
                      run_time=max(0.5, seconds * abs(b - a) / total))
        self.remove(*[m.at for m in markers])  # the trackers the plays added

    def drop(self, *mobjects) -> None:
        """Take the closing captions' markers off, between beats."""
        self.remove_fixed_in_frame_mobjects(*mobjects)
        self.remove(*mobjects)

    def x_bar(self, i: int) -> list:
        """Run ``i``'s x bar and the value written beside it, flashed."""
        return [Indicate(VGroup(self.bars.bars[i][0], self.bars.labels[i][0]), color=THEME.text)]

    def quote_rate(self, clock, facts: dict, i: int, first: bool) -> None:
        """A run's x rate from step 1 through its turn (dip, peak) to its last step, a dot riding
        its thick line and leaving the values the caption quotes (first rate, turn, how many
        times it rose or fell); then its bar and value (the last rate), its ball and its loss,
        written under its name. A later caption of the same run (it left the plot) points at
        its trail and ball."""
        tracer, color, t = self.tracers[i], self.colors[i], facts["trend"]
        if not first or t is None:
            self.spread(clock, (1, lambda: [Indicate(tracer.trail, color=THEME.text)]),
                        (1, lambda: [Flash(tracer.ball, color=color)]))
            return
        marker = HistoryMarker(self.history, i, color=color)
        turn = {"dipped": t["low_step"], "peaked": t["high_step"]}.get(t["case"])
        times = ratio_words(t["ratio"]) if "ratio" in t else ""
        stops = [(1, fmt(t["first"]))] + ([(turn, turn_words(t))] if turn else [])
        stops.append((t["steps"], f"{t['case']}{times}" if times else None))
        for step, words in stops:
            here = marker.at.get_value()
            self.sweep(clock, [marker], [step], share=0.6 * (step - here) / max(t["steps"] - here, 1))
            if words:
                self.play(*self.tag(i, step, words), run_time=0.5)
        loss = [self.bars.show_note(i)] if facts["loss_quoted"] else []
        self.spread(clock, (1, lambda: [*self.x_bar(i), Indicate(tracer.ball, scale_factor=1.8), *loss]))
        self.drop(marker)

    def tag(self, i: int, step: float, words: str, thin: bool = False) -> list:
        """A dot on run ``i``'s line (or thin line) at ``step`` and the value ``words`` beside it,
        clear of the history's lines and the tags already there: their fade-ins."""
        history = self.history
        point = history.point_at(i, step, thin)
        dot = Dot(point, radius=0.045, color=self.colors[i])
        lines = [polyline_samples(history.points_until(r, history.last, thn), 4)
                 for r in range(len(self.colors)) for thn in (False, True)]
        label = place_clear(value_tag(words, self.colors[i], font_size=18), dot, np.vstack(lines), history.axes,
                            buff=0.06, labels=[dot, *self.tags])
        tag = VGroup(dot, label)
        tag.run, tag.step, tag.thin, tag.text = i, step, thin, words
        self.tags.append(tag)
        return self.reveal(tag)

    def clear_tags(self) -> None:
        """Fade the last caption's tags, between beats."""
        if self.tags:
            self.play(*[FadeOut(t) for t in self.tags], run_time=0.3)
            self.drop(*self.tags)
            self.tags = []

    def quote_steps(self, clock, facts, first: bool, last: bool) -> None:
        """The thin lines (the real steps), then the window they are quoted over, a dot per run
        riding its thin line through it."""
        history, steps, window = self.history, facts["step"], facts["window"]
        if first:
            lines = history.thin_lines if steps > 1 else VGroup(*[t.ball for t in self.tracers])
            self.spread(clock, (1, lambda: [Indicate(lines, color=THEME.text, scale_factor=1.05)]),
                        leave=2 if last else 0, least=1.0)
        if last and steps > 1:
            ended = [i for i, name in enumerate(self.runs.optimizers) if optimizer_name(name) in facts["moves"]]
            markers = [HistoryMarker(history, i, thin=True, at=steps - window, color=self.colors[i])
                       for i in ended]
            band = history.window(steps - window, steps, THEME.text)
            self.add_fixed_in_frame_mobjects(band, *markers)
            self.play(FadeIn(band), *[FadeIn(m) for m in markers], run_time=0.5)
            self.sweep(clock, markers, [steps], share=0.7)
            # each run's largest step in the window, as the caption lists it; the lowest point's
            # value is placed first, as the chart's floor leaves it the fewest places
            at = {i: facts["peak_steps"][self.names[i]] for i in ended}
            lowest_first = sorted(ended, key=lambda i: history.point_at(i, at[i], thin=True)[1])
            peaks = [self.tag(i, at[i], f"{self.names[i]} {fmt(facts['moves'][self.names[i]])}", thin=True)
                     for i in lowest_first]
            self.play(*[a for anims in peaks for a in anims], run_time=max(0.5, clock.remaining))
            self.drop(band, *markers)

    def quote_contrast(self, clock, facts: dict, i: int, first: bool, last: bool, card) -> None:
        """A rate that grew beside a step that shrank: two dots ride the run's thick and thin
        lines from step 1 to its end, leaving the values quoted (the first step, the largest
        recent one, how many times the rate rose), then its x bar; then the rule on the card
        that makes a step of the rate, and the thin line it made."""
        if first:
            rate, move = (HistoryMarker(self.history, i, thin=thin, color=self.colors[i]) for thin in (False, True))
            self.play(*self.tag(i, 1, fmt(facts["moves"][0]), thin=True), run_time=0.5)
            self.sweep(clock, [rate, move], [self.history.last], share=0.4 if last else 0.6)
            times = ratio_words(facts["ratio"]) if facts["ratio"] else ""
            self.play(*self.tag(i, facts["peak_step"], fmt(facts["moves"][1]), thin=True),
                      *(self.tag(i, self.history.last, f"rose{times}") if times else []), run_time=0.5)
            self.spread(clock, (1, lambda: self.x_bar(i)), leave=2 if last else 0)
            self.drop(rate, move)
        if last:
            self.spread(clock, (2, lambda: [Circumscribe(card, color=self.colors[i])]),
                        (1, lambda: [Indicate(self.history.thin_lines[i], color=THEME.text)]))

    def course(self, land: Landscape, start) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left with the landscape's name and formula above it."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = min(MAP_WIDTH, MAP_HEIGHT / aspect)
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(landscape_name(land), font=THEME.font, font_size=28,
                    color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=30, color=THEME.text)
        heading = VGroup(name, formula).arrange(RIGHT, buff=0.35)
        if heading.width > MAP_WIDTH:
            heading.scale_to_fit_width(MAP_WIDTH)
        heading.next_to(stage, UP, buff=0.25)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(stage.to_scene(start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring

    def start_label(self, stage: ContourMap, ring: Circle, facts: dict) -> VGroup:
        """The common start and its loss, as the first caption quotes them, on a small panel
        beside the start's ring, on the map."""
        where, loss = start_words(facts["start"], facts["loss"])
        return place_clear(value_tag(f"{where}, loss {loss}"), ring, np.zeros((0, 3)), stage.frame)

    def reveal(self, *mobjects) -> list:
        """Fade-ins of frame-fixed labels, added to the scene only now (not before their beat)."""
        self.add_fixed_in_frame_mobjects(*mobjects)
        return [FadeIn(m) for m in mobjects]

    def swap_card(self, old, name: str, label: str):
        """Replace the update-rule card under the map with ``name``'s, titled ``label``."""
        card = EquationCard.for_optimizer(name, title=label, font_size=26)
        room = CARD_TOP - CARD_BOTTOM
        if card.height > room:
            card.scale_to_fit_height(room)
        card.align_to([MAP_CENTER[0] - MAP_WIDTH / 2, 0, 0], LEFT).align_to([0, CARD_TOP, 0], UP)
        self.add_fixed_in_frame_mobjects(card)
        if old is None:
            self.play(FadeIn(card), run_time=0.5)
        else:
            self.play(FadeOut(old), FadeIn(card), run_time=0.5)
            self.remove_fixed_in_frame_mobjects(old)
        return card

