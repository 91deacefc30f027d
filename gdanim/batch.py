"""Batch rendering: plan jobs from config + overrides, skip cached ones, render the rest in
worker processes with live progress, record everything in the manifest.

Each job runs in its own process (spawned, so manim's global config never leaks between
scenes) with its own TeX and text folders. One failing scene does not stop the others.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gdanim.config import ConfigError, as_dict, build_params, load_config, parse_override
from gdanim.render import (
    Job, JobResult, OutputSettings, is_cached, job_key, manifest_entry, read_manifest, run_job,
    write_manifest,
)

DEFAULT_CONFIG = Path("gdanim.toml")


def plan_jobs(names: list[str], settings: OutputSettings, *, config_path: Path | None,
              overrides: list[str], scenes: dict[str, type]) -> list[Job]:
    """Validate everything up front (unknown scene/key, bad type, bad TOML -> ConfigError),
    so a bad request writes nothing."""
    jobs = []
    for name, cls, params in resolve_params(names, config_path=config_path, overrides=overrides,
                                            scenes=scenes):
        resolved = as_dict(params)
        jobs.append(Job(name, resolved, settings, job_key(cls, resolved, settings)))
    return jobs


def resolve_params(names: list[str], *, config_path: Path | None, overrides: list[str],
                   scenes: dict) -> list[tuple[str, object, object]]:
    """(name, scene, params object) for each chosen scene: the config's table (default
    ./gdanim.toml) under the ``--set`` overrides, every value checked. ``scenes`` maps names to
    anything with a ``Params`` class (scene classes, or lesson modules for ``gdanim script``)."""
    from gdanim.catalog import get_scene

    config = {"scenes": {}}
    if config_path is not None:
        config = load_config(config_path)
    elif DEFAULT_CONFIG.is_file():
        config = load_config(DEFAULT_CONFIG)
    tables = config["scenes"]
    for name in tables:
        _known(name, scenes)
    per_scene: dict[str, dict] = {name: dict(values) for name, values in tables.items()}
    for text in overrides:
        scene, key, value = parse_override(text)
        _known(scene, scenes)
        per_scene.setdefault(scene, {})[key] = value
    chosen = list(names) if names else (list(tables) or list(scenes))
    resolved = []
    for name in chosen:
        cls = _known(name, scenes)
        params = build_params(cls.Params, per_scene.get(name, {}), where=name)
        for scene, values in per_scene.items():  # validate overrides of scenes not rendered too
            if scene != name and scene not in chosen:
                build_params(get_scene(scene, scenes).Params, values, where=scene)
        resolved.append((name, cls, params))
    return resolved


def _known(name: str, scenes: dict[str, type]) -> type:
    from gdanim.catalog import get_scene

    try:
        return get_scene(name, scenes)
    except KeyError as err:
        raise ConfigError(err.args[0]) from None


def _worker(job: Job, progress_queue) -> JobResult:
    """Runs in a worker process: render one job, streaming seconds-done to the parent."""
    last = [0.0]

    def report(seconds):
        now = time.monotonic()
        if now - last[0] > 0.25:
            last[0] = now
            progress_queue.put((job.manifest_id, seconds))

    return run_job(job, progress=report)


def expected_duration(job: Job, manifest: dict) -> float | None:
    """Seconds of video the job will produce, for the ETA: its own last render, else the
    latest render of the same scene at any quality or params (lengths rarely change with
    them), else unknown (the bar then shows seconds done and elapsed time only)."""
    outputs = manifest.get("outputs", {})
    if outputs.get(job.manifest_id, {}).get("duration"):
        return outputs[job.manifest_id]["duration"]
    same_scene = [e for e in outputs.values() if e.get("scene") == job.scene and e.get("duration")]
    return same_scene[-1]["duration"] if same_scene else None


def run_batch(jobs: list[Job], *, jobs_in_parallel: int = 1, force: bool = False, console=None,
              show_progress: bool = True) -> list[JobResult]:
    """Render the jobs not already cached; returns one result per job, in order."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    out_dirs = {job.settings.out_dir for job in jobs}
    manifests = {d: read_manifest(d) for d in out_dirs}
    results: dict[str, JobResult] = {}
    todo = []
    for job in jobs:
        manifest = manifests[job.settings.out_dir]
        if not force and is_cached(job, manifest):
            entry = manifest["outputs"][job.manifest_id]
            results[job.manifest_id] = JobResult(
                job, "cached", files={k: Path(v) for k, v in entry["files"].items()},
                duration=entry["duration"], frames=entry["frames"], size=entry["size"])
        else:
            todo.append(job)

    if todo:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager, ProcessPoolExecutor(max_workers=jobs_in_parallel, mp_context=ctx) as pool:
            updates = manager.Queue()
            columns = (TextColumn("{task.description:<24}"), BarColumn(), TextColumn("{task.fields[state]}"),
                       TimeElapsedColumn(), TimeRemainingColumn())
            with Progress(*columns, console=console, disable=not show_progress, transient=False) as bar:
                tasks = {}
                for job in todo:
                    total = expected_duration(job, manifests[job.settings.out_dir])
                    tasks[job.manifest_id] = bar.add_task(job.scene, total=total, state="queued")
                futures = {pool.submit(_worker, job, updates): job for job in todo}
                pending = set(futures)
                while pending:
                    try:
                        while True:
                            ident, seconds = updates.get_nowait()
                            bar.update(tasks[ident], completed=seconds, state=f"{seconds:5.1f} s of video")
                    except queue.Empty:
                        pass
                    for future in [f for f in pending if f.done()]:
                        pending.discard(future)
                        job = futures[future]
                        try:
                            result = future.result()
                        except Exception as exc:  # the worker process itself died
                            result = JobResult(job, "failed", error=f"worker died: {exc}")
                        results[job.manifest_id] = result
                        task = tasks[job.manifest_id]
                        if result.status == "rendered":
                            bar.update(task, total=result.duration or 1, completed=result.duration or 1,
                                       state="done")
                            manifest = manifests[job.settings.out_dir]
                            manifest.setdefault("outputs", {})[job.manifest_id] = manifest_entry(result)
                            write_manifest(job.settings.out_dir, manifest)
                        else:
                            bar.update(task, state="[red]failed")
                    time.sleep(0.1)
    return [results[job.manifest_id] for job in jobs]
