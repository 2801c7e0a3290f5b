"""A class training at once: N default runs started together through the job manager, one worker each.

    python bench/class_jobs.py --device cuda --jobs 1,8,30
    python bench/class_jobs.py --device cpu --jobs 1,2 --tiny      # a smoke run in a minute
    python bench/class_jobs.py --device cuda --jobs 30 --executor local,ray   # the same class through Ray too

For each N it submits N runs of the default settings (seeds 0..N-1) to a JobManager allowed N jobs
at once on the device, waits for all, and prints the wall time from the first submit to the last
finish, the aggregate images/s (every run's trained images / that wall time), the speed-up over
N = 1, the runs' final states, the median of the runs' own training time and, on CUDA, the peak
GPU memory of one worker (nvidia-smi). Worker start-up, data loading, epoch-end samples, metrics
and saving are all inside the wall time: it is what a class waits. --tiny trains 1 epoch on 512
digits without metrics. Ends with one line of JSON.

--executor ray trains through a Ray cluster instead of worker processes (one actor per run, its files
pulled into the run folder): `--cluster ADDRESS`, else a one-node cluster of this machine that the bench
starts and stops itself (all its cores and GPUs, the GPUs' memory declared). With several executors the
table is printed once per executor, each against its own N = 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan_core.runs.checkpoints import RunDir  # noqa: E402
from gan_core.config import TrainConfig  # noqa: E402
from gan_core.data import ImageDataset, load_dataset  # noqa: E402
from gan_core.devices import cpu_cores  # noqa: E402
from gan_core.jobs.manager import JobManager  # noqa: E402


class PeakWorkerMemory:
    """Samples nvidia-smi's per-process GPU memory in a thread; the largest one process used."""

    def __init__(self) -> None:
        self.peak_mib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.available = shutil.which("nvidia-smi") is not None

    def __enter__(self) -> "PeakWorkerMemory":
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join(5)

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            try:
                out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                                     capture_output=True, text=True, timeout=10).stdout
                used = [int(line.split(",")[1]) for line in out.strip().splitlines() if "," in line]
                self.peak_mib = max([self.peak_mib, *used])
            except (OSError, subprocess.SubprocessError, ValueError):
                return


def run_class(n: int, config: TrainConfig, options: dict, root: Path, timeout: float, executor=None) -> dict:
    manager = JobManager(max_per_device=n, trainer_options=options, executor=executor)
    started, cpu_before = time.perf_counter(), time.process_time()
    try:
        with PeakWorkerMemory() if config.device == "cuda" else _nothing() as memory:
            jobs = [manager.submit(replace(config, seed=seed), f"class-{n}-{seed}", root) for seed in range(n)]
            for job in jobs:
                manager.wait(job, timeout=max(1.0, timeout - (time.perf_counter() - started)))
    finally:
        manager.shutdown(timeout=60)
    wall = time.perf_counter() - started
    server_cpu = time.process_time() - cpu_before  # this process only: what watching the class costs the server
    images, train_seconds = 0, []
    for job in jobs:
        info = RunDir(job.run_name, root).read_info()
        images += int(info["summary"]["steps"]) * config.batch_size * config.d_steps
        train_seconds.append(float(info["summary"]["train_seconds"]))
    return {
        "jobs": n, "wall_seconds": round(wall, 2), "images_per_second": round(images / wall, 1), "images": images,
        "states": dict(Counter(job.state for job in jobs)),
        "median_train_seconds": round(statistics.median(train_seconds), 2),
        # while a run trains, how fast it goes (start-up and waiting for a slot excluded): alone, the rate
        # at which one job keeps the device busy; the class's images/s cannot exceed what the device does
        "train_images_per_second": round(images / n / statistics.median(train_seconds), 1),
        "peak_worker_gpu_mib": getattr(memory, "peak_mib", None),
        "server_cpu_seconds": round(server_cpu, 2),
    }


def print_table(results: list[dict]) -> None:
    base = results[0]["images_per_second"] / results[0]["jobs"] if results and results[0]["jobs"] == 1 else None
    print(f"{'runs':>5} {'wall s':>8} {'images/s':>10} {'x one job':>9} {'median train s':>14} {'while training':>14} "
          f"{'GPU MiB/worker':>14}  states",
          file=sys.stderr)
    for r in results:
        r["speedup"] = round(r["images_per_second"] / base, 2) if base else None
        print(f"{r['jobs']:>5} {r['wall_seconds']:>8.1f} {r['images_per_second']:>10.0f} "
              f"{r['speedup'] if r['speedup'] is not None else '-':>9} {r['median_train_seconds']:>14.1f} "
              f"{r['train_images_per_second']:>14.0f} "
              f"{r['peak_worker_gpu_mib'] if r['peak_worker_gpu_mib'] is not None else '-':>14}  "
              f"{', '.join(f'{k} {v}' for k, v in r['states'].items())}", file=sys.stderr)


@contextlib.contextmanager
def executor_named(name: str, cluster: str | None):
    """None for the local executor (the manager's default); for ray, an executor of `cluster`, else of a one-node
    cluster of this machine started here (token authentication on, with a token of this run only) and stopped after."""
    if name == "local":
        yield None
        return
    import ray

    from gan_core.jobs import ray_cluster
    from gan_core.jobs.ray_executor import RayExecutor

    if cluster:
        yield RayExecutor(cluster)
        return
    os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))  # never written to ~/.ray
    ray_cluster.use_token_authentication()
    gib = ray_cluster.gpu_memory_gib()
    ray.init(num_cpus=cpu_cores(), resources={ray_cluster.GPU_MEMORY_RESOURCE: gib} if gib else None,
             object_store_memory=200 * 2**20, include_dashboard=False, namespace=ray_cluster.NAMESPACE,
             logging_level="ERROR", log_to_driver=False)
    try:
        yield RayExecutor(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


class _nothing:
    def __enter__(self) -> "_nothing":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu", "mps"])
    parser.add_argument("--jobs", default="1,8,30", help="comma-separated numbers of runs at once (default: 1,8,30)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per run (default: the default run's)")
    parser.add_argument("--tiny", action="store_true", help="smoke settings: 1 epoch on 512 digits, no metrics")
    parser.add_argument("--cpu-settings", action="store_true",
                        help="train the CPU-sized default (what a laptop trains) on the device instead of its own")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for one N (default: 3600)")
    parser.add_argument("--json-out", metavar="FILE", help="also write the JSON result here")
    parser.add_argument("--executor", default="local", help="local, ray, or both as local,ray (default: local)")
    parser.add_argument("--cluster", metavar="ADDRESS", help="with ray: an existing cluster (default: start one here)")
    args = parser.parse_args()
    executors = [name.strip() for name in args.executor.split(",") if name.strip()]
    if not executors or set(executors) - {"local", "ray"}:
        parser.error(f"--executor takes local, ray or local,ray, got {args.executor!r}")
    counts = [int(part) for part in args.jobs.split(",") if part.strip()]

    # what a student's Start gets there (a GPU: the wider model), or with --cpu-settings a laptop's
    config = TrainConfig.for_model(device="cpu" if args.cpu_settings else args.device)
    config.device = args.device
    options: dict = {}
    if args.tiny:
        data = load_dataset("mnist-5k")
        order = torch.randperm(len(data), generator=torch.Generator().manual_seed(0))[:512]
        options = {"data": ImageDataset("mnist-5k", data.images[order], data.labels[order]), "evaluate": None}
        config = replace(config, epochs=1)
    if args.epochs:
        config = replace(config, epochs=args.epochs)
    config.validate()

    device_name = torch.cuda.get_device_name(0) if args.device == "cuda" and torch.cuda.is_available() else platform.processor() or "cpu"
    print(f"{len(counts)} class sizes of {config.model} runs, {config.epochs} epoch(s) each, on {args.device} "
          f"({device_name}, {cpu_cores()} CPU cores){' [tiny]' if args.tiny else ''}", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory(prefix="class-jobs-") as folder:
        for name in executors:
            with executor_named(name, args.cluster) as executor:
                for n in counts:
                    result = run_class(n, config, options, Path(folder) / name, args.timeout, executor)
                    results.append({"executor": name, **result})
    for name in executors:
        if len(executors) > 1:
            print(f"executor: {name}", file=sys.stderr)
        print_table([r for r in results if r["executor"] == name])
    if len(executors) > 1:  # the class's throughput through Ray against worker processes, N by N
        local = {r["jobs"]: r for r in results if r["executor"] == "local"}
        for r in (r for r in results if r["executor"] == "ray" and r["jobs"] in local):
            mine = local[r["jobs"]]
            print(f"{r['jobs']} runs: ray / local images/s = {r['images_per_second'] / mine['images_per_second']:.3f}, "
                  f"wall {r['wall_seconds'] / mine['wall_seconds']:.3f}x; the server's own CPU "
                  f"{r['server_cpu_seconds']:.1f} s (ray) vs {mine['server_cpu_seconds']:.1f} s (local)", file=sys.stderr)
    report = {"device": args.device, "device_name": device_name, "cpu_cores": cpu_cores(), "model": config.model,
              "epochs": config.epochs, "settings": config.to_dict(), "tiny": args.tiny, "results": results}
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report) + "\n")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
