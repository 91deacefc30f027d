"""Regenerate tests/fixtures/torch_golden.json.

Golden reference trajectories for the numpy re-implementation of torch.optim
optimizers and learning-rate schedulers, so the tests can run without torch.

Needs torch, which is NOT a project dependency. Install it in a throwaway venv
and run from the repository root:

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchenv/bin/python scripts/make_torch_golden.py

Everything is computed in float64. Optimizers are built with foreach=False
(the simple single-tensor reference path); "kwargs" in the JSON lists only the
hyper-parameters that matter for the maths (betas written as a list).
"""

import inspect
import json
import math
import warnings
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "torch_golden.json"

ROSEN_START = [-1.2, 1.0]
VALLEY_START = [2.0, 1.0]
STEPS = 20
SCHED_STEPS = 30


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def valley(p):
    x, y = p[0], p[1]
    return x**2 + 10 * y**2


LANDSCAPES = {"rosenbrock": rosenbrock, "valley": valley}

# (id, class name, kwargs, landscape, start)
OPTIMIZER_CASES = [
    ("sgd_plain", "SGD", {"lr": 0.001}, "rosenbrock", ROSEN_START),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}, "valley", VALLEY_START),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, "valley", VALLEY_START),
    ("sgd_dampening_wd", "SGD",
     {"lr": 0.05, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}, "valley", VALLEY_START),
    ("adagrad_plain", "Adagrad", {"lr": 0.5}, "valley", VALLEY_START),
    ("adagrad_all", "Adagrad",
     {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2, "weight_decay": 0.05, "eps": 1e-10},
     "rosenbrock", ROSEN_START),
    ("rmsprop_plain", "RMSprop", {"lr": 0.01}, "rosenbrock", ROSEN_START),
    ("rmsprop_all", "RMSprop",
     {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}, "valley", VALLEY_START),
    ("adam_plain", "Adam", {"lr": 0.1}, "rosenbrock", ROSEN_START),
    ("adam_amsgrad_wd", "Adam",
     {"lr": 0.1, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}, "rosenbrock", ROSEN_START),
    ("adamw_plain", "AdamW", {"lr": 0.1, "weight_decay": 0.1}, "valley", VALLEY_START),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "amsgrad": True}, "rosenbrock", ROSEN_START),
    ("adam_eps", "Adam", {"lr": 0.1, "eps": 1e-3}, "valley", VALLEY_START),
]


def jsonable(kwargs):
    return {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}


def run_optimizer(case_id, cls_name, kwargs, landscape, start):
    cls = getattr(torch.optim, cls_name)
    extra = {"foreach": False} if "foreach" in inspect.signature(cls).parameters else {}
    f = LANDSCAPES[landscape]
    p = torch.tensor(start, requires_grad=True)
    opt = cls([p], **kwargs, **extra)
    positions = [p.detach().tolist()]
    grads = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = f(p)
        loss.backward()
        grads.append(p.grad.detach().tolist())
        opt.step()
        positions.append(p.detach().tolist())
    return {
        "id": case_id,
        "torch_class": cls_name,
        "kwargs": jsonable(kwargs),
        "landscape": landscape,
        "start": list(start),
        "steps": STEPS,
        "positions": positions,
        "grads": grads,
    }


S = torch.optim.lr_scheduler

# (id, torch_class description, kwargs, base_lr, factory(opt) -> scheduler)
SCHEDULE_CASES = [
    ("step", "StepLR", {"step_size": 7, "gamma": 0.5}, 0.1,
     lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    ("exponential", "ExponentialLR", {"gamma": 0.9}, 0.1,
     lambda o: S.ExponentialLR(o, gamma=0.9)),
    ("cosine", "CosineAnnealingLR", {"T_max": 20, "eta_min": 0.001}, 0.1,
     lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.001)),
    ("cyclic", "CyclicLR",
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "mode": "triangular", "cycle_momentum": False}, 0.01,
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular",
                          cycle_momentum=False)),
    ("cyclic_asym", "CyclicLR",
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "step_size_down": 6, "mode": "triangular",
      "cycle_momentum": False}, 0.01,
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=6,
                          mode="triangular", cycle_momentum=False)),
    ("warmup_exponential", "SequentialLR[LinearLR, ExponentialLR]",
     {"schedulers": [
         {"torch_class": "LinearLR", "kwargs": {"start_factor": 0.25, "total_iters": 5}},
         {"torch_class": "ExponentialLR", "kwargs": {"gamma": 0.9}}],
      "milestones": [5]}, 0.1,
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=5),
                                  S.ExponentialLR(o, gamma=0.9)], milestones=[5])),
    ("warmup_constant", "LinearLR", {"start_factor": 0.25, "total_iters": 5}, 0.1,
     lambda o: S.LinearLR(o, start_factor=0.25, total_iters=5)),
    ("cosine_warmup", "SequentialLR[LinearLR, CosineAnnealingLR]",
     {"schedulers": [
         {"torch_class": "LinearLR", "kwargs": {"start_factor": 0.1, "total_iters": 3}},
         {"torch_class": "CosineAnnealingLR", "kwargs": {"T_max": 10, "eta_min": 0.0}}],
      "milestones": [3]}, 0.1,
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3),
                                  S.CosineAnnealingLR(o, T_max=10, eta_min=0.0)], milestones=[3])),
]


def run_schedule(case_id, cls_desc, kwargs, base_lr, factory):
    p = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = factory(opt)
    lrs = []
    for _ in range(SCHED_STEPS):
        lrs.append(float(opt.param_groups[0]["lr"]))
        p.grad = torch.zeros_like(p)
        opt.step()
        sched.step()
    return {
        "id": case_id,
        "torch_class": cls_desc,
        "kwargs": kwargs,
        "base_lr": base_lr,
        "steps": SCHED_STEPS,
        "lrs": lrs,
    }


def main():
    warnings.filterwarnings("ignore")
    data = {
        "torch_version": torch.__version__,
        "optimizers": [run_optimizer(*c) for c in OPTIMIZER_CASES],
        "schedules": [run_schedule(*c) for c in SCHEDULE_CASES],
    }
    for case in data["optimizers"]:
        for xy in case["positions"] + case["grads"]:
            assert all(math.isfinite(v) for v in xy), case["id"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
