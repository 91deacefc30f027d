"""Batch rendering: plan jobs from config + overrides, skip cached ones, render the rest in
worker processes with live progress; each worker installs its files and manifest entry itself
(gdanim.store), so a dying parent can never leave files without their entry.

Jobs run in spawned worker processes (manim's global config never leaks into the parent), which
die with the parent however it dies. One failing scene does not stop the others.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gdanim.config import ConfigError, as_dict, build_params, load_config, parse_override
from gdanim.lifetime import become_worker
from gdanim.render import Job, JobResult, OutputSettings, cached_result, job_key, remove_stale_work, run_job
from gdanim.store import Store

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


_UPDATES = None  # a worker's queue to the parent's progress bars
_PARENT = 0  # the parent's pid


def _init_worker(updates, parent: int) -> None:
    """In each worker: report progress to ``updates``; die with the parent; SIGTERM unwinds
    like Ctrl-C, so the work folder is cleaned."""
    global _UPDATES, _PARENT
    _UPDATES, _PARENT = updates, parent
    become_worker(parent)


def _worker(job: Job, force: bool) -> JobResult:
    """Runs in a worker process: render one job, streaming seconds-done to the parent."""
    last = [0.0]

    def report(seconds):
        now = time.monotonic()
        if now - last[0] > 0.25:
            last[0] = now
            _UPDATES.put((job.manifest_id, seconds))

    _UPDATES.put((job.manifest_id, 0.0))  # started: the bar leaves "queued" (a split scene plans first)
    try:
        return run_job(job, progress=report, force=force)
    except KeyboardInterrupt:  # the work folder is cleaned by now
        if os.getppid() != _PARENT:  # orphaned: nobody will tell us to stop waiting for jobs
            os._exit(1)
        raise  # the parent is stopping the pool: it sends the sentinel and we exit cleanly


def expected_duration(job: Job, manifest: dict) -> float | None:
    """Seconds of video the job will produce, for the ETA: its own last render, else the
    latest render of the same scene at any quality or params (lengths rarely change with
    them), else unknown (the bar then shows seconds done and elapsed time only)."""
    outputs = manifest.get("outputs", {})
    if outputs.get(job.manifest_id, {}).get("duration"):
        return outputs[job.manifest_id]["duration"]
    same_scene = [e for e in outputs.values() if e.get("scene") == job.scene and e.get("duration")]
    return same_scene[-1]["duration"] if same_scene else None


def run_batch(jobs: list[Job], *, jobs_in_parallel: int = 1, segment_workers: int | None = None,
              force: bool = False, console=None, show_progress: bool = True) -> list[JobResult]:
    """Render the jobs not already cached in ``jobs_in_parallel`` processes; returns one result
    per job, in order. A job listed twice renders once. With fewer jobs to render than
    ``segment_workers`` (default: ``jobs_in_parallel``; a Dask cluster's worker count), each
    is split into segments so every worker has one (gdanim.segments: the same video)."""
    unique = list({job.manifest_id: job for job in jobs}.values())
    for root in {job.settings.out_dir for job in unique}:
        remove_stale_work(root / ".work")  # a dead render's folder goes, whether or not we render
    results: dict[str, JobResult] = {}
    todo = []
    for job in unique:
        entry = None if force else Store(job.settings.out_dir).cached(job)
        if entry is not None:
            results[job.manifest_id] = cached_result(job, entry)
        else:
            todo.append(job)
    if todo:
        todo = split_jobs(todo, segment_workers or jobs_in_parallel)
        results.update(_render_in_workers(todo, jobs_in_parallel, force, console, show_progress))
    return [results[job.manifest_id] for job in jobs]


def split_jobs(todo: list[Job], workers: int) -> list[Job]:
    """The jobs, each split into ``workers // len(todo)`` segments (at least 1)."""
    segments = max(1, workers // len(todo))
    return [dataclasses.replace(job, settings=dataclasses.replace(job.settings, segments=segments))
            for job in todo]


def _render_in_workers(todo: list[Job], workers: int, force: bool, console, show_progress) -> dict:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    results = {}
    ctx = multiprocessing.get_context("spawn")
    updates = ctx.Queue()
    pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=ctx,
                               initializer=_init_worker, initargs=(updates, os.getpid()))
    columns = (TextColumn("{task.description:<24}"), BarColumn(), TextColumn("{task.fields[state]}"),
               TimeElapsedColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, disable=not show_progress, transient=False) as bar:
            tasks = {}
            for job in todo:
                total = expected_duration(job, Store(job.settings.out_dir).read())
                tasks[job.manifest_id] = bar.add_task(job.scene, total=total, state="queued")
            futures = {pool.submit(_worker, job, force): job for job in todo}
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
                        result = JobResult(job, "failed", error=f"worker died: {type(exc).__name__}")
                    results[job.manifest_id] = result
                    task = tasks[job.manifest_id]
                    if result.status in ("rendered", "cached"):
                        bar.update(task, total=result.duration or 1, completed=result.duration or 1,
                                   state="done" if result.status == "rendered" else "cached")
                    else:
                        bar.update(task, state="[red]failed")
                time.sleep(0.1)
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # SIGTERM: each worker unwinds and removes its work folder
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        updates.close()
        updates.join_thread()
    return results

