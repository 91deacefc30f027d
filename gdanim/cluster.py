"""Render segments on a Dask cluster: ``gdanim render --scheduler tcp://HOST:8786``.

Each scene is still planned, joined and installed by a local worker (so the manifest and its
files stay on this machine); its segments are Dask tasks (``gdanim.segments.render_segment``),
one per worker process of the cluster. Specs go out and videos come back through Dask as bytes:
the workers need the same gdanim, scenes and manim installed (checked before anything runs),
not a shared filesystem. Needs the optional extra: ``pip install 'gdanim[dask]'``.
"""

from __future__ import annotations

from pathlib import Path

CONNECT_SECONDS = 10


class ClusterError(Exception):
    """The scheduler cannot be used: one line naming the fix."""


def installed() -> dict:
    """What must match between this machine and every worker for the same frames: gdanim's
    version and code, the course scenes' code, manim's version."""
    import scenes
    from gdanim.render import source_digest, versions

    return {**versions(), "scenes_source": source_digest(Path(scenes.__file__).parent)}


def connect(address: str, timeout: float = CONNECT_SECONDS):
    """A client of the scheduler at ``address`` (ClusterError if distributed is missing or the
    scheduler does not answer)."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--scheduler needs Dask's distributed: pip install 'gdanim[dask]'") from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({reason[:120]}): start one with "
                           f"`dask scheduler` and workers with `dask worker {address}`, or drop --scheduler") from None


def check_cluster(address: str) -> int:
    """The number of worker processes at ``address``, after checking each runs what this
    machine runs (ClusterError naming the first difference)."""
    with connect(address) as client:
        found = client.run(installed)
        if not found:
            raise ClusterError(f"the Dask scheduler at {address} has no workers: start some with "
                               f"`dask worker {address} --nthreads 1`")
        here = installed()
        for worker, there in found.items():
            differ = [k for k in here if here[k] != there.get(k)]
            if differ:
                k = differ[0]
                raise ClusterError(f"Dask worker {worker} runs {k} {there.get(k)}, this machine {here[k]}: "
                                   f"install the same gdanim, scenes and manim on every worker")
        try:  # the scheduler unpickles each task, so it needs gdanim too
            there = client.run_on_scheduler(installed)
        except Exception as err:
            raise ClusterError(f"the Dask scheduler at {address} cannot run gdanim ({type(err).__name__}): "
                               f"start `dask scheduler` where gdanim is installed, as on the workers") from None
        if there != here:
            k = next(k for k in here if here[k] != there.get(k))
            raise ClusterError(f"the Dask scheduler at {address} runs {k} {there.get(k)}, this machine {here[k]}: "
                               f"install the same gdanim, scenes and manim there")
        return len(found)


class DaskSegments:
    """A ``run`` for ``gdanim.segments.render_segmented``: each spec a Dask task, results
    yielded as they finish (a context: closes its client)."""

    def __init__(self, address: str):
        self.client = connect(address)

    def __call__(self, function, specs):
        from distributed import as_completed

        futures = self.client.map(function, specs, pure=False)
        for future in as_completed(futures, loop=self.client.loop):
            try:
                result = future.result()
            except RuntimeError as err:
                raise RuntimeError(unloadable(err)) from None
            yield result

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.client.close()


def unloadable(err: Exception) -> str:
    """Dask's multi-line "Error during deserialization of the task graph" as one line naming the
    fix: the scheduler or a worker cannot import a module the task names (a scene module of the
    teacher's own, GDANIM_SCENE_MODULES, that only this machine has)."""
    message = str(err)
    if "deserializ" not in message:
        return message
    return ("the Dask cluster cannot load this scene's task: make its module importable on the scheduler "
            "and every worker (same gdanim and scenes; GDANIM_SCENE_MODULES and PYTHONPATH)")
