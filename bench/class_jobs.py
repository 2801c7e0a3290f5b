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

Workers come from a warm pool as on a server (gan_core/jobs/pool.py; --warm-workers, 0 for none): the
pool is filled before the runs are submitted, as a server fills it when it starts, and what it costs
is printed (resident and private memory per warm worker; GPU memory per warm worker on CUDA). Per run
it prints the seconds from Start (the submit) to the run's first history record and to its first
samples (a preview or an epoch snapshot), and whether NVIDIA MPS is on (gan_core.devices.nvidia_mps_running).
At the end it judges each run's last recorded epoch (its own metrics, 500 samples) by what "draws digits" means in
bench/time_to_digits.py, and prints how many runs do and the medians. Every setting has its flag, as `python -m
gan_core train` has (`--no-bfloat16` trains the GPU default in float32, `--lr-g 5e-4` halves G's learning rate): the
default changed, over a class of seeds.
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
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan_core.runs.checkpoints import RunDir  # noqa: E402
from gan_core.cli import add_setting_flags, setting_flags  # noqa: E402
from gan_core.config import TrainConfig  # noqa: E402
from gan_core.data import ImageDataset, load_dataset  # noqa: E402
from gan_core.devices import cpu_cores, nvidia_mps_running  # noqa: E402
from gan_core.errors import GanLabError  # noqa: E402
from gan_core.history import read_log  # noqa: E402
from gan_core.jobs.executors import Executor, LocalExecutor, default_job_limit  # noqa: E402
from gan_core.jobs.manager import JobManager  # noqa: E402
from gan_core.jobs.pool import configured_warm_workers  # noqa: E402
from gan_core.models import DEFAULT_MODEL  # noqa: E402
from time_to_digits import TARGETS  # noqa: E402 - bench/'s own: what "draws digits" means


class PeakWorkerMemory:
    """Samples nvidia-smi in a thread: the largest GPU memory one process used, and how busy the GPU was;
    and how busy this machine's CPUs were (/proc/stat), for every N."""

    def __init__(self, gpu: bool) -> None:
        self.peak_mib = 0
        self.gpu_busy: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.available = gpu and shutil.which("nvidia-smi") is not None
        self._cpu_start = _cpu_times()

    def __enter__(self) -> "PeakWorkerMemory":
        self._cpu_start = _cpu_times()
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.cpu_busy = _busy_between(self._cpu_start, _cpu_times())
        if self.available:
            self._thread.join(5)

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            try:
                out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                                     capture_output=True, text=True, timeout=10).stdout
                used = [int(line.split(",")[1]) for line in out.strip().splitlines() if "," in line]
                self.peak_mib = max([self.peak_mib, *used])
                busy = subprocess.run(["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits", "-i", "0"],
                                      capture_output=True, text=True, timeout=10).stdout
                self.gpu_busy.append(float(busy.strip().splitlines()[0]))
            except (OSError, subprocess.SubprocessError, ValueError, IndexError):
                return


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot, where /proc/stat tells."""
    try:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def _busy_between(start: tuple[int, int] | None, end: tuple[int, int] | None) -> float | None:
    if start is None or end is None or end[1] == start[1]:
        return None
    return round(100 * (end[0] - start[0]) / (end[1] - start[1]), 1)


class FirstSigns:
    """Watches every run's folder from a thread: when, after its Start, its first history record and its first
    samples (a preview or an epoch snapshot) appeared, as a page that polls the folder would see them."""

    def __init__(self) -> None:
        self.started: dict[str, tuple[RunDir, float]] = {}
        self.first_record: dict[str, float] = {}
        self.first_samples: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def add(self, run: RunDir, started: float) -> None:
        with self._lock:
            self.started[run.name] = (run, started)

    def close(self) -> None:
        self._look()
        self._stop.set()
        self._thread.join(5)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self._look()

    def _look(self) -> None:
        with self._lock:
            waiting = [(name, run, started) for name, (run, started) in self.started.items()
                       if name not in self.first_record or name not in self.first_samples]
        for name, run, started in waiting:
            now = time.perf_counter() - started
            if name not in self.first_record and run.log_path.exists() and run.log_path.stat().st_size > 0:
                self.first_record[name] = round(now, 2)
            if name not in self.first_samples and (run.preview_path.exists() or run.snapshot_epochs()):
                self.first_samples[name] = round(now, 2)


def warm_pool_cost(executor: LocalExecutor, n: int, gpu: bool, timeout: float) -> dict:
    """Fill the executor's pool (as a server does when it starts) and say what its waiting workers cost."""
    if getattr(executor, "pool", None) is None:  # no pool: none asked for, or runs train on a cluster
        return {"warm_workers": 0}
    started = time.perf_counter()
    ready = executor.pool.wait_ready(timeout=timeout)
    workers = [worker for worker in executor.pool.status() if worker.ready]
    cost = {"warm_workers": len(workers), "pool_ready": ready, "pool_fill_seconds": round(time.perf_counter() - started, 2),
            "rss_mib_per_warm_worker": round(statistics.median(w.rss_bytes for w in workers) / 2**20) if workers else None,
            "private_mib_per_warm_worker": round(statistics.median(w.private_bytes for w in workers) / 2**20) if workers else None,
            "gpu_mib_per_warm_worker": None}
    if gpu and shutil.which("nvidia-smi") and workers:
        try:
            out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                                 capture_output=True, text=True, timeout=10).stdout
            used = {int(p): int(m) for p, m in (line.split(",") for line in out.strip().splitlines() if "," in line)}
            mine = [used[w.pid] for w in workers if w.pid in used]
            cost["gpu_mib_per_warm_worker"] = statistics.median(mine) if mine else None
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    return cost


def run_class(n: int, config: TrainConfig, options: dict, root: Path, timeout: float, warm_workers: int,
              make_executor: Callable[[int], Executor] | None = None) -> dict:
    """N runs started together through an executor of `make_executor(warm workers)` (default: this machine's
    worker processes), each with a warm pool as a server keeps (of which N are used here)."""
    executor = (make_executor or LocalExecutor)(min(warm_workers, n))
    manager = JobManager(max_per_device=n, trainer_options=options, executor=executor)
    signs = FirstSigns()
    cpu_before = time.process_time()
    try:
        pool = warm_pool_cost(executor, n, config.device == "cuda", timeout)
        started = time.perf_counter()
        with PeakWorkerMemory(config.device == "cuda") as memory:
            jobs = []
            for seed in range(n):
                pressed = time.perf_counter()
                jobs.append(manager.submit(replace(config, seed=seed), f"class-{n}-{seed}", root))
                signs.add(jobs[-1].run, pressed)
            for job in jobs:
                manager.wait(job, timeout=max(1.0, timeout - (time.perf_counter() - started)))
        wall = time.perf_counter() - started  # to the last run's end (not the pool's shutdown after it)
    finally:
        manager.shutdown(timeout=60)
        signs.close()
    server_cpu = time.process_time() - cpu_before  # this process only: what watching the class costs the server
    images, train_seconds, runs = 0, [], []
    for job in jobs:
        info = RunDir(job.run_name, root).read_info()
        images += int(info["summary"]["steps"]) * config.batch_size * config.d_steps
        train_seconds.append(float(info["summary"]["train_seconds"]))
        runs.append({"run": job.run_name, **last_metrics(RunDir(job.run_name, root)),
                     "first_record_seconds": signs.first_record.get(job.run_name),
                     "first_samples_seconds": signs.first_samples.get(job.run_name),
                     "train_seconds": train_seconds[-1],
                     "start_to_end_seconds": round(job.finished_at - job.submitted, 2) if job.finished_at else None})
    firsts = [r["first_record_seconds"] for r in runs if r["first_record_seconds"] is not None]
    pictures = [r["first_samples_seconds"] for r in runs if r["first_samples_seconds"] is not None]
    return {
        "jobs": n, "wall_seconds": round(wall, 2), "images_per_second": round(images / wall, 1), "images": images,
        "states": dict(Counter(job.state for job in jobs)),
        "median_train_seconds": round(statistics.median(train_seconds), 2),
        # while a run trains, how fast it goes (start-up and waiting for a slot excluded): alone, the rate
        # at which one job keeps the device busy; the class's images/s cannot exceed what the device does
        "train_images_per_second": round(images / n / statistics.median(train_seconds), 1),
        "peak_worker_gpu_mib": memory.peak_mib if memory.available else None,
        "median_first_record_seconds": round(statistics.median(firsts), 2) if firsts else None,
        "median_first_samples_seconds": round(statistics.median(pictures), 2) if pictures else None,
        "gpu_busy_percent": round(statistics.mean(memory.gpu_busy), 1) if memory.gpu_busy else None,
        "cpu_busy_percent": memory.cpu_busy, "pool": pool, "runs": runs, "quality": class_quality(runs),
        "server_cpu_seconds": round(server_cpu, 2),
    }


BENCH_SETS = ("epochs", "device", "seed")  # settings with this bench's own flags, and each run's own seed


def last_metrics(run: RunDir) -> dict:
    """The metrics of a run's last recorded epoch (none for a run trained without them)."""
    records = read_log(run.log_path).history.epochs
    last = records[-1] if records else {}
    if "fid_ratio" not in last:
        return {}
    histogram = last["class_histogram"]
    return {"fid_ratio": last["fid_ratio"], "mean_confidence": last["mean_confidence"],
            "min_class_share": min(histogram) / max(1e-12, sum(histogram))}


def class_quality(runs: list[dict]) -> dict | None:
    """The class's runs at their end: medians of the metrics, and how many draw digits (bench/time_to_digits.py's
    TARGETS, judged on the last epoch's own metrics, 500 samples)."""
    judged = [run for run in runs if "fid_ratio" in run]
    if not judged:
        return None
    digits = sum(run["min_class_share"] >= TARGETS["min_class_share"] and run["mean_confidence"] >= TARGETS["mean_confidence"]
                 and run["fid_ratio"] <= TARGETS["fid_ratio"] for run in judged)
    return {"runs": len(judged), "draw_digits": digits,
            **{f"median_{name}": round(statistics.median(run[name] for run in judged), 4) for name in TARGETS},
            "worst_fid_ratio": round(max(run["fid_ratio"] for run in judged), 3)}


def print_table(results: list[dict]) -> None:
    base = results[0]["images_per_second"] / results[0]["jobs"] if results and results[0]["jobs"] == 1 else None
    print(f"{'runs':>5} {'wall s':>8} {'images/s':>10} {'x one job':>9} {'median train s':>14} {'while training':>14} "
          f"{'GPU MiB/worker':>14} {'first rec s':>11} {'first pic s':>11}  states",
          file=sys.stderr)
    for r in results:
        r["speedup"] = round(r["images_per_second"] / base, 2) if base else None
        print(f"{r['jobs']:>5} {r['wall_seconds']:>8.1f} {r['images_per_second']:>10.0f} "
              f"{r['speedup'] if r['speedup'] is not None else '-':>9} {r['median_train_seconds']:>14.1f} "
              f"{r['train_images_per_second']:>14.0f} "
              f"{r['peak_worker_gpu_mib'] if r['peak_worker_gpu_mib'] is not None else '-':>14} "
              f"{_seconds(r['median_first_record_seconds']):>11} {_seconds(r['median_first_samples_seconds']):>11}  "
              f"{', '.join(f'{k} {v}' for k, v in r['states'].items())}", file=sys.stderr)
    for r in results:
        pool = r["pool"]
        print(f"{r['jobs']} at once: GPU busy {_or_dash(r['gpu_busy_percent'])} %, CPU busy {_or_dash(r['cpu_busy_percent'])} %; "
              f"warm workers {pool['warm_workers']}"
              + (f" (filled in {pool['pool_fill_seconds']} s; each {pool['rss_mib_per_warm_worker']} MiB resident, "
                 f"{pool['private_mib_per_warm_worker']} MiB its own, GPU {_or_dash(pool['gpu_mib_per_warm_worker'])} MiB)"
                 if pool["warm_workers"] else ""), file=sys.stderr)
        quality = r.get("quality")
        if quality:
            print(f"  at the end: {quality['draw_digits']} of {quality['runs']} runs draw digits; medians: FID / floor "
                  f"{quality['median_fid_ratio']:.2f} (worst {quality['worst_fid_ratio']:.2f}), confidence "
                  f"{quality['median_mean_confidence']:.3f}, rarest digit's share {quality['median_min_class_share']:.3f}",
                  file=sys.stderr)
        print("  Start -> first record / first samples, s, per run: " + "  ".join(
            f"{_seconds(run['first_record_seconds'])}/{_seconds(run['first_samples_seconds'])}" for run in r["runs"]),
            file=sys.stderr)


@contextlib.contextmanager
def executor_named(name: str, cluster: str | None) -> Iterator[Callable[[int], Executor] | None]:
    """None for the local executor (run_class makes one with a warm pool); for ray, what makes an executor of
    `cluster` for a class of N, else of a one-node cluster of this machine started here (token authentication on,
    with a token of this run only) and stopped after."""
    if name == "local":
        yield None
        return
    import ray

    from gan_core.jobs import ray_cluster
    from gan_core.jobs.ray_executor import RayExecutor

    if cluster:
        yield lambda warm_workers: RayExecutor(cluster, warm_workers=warm_workers)
        return
    os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))  # never written to ~/.ray
    ray_cluster.use_token_authentication()
    gib = ray_cluster.gpu_memory_gib()
    ray.init(num_cpus=cpu_cores(), resources={ray_cluster.GPU_MEMORY_RESOURCE: gib} if gib else None,
             object_store_memory=200 * 2**20, include_dashboard=False, namespace=ray_cluster.NAMESPACE,
             logging_level="ERROR", log_to_driver=False)
    address = ray.get_runtime_context().gcs_address
    try:
        yield lambda warm_workers: RayExecutor(address, warm_workers=warm_workers)
    finally:
        ray.shutdown()


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
    parser.add_argument("--warm-workers", type=int, default=None,
                        help="warm workers in the pool (default: what a server keeps on this machine, "
                             "$GAN_LAB_WARM_WORKERS; 0: every run starts a fresh process)")
    add_setting_flags(parser, skip=BENCH_SETS)  # --lr-d 5e-4, --no-bfloat16...: the default changed, over a class of seeds
    parser.add_argument("--executor", default="local", help="local, ray, or both as local,ray (default: local)")
    parser.add_argument("--cluster", metavar="ADDRESS", help="with ray: an existing cluster (default: start one here)")
    args = parser.parse_args()
    executors = [name.strip() for name in args.executor.split(",") if name.strip()]
    if not executors or set(executors) - {"local", "ray"}:
        parser.error(f"--executor takes local, ray or local,ray, got {args.executor!r}")
    counts = [int(part) for part in args.jobs.split(",") if part.strip()]

    # what a student's Start gets there (a GPU: the wider model), or with --cpu-settings a laptop's; any setting's
    # flag on top
    given = setting_flags(args, skip=BENCH_SETS)
    config = TrainConfig.for_model(given.pop("model") or DEFAULT_MODEL, device="cpu" if args.cpu_settings else args.device,
                                   **given)
    config.device = args.device
    options: dict = {}
    if args.tiny:
        data = load_dataset("mnist-5k")
        order = torch.randperm(len(data), generator=torch.Generator().manual_seed(0))[:512]
        options = {"data": ImageDataset("mnist-5k", data.images[order], data.labels[order]), "evaluate": None}
        config = replace(config, epochs=1)
    if args.epochs:
        config = replace(config, epochs=args.epochs)
    try:
        config.validate()
    except GanLabError as error:
        parser.error(str(error))

    device_name = torch.cuda.get_device_name(0) if args.device == "cuda" and torch.cuda.is_available() else platform.processor() or "cpu"
    has_cuda = torch.cuda.is_available()
    warm_workers = args.warm_workers if args.warm_workers is not None else \
        configured_warm_workers(has_cuda, default_job_limit("cuda") if has_cuda else 0)
    mps = has_cuda and nvidia_mps_running()
    print(f"{len(counts)} class sizes of {config.model} runs, {config.epochs} epoch(s) each, on {args.device} "
          f"({device_name}, {cpu_cores()} CPU cores){' [tiny]' if args.tiny else ''}; NVIDIA MPS: "
          f"{'on' if mps else 'off' if has_cuda else 'no CUDA GPU'}; warm workers: {warm_workers}", file=sys.stderr)
    from gan_core.eval.metrics import DIGIT_DATASETS, references

    if config.dataset in DIGIT_DATASETS and "evaluate" not in options:
        try:
            references()  # a server measures them when it starts (ui/cache.py warm_up): not part of a Start
        except GanLabError:
            pass
    results = []
    with tempfile.TemporaryDirectory(prefix="class-jobs-") as folder:
        for name in executors:
            with executor_named(name, args.cluster) as make:
                for n in counts:
                    result = run_class(n, config, options, Path(folder) / name, args.timeout, warm_workers, make)
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
              "epochs": config.epochs, "settings": config.to_dict(), "tiny": args.tiny, "nvidia_mps": mps,
              "warm_workers": warm_workers, "results": results}
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report) + "\n")
    print(json.dumps(report))


def _seconds(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


if __name__ == "__main__":
    main()
