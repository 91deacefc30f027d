"""The lesson data types: cue texts as a render records them, captions that fit their lines."""

import pytest

from gdanim.lessons.plan import Beat, Lesson, takeaway_cue, title_cue


def test_title_cues_read_as_sentences():
    assert title_cue("Gradient descent", "feel the slope") == "Gradient descent: feel the slope"
    assert title_cue("When to stop?", "three stopping rules") == "When to stop? Three stopping rules"
    assert title_cue("Momentum", "") == "Momentum"
    assert takeaway_cue("Small  steps\nwin.") == "Takeaway: Small steps win."


def test_a_lesson_lists_its_cues_in_order_and_a_long_caption_is_refused():
    lesson = Lesson("Title", "sub", (Beat("a", "One."), Beat("b", "Two.")), "Done.")
    assert lesson.cue_texts() == ["Title: sub", "One.", "Two.", "Takeaway: Done."]
    assert [b.caption for b in lesson.beats_of("b")] == ["Two."]
    with pytest.raises(ValueError, match="split it into two beats"):
        Beat("c", "word " * 40)
