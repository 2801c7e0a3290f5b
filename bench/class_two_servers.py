"""One class over two GAN Lab servers on one machine: N students split between them, one queue in the class's
Ray cluster (GAN_LAB_CLASS), as two servers behind a proxy with sticky sessions would serve them.

    python bench/class_two_servers.py --sessions 60 --seconds 60 --each-trains    # a GPU box: 60 runs, one queue
    python bench/class_two_servers.py --sessions 6 --seconds 20 --repeats 1       # a quick check

It starts a Ray cluster of this machine (a process of its own, token authentication on, stopped at the end;
--cluster-cpus cores for runs, the GPUs' memory declared), then two servers (`streamlit run app.py`) on one
copy of the shipped runs, both with GAN_LAB_CLUSTER (that cluster) and GAN_LAB_CLASS (one class). Half the
students browse each server at once, driven as bench/classroom_load.py drives a class (full page runs and
fragment polls through Streamlit's websocket protocol); with --each-trains each first presses Start on
Train, so the class's runs wait in the one shared queue. Prints each server's table, both together, and the
class's queue as the cluster holds it (tickets per server and state) while the students were there. The last
line is the result as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classroom_load import (ROOT, Load, Server, app_press, checkpoints_copy, drive, emit, phase, summary,  # noqa: E402
                            table)

CLASS = "bench-class"
CLUSTER = r"""
import sys, time, ray
from gan_core.jobs import ray_cluster
gib = ray_cluster.gpu_memory_gib()
ray.init(num_cpus=int(sys.argv[1]), resources={ray_cluster.GPU_MEMORY_RESOURCE: gib} if gib else None,
         include_dashboard=False, object_store_memory=200 * 2**20, namespace=ray_cluster.NAMESPACE, logging_level="ERROR")
print(ray.get_runtime_context().gcs_address, flush=True)
time.sleep(10**9)
"""
QUEUE = r"""
import collections, json, sys, ray
ray.init(address=sys.argv[1], namespace="gan-lab", logging_level="ERROR")
view = ray.get(ray.get_actor("class:" + sys.argv[2]).view.remote())
count = collections.Counter(f"{t.server[:6]} {t.state}" for t in view.items)
print(json.dumps({"tickets": len(view.items), "by_server_and_state": dict(count)}))
"""


def start_cluster(cpus: int, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", CLUSTER, str(cpus)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               text=True)
    address = process.stdout.readline().strip()
    if not address:
        process.kill()
        raise SystemExit("the Ray cluster did not start")
    return process, address


def queue_now(address: str, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", QUEUE, address, CLASS], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}


def merged(loads: list[Load]) -> Load:
    both = Load()
    for load in loads:
        for page, runs in load.pages.items():
            both.pages.setdefault(page, []).extend(runs)
        both.polls.extend(load.polls)
        for text, n in load.exceptions.items():
            both.exceptions[text] = both.exceptions.get(text, 0) + n
        for text, n in load.failures.items():
            both.failures[text] = both.failures.get(text, 0) + n
        both.joined.extend(load.joined)
        both.started += load.started
    return both


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    phase("starting")
    temp = Path(tempfile.mkdtemp(prefix="gl2s-", dir="/tmp"))  # short: Ray's socket paths must stay short
    env = {**os.environ, "RAY_TMPDIR": str(temp), "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "GRPC_ENABLE_FORK_SUPPORT": "0"}
    cluster, address = start_cluster(args.cluster_cpus, env)
    phase(f"Ray cluster at {address} ({args.cluster_cpus} CPUs for runs)")
    root = checkpoints_copy()
    servers: list[Server] = []
    report: dict[str, Any] = {"sessions": args.sessions, "seconds": args.seconds, "think": args.think,
                              "cluster_cpus": args.cluster_cpus, "cores": os.cpu_count(), "rounds": []}
    try:
        served = {**env, "GAN_LAB_CHECKPOINTS": str(root), "GAN_LAB_CLUSTER": address, "GAN_LAB_CLASS": CLASS}
        servers = [Server(ROOT / "app.py", served) for _ in range(2)]
        phase("two servers ready: " + ", ".join(server.url for server in servers))
        half = [args.sessions // 2, args.sessions - args.sessions // 2]
        for index in range(args.repeats):
            pressing = args.each_trains and index == 0
            phase(f"{half[0]} + {half[1]} students join the two servers (round {index + 1} of {args.repeats})")
            tasks = [asyncio.ensure_future(drive(server.url, None, n, args.seconds, args.think, args.join,
                                                 first_press=app_press(args.epochs) if pressing else None))
                     for server, n in zip(servers, half)]
            await asyncio.sleep(args.seconds / 2)
            middle = await asyncio.to_thread(queue_now, address, env)  # while they are there
            loads = await asyncio.gather(*tasks)
            end = await asyncio.to_thread(queue_now, address, env)
            one = {"servers": [summary(load) for load in loads], "both": summary(merged(loads)),
                   "queue_mid_round": middle, "queue_at_end": end}
            for number, result in enumerate(one["servers"], start=1):
                print(table(f"server {number}, {half[number - 1]} students (round {index + 1})", result), file=sys.stderr)
            print(table(f"both servers, {args.sessions} students (round {index + 1})", one["both"]), file=sys.stderr)
            print(f"the class's queue in the cluster (server: state), mid-round: {json.dumps(middle)}; at the round's "
                  f"end: {json.dumps(end)}", file=sys.stderr)
            report["rounds"].append(one)
    finally:
        for server in servers:
            server.stop()
        cluster.terminate()  # its driver's exit stops the cluster it started
        try:
            cluster.wait(60)
        except subprocess.TimeoutExpired:
            cluster.kill()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(temp, ignore_errors=True)
    phase("done")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=60, help="students in all, half on each server (default 60)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long they browse (default 60)")
    parser.add_argument("--think", type=float, default=5.0, help="seconds a student stays on a page (default 5)")
    parser.add_argument("--join", type=float, default=2.0, help="students join within this many seconds (default 2)")
    parser.add_argument("--repeats", type=int, default=1, help="rounds of the load (default 1)")
    parser.add_argument("--each-trains", action="store_true", help="every student first presses Start on Train")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs of the students' runs (outlasts the load)")
    parser.add_argument("--cluster-cpus", type=int, default=max(1, (os.cpu_count() or 2) - 2),
                        help="cores the cluster offers runs (default: all but two, left to the servers)")
    parser.add_argument("--json-out", default="", help="also write the JSON result here")
    args = parser.parse_args()
    if args.sessions < 2 or args.seconds <= 0 or args.repeats < 1 or args.cluster_cpus < 1:
        parser.error("--sessions at least 2, --seconds above 0, --repeats and --cluster-cpus at least 1")
    return emit(asyncio.run(bench(args)), args.json_out)


if __name__ == "__main__":
    sys.exit(main())
