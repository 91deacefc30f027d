"""What every HTML page gdanim writes (slides, gallery, explorer) starts with: a format string
whose one field is ``{title}`` (already escaped). The favicon is empty so no page requests one."""

PAGE_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
"""
