"""The CLI's cluster side: `train --cluster ADDRESS` (a run trained on a Ray cluster, watched from here),
`cluster status` (where runs would train) and `cluster start` (this machine becomes a node).

Everything a cluster run does lands in the local checkpoints folder, as for a run trained here; Ctrl-C
stops it with a save.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .config import TrainConfig
from .devices import use_training_devices
from .errors import GanLabError
from .runs.checkpoints import default_checkpoints_dir

EXIT_OK, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 130
CLUSTER_HELP = "a Ray cluster: ray://HOST:10001 (this machine is not a node), HOST:6379 (it is one) or auto"


def add_cluster_parser(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    cluster = commands.add_parser("cluster", help="where runs train on a Ray cluster: status, or make this machine a node",
                                  description="Train a class's runs on a Ray cluster (docs/cluster.md). Its ports "
                                              "belong on a private network: anyone who reaches them can run code.")
    actions = cluster.add_subparsers(dest="action", required=True, parser_class=parser_class)
    status = actions.add_parser("status", help="nodes, CPUs, GPUs and how many runs fit at once; GAN Lab's runs there")
    status.add_argument("--cluster", metavar="ADDRESS", default=None, help=f"{CLUSTER_HELP} (default: $GAN_LAB_CLUSTER)")
    start = actions.add_parser("start", help="run `ray start` here with GAN Lab's settings (token on, GPU memory declared)",
                               description="Start a Ray node for GAN Lab: token authentication on, this checkout "
                                           "importable by its workers, the GPUs' memory declared so that runs share "
                                           "each card by memory.")
    where = start.add_mutually_exclusive_group(required=True)
    where.add_argument("--head", action="store_true", help="start a new cluster here (a GPU box)")
    where.add_argument("--address", metavar="HOST:PORT", help="join the cluster whose head is at HOST:PORT (6379)")
    start.add_argument("--port", type=int, default=None, help="with --head: the cluster's port (default: 6379)")
    start.add_argument("--client-port", type=int, default=None, help="with --head: the Ray Client port (default: 10001)")
    start.add_argument("--num-cpus", type=int, default=None, help="cores runs may use here (default: all)")
    start.add_argument("--dry-run", action="store_true", help="print the command instead of running it")


def cmd_cluster(args: argparse.Namespace) -> int:
    if args.action == "status":
        return cluster_status(args.cluster)
    return cluster_start(args)


def cluster_status(address: str | None) -> int:
    from .jobs.executors import configured_cluster, make_executor
    from .jobs.ray_executor import RayExecutor

    target = address if address is not None else configured_cluster()
    if not target:
        raise GanLabError("no cluster given: pass --cluster ADDRESS or set GAN_LAB_CLUSTER")
    executor = make_executor(target, warm=False)
    place = executor.placement()
    if not isinstance(executor, RayExecutor):  # GAN_LAB_CLUSTER=local: this machine's worker processes
        print("runs train on this machine, not on a cluster: " +
              ", ".join(f"{count} at a time on {device}" for device, count in place.capacity.items()))
        executor.shutdown()
        return EXIT_OK
    print(f"cluster {place.address}: {place.nodes} node{'' if place.nodes == 1 else 's'}, {place.cpus:g} CPUs, "
          f"{place.gpus:g} GPUs{' (' + ', '.join(place.gpu_names) + ')' if place.gpu_names else ''}")
    print("runs at once: " + ", ".join(f"{count} on {device}" for device, count in place.capacity.items()))
    if place.problem:
        print(f"note: {place.problem}")
    if isinstance(executor, RayExecutor):
        runs = executor.runs_on_cluster()
        print(f"GAN Lab runs there: {len(runs)}" + (" (" + ", ".join(runs) + ")" if runs else ""))
    executor.shutdown()
    return EXIT_OK


def cluster_start(args: argparse.Namespace) -> int:
    from .jobs import ray_cluster

    if not args.head and (args.port is not None or args.client_port is not None):
        raise GanLabError("--port and --client-port go with --head")
    port = args.port or ray_cluster.DEFAULT_PORT
    client_port = args.client_port or ray_cluster.DEFAULT_CLIENT_PORT
    command, env = ray_cluster.node_command(args.head, args.address or "", port, client_port, args.num_cpus)
    if args.dry_run:
        print(" ".join(command))
        return EXIT_OK
    if args.head:
        ray_cluster.ensure_token()
    else:
        ray_cluster.use_token_authentication()
        # `ray start` retries an unreachable head for minutes: say so in one line at once instead
        ray_cluster.check_reachable(ray_cluster.parse_address(args.address or ""))
    code = subprocess.call(command, env=env)
    if code != 0:
        return code
    if args.head:
        print(f"\nOn the server that serves the pages (a laptop on this network), with this machine's token:\n"
              f"  ray get-auth-token            # here; copy what it prints\n"
              f"  export RAY_AUTH_TOKEN=...     # there (or put it in ~/.ray/auth_token)\n"
              f"  GAN_LAB_CLUSTER=ray://THIS_HOST:{client_port} streamlit run app.py\n"
              f"More nodes join with: python -m gan_core cluster start --address THIS_HOST:{port}")
    return EXIT_OK


# --- train --cluster ----------------------------------------------------------------------------------------
def train_on_cluster(args: argparse.Namespace, settings: dict[str, Any]) -> int:
    """`train` with `--cluster`: the run is queued on the cluster through a job manager; this process prints
    its epochs as they reach the local run folder and stops it with a save on Ctrl-C (or --max-seconds)."""
    from .jobs.executors import make_executor
    from .jobs.manager import JobManager

    root = Path(args.checkpoints or default_checkpoints_dir())
    executor = make_executor(args.cluster, warm=False)
    use_training_devices(executor.training_devices)  # the settings are checked against the cluster's devices
    manager = JobManager(1, trainer_options={} if args.metrics else {"evaluate": None}, executor=executor)
    if args.resume:
        if not args.run:
            raise GanLabError("--resume needs --run NAME (the run to continue); `python -m gan_core runs` lists them")
        epochs = settings.pop("epochs")
        if epochs is None:
            raise GanLabError("--resume needs --epochs N: the new total")
        job = manager.submit_resume(args.run, epochs, root, changes=settings)
    else:
        config = TrainConfig.for_model(settings.pop("model") or TrainConfig().model, **settings)
        name = args.run or f"{config.model}-{time.strftime('%Y%m%d-%H%M%S')}"
        job = manager.submit(config, name, root)
    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr))
    say(f"{'resuming' if job.resume else 'training'} run {job.run_name!r} on the cluster {args.cluster}: "
        f"{job.config.model}, device {job.device}, saved in {job.run.path}")
    interrupted: list[bool] = []

    def stop_on_ctrl_c(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        say("\nstopping after this step and saving a checkpoint (Ctrl-C again to abort)")
        interrupted.append(True)
        manager.stop(job.run_name, root)

    previous = signal.signal(signal.SIGINT, stop_on_ctrl_c)
    shown = len(job.history.epochs) if job.resume else 0

    def report_epochs() -> int:
        epochs = job.log().history.epochs
        for record in epochs[shown:]:
            say(f"epoch {record['epoch']}/{job.config.epochs}: loss_d {record['loss_d']:.3f} "
                f"loss_g {record['loss_g']:.3f} ({record['train_seconds']:.0f}s of training)")
        return max(shown, len(epochs))

    try:
        while not job.done.wait(0.5):
            shown = report_epochs()
            progress = job.progress
            if args.max_seconds and progress is not None and progress.train_seconds >= args.max_seconds \
                    and not job.stop_requested:
                manager.stop(job.run_name, root)
    finally:
        signal.signal(signal.SIGINT, previous)
    report_epochs()  # those that came with its last files
    say(f"{job.state}: run {job.run_name!r}; {job.message or job.error}")
    if job.state in ("diverged", "failed", "interrupted"):  # it did not end as asked: 1, as for a diverged run
        return EXIT_DIVERGED
    return EXIT_INTERRUPTED if interrupted else EXIT_OK
