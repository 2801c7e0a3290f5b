"""A Ray cluster as GAN Lab uses it: reaching it (address and token, checked in seconds), what it holds
(nodes, CPUs, GPUs, how many runs fit), and the `ray start` line that makes a machine one of its nodes.

Imported only when a cluster is configured: Ray is an optional dependency (requirements-cluster.txt).

Anyone who reaches a Ray port can run code on every node, so a cluster belongs on a private network, with
token authentication on: this server turns it on for itself (unless RAY_AUTH_MODE says otherwise) and needs
the cluster's token (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token). Ray's own connect retries
for 20-30 s and then blames the network; the checks here say in one line what is wrong, in seconds.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import ray

from ..devices import DeviceInfo
from ..errors import ClusterError
from .executors import GPU_MEMORY_PER_JOB, MAX_GPU_JOBS, Placement

log = logging.getLogger(__name__)

try:  # a Ray call after the connection is gone must fail, never quietly start a cluster inside the server
    from ray._private import auto_init_hook

    auto_init_hook.enable_auto_connect = False
except ImportError:  # Ray moved it: its own RAY_ENABLE_AUTO_CONNECT=0 does the same
    os.environ.setdefault("RAY_ENABLE_AUTO_CONNECT", "0")

NAMESPACE = "gan-lab"  # every GAN Lab actor lives here, whatever job (server process) made it
GPU_MEMORY_RESOURCE = "gan_lab_gpu_gib"  # a node's GPU memory in GiB, declared when it joins (`node_command`)
GPU_MEMORY_PER_JOB_GIB = GPU_MEMORY_PER_JOB / 2**30
GPU_PER_JOB = 1 / MAX_GPU_JOBS  # a run's share of a card: at most MAX_GPU_JOBS runs on one card
CPUS_PER_JOB_ENV = "GAN_LAB_CLUSTER_CPUS_PER_JOB"  # a CPU run's cores (and torch threads) on a node; default 1
CHECK_TIMEOUT = 3.0  # seconds to reach the cluster and hear it accept the token
DEFAULT_PORT = 6379  # `ray start --head`'s GCS port
DEFAULT_CLIENT_PORT = 10001  # its Ray Client port, what a server that is not a node connects to (ray://)
TOKEN_HELP = ("copy the cluster's token (`ray get-auth-token` on its head node) into ~/.ray/auth_token here, or set "
              "RAY_AUTH_TOKEN")


@dataclass(frozen=True)
class ClusterAddress:
    """Where the cluster is: `ray://HOST:PORT` (Ray Client: this machine is not a node) or `HOST:PORT` (the GCS
    of a cluster this machine is a node of); "auto" finds the cluster of this machine's node."""

    text: str
    host: str
    port: int
    client: bool

    @property
    def for_ray(self) -> str:
        return f"ray://{self.host}:{self.port}" if self.client else f"{self.host}:{self.port}"


def parse_address(text: str) -> ClusterAddress:
    """`ray://HOST:PORT`, `HOST:PORT` or `auto`; anything else is a ClusterError that shows the forms."""
    given = text.strip()
    if given == "auto":
        found = _local_cluster_address()
        if not found:
            raise ClusterError("GAN_LAB_CLUSTER=auto, but this machine is not a node of a running Ray cluster; start "
                               "one with `python -m gan_core cluster start --head`, or give the address as "
                               "ray://HOST:10001", code="cluster_not_found")
        given_host, _, given_port = found.rpartition(":")
        return ClusterAddress(text, given_host, int(given_port), client=False)
    client = given.startswith("ray://")
    rest = given[len("ray://"):] if client else given
    host, _, port = rest.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or "/" in rest:
        raise ClusterError(f"{text!r} is not a Ray cluster address; use ray://HOST:{DEFAULT_CLIENT_PORT} (a server that "
                           f"is not a node), HOST:{DEFAULT_PORT} (one that is) or auto", code="cluster_address",
                           address=text)
    return ClusterAddress(text, host.strip("[]"), int(port), client)


def _local_cluster_address() -> str | None:
    try:
        from ray._private.services import canonicalize_bootstrap_address

        return canonicalize_bootstrap_address("auto")
    except Exception:  # noqa: BLE001 - no cluster found, or Ray's way of finding one changed
        return None


def use_token_authentication() -> None:
    """Token authentication on for this process (unless RAY_AUTH_MODE was set by whoever started it), and a
    token present: ClusterError (one line) when there is none."""
    from ray._raylet import AuthenticationTokenLoader

    if os.environ.get("RAY_AUTH_MODE", "").strip().lower() in ("", "token"):
        os.environ["RAY_AUTH_MODE"] = "token"
        try:
            from ray._raylet import Config

            Config.initialize("")  # Ray reads its mode once; read it again
        except Exception:  # noqa: BLE001
            log.debug("could not refresh Ray's configuration", exc_info=True)
        loader = AuthenticationTokenLoader.instance()
        loader.reset_cache()
        if not loader.has_token(ignore_auth_mode=True):
            raise ClusterError(f"there is no Ray token on this machine, and the cluster needs one: {TOKEN_HELP}",
                               code="cluster_token_missing")


def ensure_token() -> None:
    """On a head node: token authentication on, with a token made (in ~/.ray/auth_token) when there is none yet."""
    from ray._raylet import AuthenticationTokenLoader

    os.environ.setdefault("RAY_AUTH_MODE", "token")
    loader = AuthenticationTokenLoader.instance()
    loader.reset_cache()
    if not loader.has_token(ignore_auth_mode=True):
        subprocess.run([sys.executable, "-m", "ray.scripts.scripts", "get-auth-token", "--generate"],
                       capture_output=True, check=True, timeout=60)  # the token is not printed here
        loader.reset_cache()


def check_reachable(address: ClusterAddress, timeout: float = CHECK_TIMEOUT) -> None:
    """A TCP connection to the address within `timeout` s, or one line saying it cannot be reached."""
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout):
            pass
    except OSError as error:
        reason = "timed out" if isinstance(error, socket.timeout) else (error.strerror or type(error).__name__)
        raise ClusterError(f"cannot reach the Ray cluster at {address.host}:{address.port} ({reason}); is it started "
                           "there (`python -m gan_core cluster start --head`), and is this machine on its private "
                           "network?", code="cluster_unreachable", address=f"{address.host}:{address.port}",
                           reason=reason) from None


def check_token_accepted(address: ClusterAddress, timeout: float = CHECK_TIMEOUT) -> None:
    """Ask the cluster something small with this process's token: one line when it refuses the token. Ray's
    own connect would retry for 20-30 s first. (Ray internals: should they change, the check is skipped.)"""
    try:
        refused = _ask_client(address, timeout) if address.client else _ask_gcs(address, timeout)
    except ClusterError:
        raise
    except Exception:  # noqa: BLE001 - the probe's Ray internals moved: let ray.init speak for itself
        log.debug("could not check the token before connecting", exc_info=True)
        return
    if refused:
        raise ClusterError(f"the Ray cluster at {address.host}:{address.port} refused this machine's token ({refused}); "
                           f"{TOKEN_HELP}", code="cluster_token_refused", address=f"{address.host}:{address.port}")


def _ask_client(address: ClusterAddress, timeout: float) -> str:
    """A Ray Client ping: "" when answered, else why the token was refused."""
    from ray.core.generated import ray_client_pb2, ray_client_pb2_grpc

    return _ask(address, timeout, "Ray Client", lambda channel: ray_client_pb2_grpc.RayletDriverStub(channel).ClusterInfo(
        ray_client_pb2.ClusterInfoRequest(type=ray_client_pb2.ClusterInfoType.PING), timeout=timeout,
        metadata=[("client_id", "gan-lab-check")]))


def _ask_gcs(address: ClusterAddress, timeout: float) -> str:
    """The cluster's id from its GCS: "" when answered, else why the token was refused."""
    from ray.core.generated import gcs_service_pb2, gcs_service_pb2_grpc

    return _ask(address, timeout, "Ray", lambda channel: gcs_service_pb2_grpc.NodeInfoGcsServiceStub(channel).GetClusterId(
        gcs_service_pb2.GetClusterIdRequest(), timeout=timeout))


def _ask(address: ClusterAddress, timeout: float, what: str, call) -> str:
    """One gRPC call over a channel with Ray's token (Ray's own channel helper adds it): "" when it is answered,
    the server's words when it refuses the token; a port that does not speak Ray is a ClusterError."""
    import grpc
    from ray._private.grpc_utils import init_grpc_channel

    channel = init_grpc_channel(f"{address.host}:{address.port}", options=[], asynchronous=False)
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
        call(channel)
    except grpc.FutureTimeoutError:
        raise _not_ray(address, what) from None
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.UNAUTHENTICATED:
            return error.details() or "unauthenticated"
        raise _not_ray(address, what, error.details() or str(error.code())) from None
    finally:
        channel.close()
    return ""


def _not_ray(address: ClusterAddress, what: str, detail: str = "no answer") -> ClusterError:
    other = (f"ray://{address.host}:{DEFAULT_CLIENT_PORT}" if not address.client
             else f"{address.host}:{DEFAULT_PORT} on a node of the cluster")
    return ClusterError(f"{address.host}:{address.port} answers, but not as a {what} port ({detail}); check the port "
                        f"(or try {other})", code="cluster_not_ray", address=f"{address.host}:{address.port}")


def connect(text: str) -> ClusterAddress:
    """Connect this process to the cluster at `text` (once; again with the same address is a no-op). Every check
    first: the address, a token, reachability, the token accepted, each failing in one line (ClusterError)."""
    address = parse_address(text)
    if ray.is_initialized():
        return address
    use_token_authentication()
    check_reachable(address)
    check_token_accepted(address)
    started = time.perf_counter()
    try:
        # The actors' output stays in their nodes' Ray logs: a run's failure reaches the server as its one line.
        ray.init(address=address.for_ray, namespace=NAMESPACE, logging_level=logging.ERROR, log_to_driver=False)
    except Exception as error:  # noqa: BLE001 - Ray's connect errors come as many types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ClusterError(f"could not connect to the Ray cluster at {address.text} ({first[:200]})",
                           code="cluster_connect", address=address.text) from None
    log.info("connected to the Ray cluster at %s in %.1f s", address.text, time.perf_counter() - started)
    return address


# --- what the cluster holds ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """One live node and what it declared."""

    address: str
    resources: dict[str, float]

    @property
    def cpus(self) -> float:
        return self.resources.get("CPU", 0.0)

    @property
    def gpus(self) -> float:
        return self.resources.get("GPU", 0.0)

    @property
    def gpu_gib(self) -> float:
        return self.resources.get(GPU_MEMORY_RESOURCE, 0.0)

    @property
    def gpu_names(self) -> list[str]:
        return [key.split(":", 1)[1] for key in self.resources if key.startswith("accelerator_type:")]


def live_nodes() -> list[Node]:
    return [Node(str(node.get("NodeManagerAddress", "")), dict(node.get("Resources") or {}))
            for node in ray.nodes() if node.get("Alive")]


def cpus_per_job() -> int:
    """A CPU run's cores on a node (and its torch threads): `$GAN_LAB_CLUSTER_CPUS_PER_JOB`, else 1."""
    raw = os.environ.get(CPUS_PER_JOB_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def capacity(nodes: list[Node], device: str) -> int:
    """Runs that can train at once on that kind of device, node by node: a CPU run takes `cpus_per_job` cores; a
    GPU run a 1/MAX_GPU_JOBS share of one card and 2 GiB of the node's declared GPU memory."""
    if device == "cpu":
        return sum(int(node.cpus // cpus_per_job()) for node in nodes)
    if device == "cuda":
        return sum(min(int(math.floor(node.gpus * MAX_GPU_JOBS + 1e-6)), int(node.gpu_gib // GPU_MEMORY_PER_JOB_GIB))
                   for node in nodes)
    return 0


def describe(address: ClusterAddress) -> Placement:
    """Where runs train: the cluster's live nodes, cores, GPUs, and how many runs fit at once."""
    nodes = live_nodes()
    names = sorted({name for node in nodes for name in node.gpu_names})
    idle_gpus = [node.address for node in nodes if node.gpus and not node.gpu_gib]
    problem = (f"the GPUs of {', '.join(idle_gpus)} take no runs: their node was started without the "
               f"{GPU_MEMORY_RESOURCE} resource (start it with `python -m gan_core cluster start`)") if idle_gpus else ""
    return Placement("ray", address=address.text, nodes=len(nodes), cpus=sum(node.cpus for node in nodes),
                     gpus=sum(node.gpus for node in nodes), gpu_names=tuple(names),
                     capacity={device: capacity(nodes, device) for device in ("cuda", "cpu")},
                     idle_gpu_nodes=tuple(idle_gpus), problem=problem)


def training_devices(placement: Placement) -> list[DeviceInfo]:
    """The devices a run can ask for on the cluster, best first (its GPUs when any take runs)."""
    found = []
    if placement.capacity.get("cuda"):
        gpus = ", ".join(placement.gpu_names) or "GPU"
        found.append(DeviceInfo("cuda", f"{gpus} (cluster, {placement.gpus:g} GPU)"))
    if placement.capacity.get("cpu"):
        found.append(DeviceInfo("cpu", f"CPU (cluster, {placement.cpus:g} cores)"))
    return found or [DeviceInfo("cpu", "CPU (cluster)")]


# --- joining ----------------------------------------------------------------------------------------------
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def gpu_memory_gib() -> int:
    """This machine's GPU memory in whole GiB, all cards (nvidia-smi; 0 without one)."""
    if not shutil.which("nvidia-smi"):
        return 0
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        return sum(int(float(line)) // 1024 for line in out.split())
    except (OSError, subprocess.SubprocessError, ValueError):
        return 0


def node_command(head: bool, address: str = "", port: int = DEFAULT_PORT, client_port: int = DEFAULT_CLIENT_PORT,
                 cpus: int | None = None, gpu_gib: int | None = None) -> tuple[list[str], dict[str, str]]:
    """The `ray start` line (and its environment) that makes this machine a GAN Lab node: token authentication
    on, this checkout importable by the workers, its GPU memory declared as GPU_MEMORY_RESOURCE so that runs
    share each card by memory. `head`: start the cluster (GCS on `port`, Ray Client on `client_port`)."""
    command = [sys.executable, "-m", "ray.scripts.scripts", "start"]
    if head:
        command += ["--head", f"--port={port}", f"--ray-client-server-port={client_port}", "--include-dashboard=false"]
    else:
        command += [f"--address={address}"]
    if cpus is not None:
        command += [f"--num-cpus={cpus}"]
    gib = gpu_memory_gib() if gpu_gib is None else gpu_gib
    if gib:
        command += ["--resources", json.dumps({GPU_MEMORY_RESOURCE: gib})]
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]))
    # GRPC_ENABLE_FORK_SUPPORT=0: the head's Ray Client server forks a process per connecting server while its gRPC
    # threads run; with gRPC's fork handlers on, that child crashed now and then (the server then cannot connect).
    return command, {**os.environ, "RAY_AUTH_MODE": "token", "PYTHONPATH": path, "GRPC_ENABLE_FORK_SUPPORT": "0"}
