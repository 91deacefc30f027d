"""A lesson's script as text: Markdown for notes and handouts (what `gdanim script` prints)."""

from __future__ import annotations

from gdanim.lessons.plan import Lesson


def to_markdown(scene: str, lesson: Lesson) -> str:
    """Title, subtitle, every beat's caption in order, the takeaway."""
    lines = [f"# {lesson.title}", "", f"*{lesson.subtitle}*" if lesson.subtitle else "", ""]
    lines = [line for i, line in enumerate(lines) if line or i != 2]
    lines += [f"{i}. {beat.caption}" for i, beat in enumerate(lesson.beats, start=1)]
    lines += ["", f"**Takeaway:** {' '.join(lesson.takeaway.split())}", "",
              f"<!-- gdanim script {scene}: the captions of this scene for these parameters -->"]
    return "\n".join(lines) + "\n"
