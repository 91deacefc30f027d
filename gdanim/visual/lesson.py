"""LessonScene: the base of every gdanim scene - theme, params, narration beats, overlays.

A lesson reads like a lecture script: ``show_title`` -> setup -> ``with self.beat(caption):``
around the animations that illustrate it, beat after beat -> ``show_takeaway``. Each caption's
start and end time is recorded as a subtitle cue, written beside the video as .srt/.vtt. With a ``voice`` (gdanim.voice.Voice,
set by the renderer for ``--voice``) every cue's text is spoken and its beat lasts at least as
long as the speech; with an ``end_card`` (gdanim.visual.end_card.EndCard) the video closes on it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import ClassVar

from manim import FadeIn, FadeOut, FullScreenRectangle, ThreeDScene, ValueTracker, config

from gdanim.lessons.plan import takeaway_cue, title_cue
from gdanim.subtitles import CardCue, Cue
from gdanim.visual.camera import SurfaceCamera
from gdanim.visual.narration import Caption, TakeawayCard, TitleCard
from gdanim.theme import THEME
from gdanim.visual.tracer import BallSpread, TrajectoryTracer, camera_view

FADE = 0.4  # seconds for caption and card transitions
READING_CHARS_PER_SECOND = 15  # a caption stays up at least this long before the next one
MIN_CAPTION_SECONDS = 2.0


class BeatClock:
    """A beat's timing, for its animations: ``duration`` (reading or speech time) and
    ``remaining`` (what is left of it now)."""

    def __init__(self, scene, start: float, duration: float):
        self.scene, self.start, self.duration = scene, start, duration

    @property
    def remaining(self) -> float:
        return max(self.duration - (self.scene.now - self.start), 0.0)


class LessonScene(ThreeDScene):
    """A scene whose every tweakable number lives in ``self.params`` (a ``Params`` dataclass).

    ``SceneClass(params=...)`` renders with given params; the plain manim CLI builds it with
    the dataclass defaults.
    """

    Params: ClassVar[type]

    def __init__(self, params=None, **kwargs):
        self.params = params if params is not None else self.Params()
        # the lesson's optimizer step (fractional between steps); tracers, HUDs and
        # `gdanim preview --step K` all read this one tracker
        self.step_tracker = ValueTracker(0)
        self.cues: list[Cue] = []
        self.open_beat: str | None = None  # the caption of the beat being played, if any
        self.caption_mode = "screen"  # "soft"/"none": captions only in the subtitle files, or nowhere
        self.voice = None  # a gdanim.voice.Voice: cues are spoken, beats last their speech
        self.end_card = None  # a gdanim.visual.end_card.EndCard shown after the lesson
        super().__init__(**{"camera_class": SurfaceCamera, **kwargs})  # surfaces drawn in one batch

    def setup(self):
        self.camera.background_color = THEME.background

    def tear_down(self):
        if self.end_card is not None:
            self._show_end_card()
        super().tear_down()

    @property
    def now(self) -> float:
        """Seconds of video so far."""
        return self.renderer.time

    # --- overlays -------------------------------------------------------------------------

    def add_overlay(self, *mobjects) -> None:
        """Fix mobjects in the frame, including children they swap in later.

        manim's camera remembers fixed mobjects one by one, so a rebuilt child would otherwise
        be drawn in 3D space; the updater re-registers the family after each update.
        """
        self.add_fixed_in_frame_mobjects(*mobjects)
        for mob in mobjects:
            mob.add_updater(lambda m: self.renderer.camera.add_fixed_in_frame_mobjects(m))

    def add_tracers(self, *tracers) -> None:
        """Add trajectory tracers with their balls turned to face the camera as it moves.

        The tracers of one call share a stage: their balls are drawn apart on screen where they
        would hide each other (a BallSpread over them, in the order given). The balls are also
        listed after all the tracers, so every ball is drawn over every trail (Cairo draws a
        mobject at its last place in the scene); ``remove`` takes a tracer's ball along."""
        self.add(*tracers, *(t.ball for t in tracers))
        BallSpread(tracers, view=camera_view(self.renderer.camera))
        self.renderer.camera.add_fixed_orientation_mobjects(*(t.ball for t in tracers))

    def remove(self, *mobjects):
        """Remove mobjects; a tracer's ball, listed apart by ``add_tracers``, goes with it."""
        balls = [m.ball for m in mobjects if isinstance(m, TrajectoryTracer)]
        return super().remove(*mobjects, *balls)

    # --- narration ------------------------------------------------------------------------

    def show_title(self, title: str, subtitle: str = "", hold: float = 2.0) -> None:
        """Opening card, alone on screen from frame 0 (a video or slide never opens black), then
        cleared for the lesson."""
        card = TitleCard(title, subtitle)
        text = title_cue(title, subtitle)
        hold = max(hold, self._speech_seconds(text) - FADE)
        self.add_fixed_in_frame_mobjects(card)
        self.cues.append(CardCue(self.now, self.now + FADE + hold, text))
        self.wait(FADE + hold)
        self.play(FadeOut(card), run_time=FADE)
        self.remove_fixed_in_frame_mobjects(card)

    @contextmanager
    def beat(self, text: str):
        """A caption and the animations that illustrate it (manim-voiceover's block shape):

            with self.beat(lesson_beat.caption) as clock:
                self.play(step.animate.set_value(k), run_time=clock.duration)

        The caption fades in as the beat starts and the block's plays run under it; the beat lasts
        until both they and its reading time (or speech) are done, and its cue ends there, with
        the beat's own picture. The caption then fades out before anything of the next beat is
        drawn. ``clock.duration`` is the reading time, ``clock.remaining`` what is left of it: give
        the block's animations that long and the picture moves while the words are read."""
        caption = Caption(text)
        start, self.open_beat = self.now, caption.text
        on_screen = self.caption_mode == "screen"
        if on_screen:
            self.add_fixed_in_frame_mobjects(caption)
            self.play(FadeIn(caption), run_time=FADE / 2)
        else:  # the same timing, so cues and slides do not depend on the mode
            self.wait(FADE / 2)
        clock = BeatClock(self, start, self._reading_seconds(text))
        yield clock
        frame = 1 / config.frame_rate
        if clock.remaining > frame / 2:  # (less is float noise: a wait would add a whole frame)
            self.wait(clock.remaining)
        if clock.remaining > frame / 2:  # manim truncates a wait's frames: 1.2 s at 5 fps gave 1.0 s
            self.wait(frame)
        self.open_beat = None
        self.cues.append(Cue(start, self.now, caption.text))
        if on_screen:
            self.play(FadeOut(caption), run_time=FADE / 2)
            self.remove_fixed_in_frame_mobjects(caption)
        else:
            self.wait(FADE / 2)

    def _reading_seconds(self, text: str) -> float:
        return max(MIN_CAPTION_SECONDS, len(text) / READING_CHARS_PER_SECOND, self._speech_seconds(text))

    def show_takeaway(self, text: str, hold: float = 6.0) -> None:
        """Closing card over a dimmed scene; its text is also the last subtitle cue."""
        dim = FullScreenRectangle(fill_color=THEME.background, fill_opacity=0.75, stroke_width=0)
        card = TakeawayCard(text)
        self.add_fixed_in_frame_mobjects(dim, card)
        spoken = takeaway_cue(text)
        hold = max(hold, self._speech_seconds(spoken) - FADE)
        self.play(FadeIn(dim), FadeIn(card), run_time=FADE)
        self.cues.append(CardCue(self.now - FADE, self.now + hold, spoken))
        self.wait(hold)

    def _speech_seconds(self, text: str) -> float:
        """How long ``text``'s beat must last for its speech (0 without a voice)."""
        return self.voice.seconds(text) if self.voice is not None else 0.0

    def _show_end_card(self) -> None:
        """The parameter card over everything, so a clip found later can be reproduced."""
        self.add_fixed_in_frame_mobjects(self.end_card)
        self.play(FadeIn(self.end_card), run_time=FADE)
        self.wait(self.end_card.hold)
