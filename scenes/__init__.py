"""The lesson scenes: one lesson per module, each a LessonScene with a Params dataclass."""
