"""Runs trained on a Ray cluster: a real local cluster (one per test session) of a head and two worker
nodes with one CPU each, token authentication on, each worker node with a scratch folder of its own.

The server's checkpoints folder is never a node's folder: whatever a page would read reaches it through
Ray. Trainings are tiny (128 digits: 4 steps an epoch) and compared bit for bit with the same run trained
alone in this process, or by the local executor.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from gan_core.data import ImageDataset
from gan_core.jobs.manager import Job, JobManager
from gan_core.runs.checkpoints import RunDir

from .helpers import ROOT, cli_env, wait_until
from .test_jobs import assert_same_generator, tiny, trained_steps
from .test_jobs import solo as solo_here

if os.environ.get("CI") == "true":  # CI installs Ray: there, its absence is a failure, not a skip
    import ray
else:
    ray = pytest.importorskip("ray")

from ray.cluster_utils import Cluster  # noqa: E402

from gan_core.jobs import ray_cluster  # noqa: E402
from gan_core.jobs.ray_executor import SCRATCH_ENV, RayExecutor, actor_name  # noqa: E402
from gan_core.jobs.ray_pool import WARM_PREFIX  # noqa: E402

WAIT = 300  # seconds for a run to start on the cluster and train a few steps (a busy shared machine is slow)


@dataclass
class LocalCluster:
    cluster: Cluster
    address: str  # HOST:PORT of its GCS: this process is on its head node
    client_address: str  # ray://HOST:PORT of its Ray Client server
    scratch: dict[str, Path]  # worker node's address -> its scratch folder (never the server's)
    folder: Path

    def run_actors(self) -> list[str]:
        return [actor["name"] for actor in ray.util.list_named_actors(all_namespaces=True)
                if actor["name"].startswith("run:")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def ray_cluster_here() -> LocalCluster:
    """A head with no CPU for runs (this process connects there) and two worker nodes of one CPU each, each
    told its own scratch folder; token authentication on, with a fresh token."""
    folder = Path(tempfile.mkdtemp(prefix="glr-", dir="/tmp"))  # short: Ray's socket paths must stay short
    patience = "RAY_CLIENT_SERVER_CHECK_CHANNEL_TIMEOUT_S"  # a Ray Client's server process may start slowly here
    saved = {name: os.environ.get(name) for name in ("RAY_TMPDIR", "RAY_AUTH_MODE", "RAY_AUTH_TOKEN", SCRATCH_ENV,
                                                    "PYTHONPATH", patience, "GRPC_ENABLE_FORK_SUPPORT")}
    os.environ.update(RAY_TMPDIR=str(folder), RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32),
                      PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),  # as
                      GRPC_ENABLE_FORK_SUPPORT="0", **{patience: "180"})  # as `python -m gan_core cluster start`
    # starts a node: this checkout importable by its workers, gRPC's fork handlers off
    ray_cluster.use_token_authentication()  # this process read Ray's mode when it imported Ray: read it again
    (folder / "ray").mkdir()
    client_port = free_port()
    node = {"object_store_memory": 80 * 2**20, "include_dashboard": False}
    scratch: dict[str, Path] = {}
    cluster = Cluster(shutdown_at_exit=True)
    try:
        cluster.add_node(**node, num_cpus=0, temp_dir=str(folder / "ray"), ray_client_server_port=client_port)
        for letter in "ab":
            os.environ[SCRATCH_ENV] = str(folder / f"scratch-{letter}")  # the node's processes inherit it
            added = cluster.add_node(num_cpus=1, **node)
            scratch[added.unique_id] = folder / f"scratch-{letter}"
        os.environ.pop(SCRATCH_ENV)
        host = cluster.address.rsplit(":", 1)[0]
        yield LocalCluster(cluster, cluster.address, f"ray://{host}:{client_port}", scratch, folder)
    finally:
        ray.shutdown()
        cluster.shutdown()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def tiny_data(small_mnist: ImageDataset) -> ImageDataset:
    """128 digits: 4 steps of 32 per epoch (as tests/test_jobs.py trains)."""
    return ImageDataset("mnist-5k", small_mnist.images[:128], small_mnist.labels[:128])


@pytest.fixture
def make_manager(ray_cluster_here: LocalCluster, tiny_data: ImageDataset, monkeypatch: pytest.MonkeyPatch):
    """Job managers whose runs train on the cluster (a new one is a restarted server), one torch thread per
    run as a cluster CPU run has, each checkpoint pulled (not one every 30 s: the tests wait for epochs to
    reach the server). Whatever a test leaves training is stopped at its end."""
    monkeypatch.setenv("GAN_LAB_TORCH_THREADS", "1")
    managers: list[JobManager] = []

    def make(**options) -> JobManager:
        manager = JobManager(trainer_options={"data": tiny_data, "evaluate": None},
                             executor=RayExecutor(ray_cluster_here.address, checkpoint_seconds=0.0), **options)
        managers.append(manager)
        return manager

    yield make
    failures = []
    for manager in managers:
        try:
            manager.shutdown(timeout=60)
        except Exception as error:  # noqa: BLE001 - every manager must still leave
            failures.append(error)
        finally:
            manager.leave()  # its supervisor ends: nothing may touch Ray once the session's cluster is gone
    if failures:
        raise failures[0]


def solo(config, data: ImageDataset, steps: int | None = None):
    """The same run trained alone in this process with one torch thread, as a cluster CPU run trains (a
    reduction split over two threads rounds differently)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return solo_here(config, data, steps)
    finally:
        torch.set_num_threads(threads)


def scratch_of(job: Job) -> Path:
    """The node folder the run trains in, as its actor reported it."""
    assert job.scratch, "no word from its actor yet"
    return Path(job.scratch)


def wait_for_no_actor(cluster: LocalCluster, name: str) -> None:
    wait_until(lambda: not any(actor.endswith(f":{name}") for actor in cluster.run_actors()), timeout=60)


# --- the same run, wherever it trains ------------------------------------------------------------------------
def test_a_run_on_the_cluster_equals_the_local_executors_run_and_leaves_no_actor(
        ray_cluster_here, make_manager, tiny_data, checkpoints, tmp_path, monkeypatch) -> None:
    config = tiny(3, seed=11)
    manager = make_manager()
    job = manager.submit(config, "same", checkpoints)
    assert manager.wait(job, WAIT).state == "finished" and job.pid is None  # no process of this machine trained it
    on_cluster = RunDir("same", checkpoints)
    assert on_cluster.info().status == "finished" and on_cluster.info().epochs_done == 3
    wait_for_no_actor(ray_cluster_here, "same")  # it exited once everything had reached the server

    local_root = tmp_path / "local"
    local = JobManager(1, trainer_options={"data": tiny_data, "evaluate": None})
    try:
        assert local.wait(local.submit(config, "same", local_root), WAIT).state == "finished"
    finally:
        local.shutdown(60)
    here = RunDir("same", local_root)
    mine, theirs = here.load_checkpoint(), on_cluster.load_checkpoint()
    for part in ("generator", "discriminator", "generator_ema"):
        for name, weight in (mine[part] or {}).items():
            assert torch.equal(weight, theirs[part][name]), f"{part} {name} differs"
    assert on_cluster.snapshot_epochs() == here.snapshot_epochs() == [1, 2, 3]
    for epoch in (1, 3):
        assert torch.equal(on_cluster.load_snapshot(epoch)["samples"], here.load_snapshot(epoch)["samples"])
    assert job.history.loss_d == solo(config, tiny_data).history.loss_d  # the log pages read
    assert not on_cluster.owner_alive()


def test_a_stop_saves_at_the_stop_step_and_the_resume_continues_exactly(make_manager, tiny_data, checkpoints) -> None:
    manager = make_manager()
    job = manager.submit(tiny(1000, seed=12), "stopped", checkpoints)
    wait_until(lambda: trained_steps(job) >= 6, timeout=WAIT)  # in epoch 2: the stop comes mid-epoch
    assert RunDir("stopped", checkpoints).owner_alive()  # the server holds its lock while the actor trains
    assert manager.stop("stopped", checkpoints)
    assert manager.wait(job, WAIT).state == "stopped"
    run = RunDir("stopped", checkpoints)
    saved = run.load_checkpoint()
    assert saved["global_step"] == run.read_info()["summary"]["steps"] == len(job.history.loss_d) >= 6
    assert_same_generator(run, solo(tiny(1000, seed=12), tiny_data, steps=saved["global_step"]))

    total = saved["epoch"] + 2
    resumed = manager.submit_resume("stopped", total, checkpoints)
    assert manager.wait(resumed, WAIT).state == "finished"
    assert_same_generator(run, solo(tiny(total, seed=12), tiny_data))
    assert len(resumed.history.loss_d) == 4 * total


def test_an_actor_killed_mid_epoch_leaves_an_interrupted_run_that_resumes_exactly(
        ray_cluster_here, make_manager, tiny_data, checkpoints) -> None:
    manager = make_manager()
    job = manager.submit(tiny(1000, seed=13), "killed", checkpoints)
    wait_until(lambda: trained_steps(job) >= 6 and RunDir("killed", checkpoints).load_checkpoint()["epoch"] >= 1,
               timeout=WAIT)
    ray.kill(ray.get_actor(actor_name(checkpoints, "killed"), namespace=ray_cluster.NAMESPACE))
    assert manager.wait(job, WAIT).state == "interrupted" and job.note.code == "interrupted_lost"
    run = RunDir("killed", checkpoints)
    assert run.info().status == "stopped" and "interrupted" in run.info().message
    assert not run.owner_alive()  # the server let go of its lock
    assert run.load_checkpoint()["epoch"] >= 1  # the last checkpoint that reached the server

    total = run.load_checkpoint()["epoch"] + 2
    resumed = manager.submit_resume("killed", total, checkpoints)
    assert manager.wait(resumed, WAIT).state == "finished"
    assert_same_generator(run, solo(tiny(total, seed=13), tiny_data))  # as if never killed
    assert len(resumed.history.loss_d) == 4 * total  # the log holds the checkpoint's history, not the lost steps


# --- a server restarted while runs train ----------------------------------------------------------------------
SERVER = r"""
import sys, time
from pathlib import Path
import torch
from gan_core.config import TrainConfig
from gan_core.data import ImageDataset, load_dataset
from gan_core.jobs.manager import JobManager
from gan_core.jobs.ray_executor import RayExecutor

address, root = sys.argv[1], Path(sys.argv[2])
mnist = load_dataset("mnist-5k")
order = torch.randperm(len(mnist), generator=torch.Generator().manual_seed(0))[:128]  # the tests' tiny digits
data = ImageDataset("mnist-5k", mnist.images[order], mnist.labels[order])
manager = JobManager(trainer_options={"data": data, "evaluate": None}, executor=RayExecutor(address))
jobs = [manager.submit(TrainConfig(model="sngan", batch_size=32, epochs=1000, device="cpu", seed=seed), name, root,
                       owner="alice") for seed, name in ((14, "kept"), (15, "lost"))]
while not all(job.progress is not None and job.progress.global_step >= 6 for job in jobs):
    time.sleep(0.05)
print("training", flush=True)
time.sleep(3600)
"""


def test_a_restarted_server_takes_over_the_runs_that_train_on_and_interrupts_those_that_are_gone(
        ray_cluster_here, make_manager, tiny_data, checkpoints) -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER, ray_cluster_here.address, str(checkpoints)],
                              env={**cli_env(checkpoints), "GAN_LAB_TORCH_THREADS": "1"}, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        said: list[str] = []
        reader = threading.Thread(target=lambda: said.append(server.stdout.readline()), daemon=True)
        reader.start()
        wait_until(lambda: bool(said) or server.poll() is not None, timeout=WAIT)
        assert said == ["training\n"], f"the first server did not get its runs training (exit {server.poll()})"
    finally:
        server.send_signal(signal.SIGKILL)  # the server dies without a word; its runs train on
        server.wait(30)
    ray.kill(ray.get_actor(actor_name(checkpoints, "lost"), namespace=ray_cluster.NAMESPACE))
    wait_for_no_actor(ray_cluster_here, "lost")

    manager = make_manager()  # the server started again
    assert {job.run_name for job in manager.jobs(checkpoints)} <= {"kept"}
    lost = RunDir("lost", checkpoints)
    assert lost.info().status == "stopped" and "interrupted" in lost.info().message
    assert lost.load_checkpoint()["global_step"] >= 0
    wait_until(lambda: manager.job("kept", checkpoints) is not None, timeout=60)  # taken over once the old one is silent
    kept = manager.job("kept", checkpoints)
    assert kept.state == "running" and kept.owner == "alice" and RunDir("kept", checkpoints).info().status == "running"
    before = trained_steps(kept)
    wait_until(lambda: trained_steps(kept) > before + 4, timeout=WAIT)  # its log still reaches this server
    assert manager.stop("kept", checkpoints)
    assert manager.wait(kept, WAIT).state == "stopped"
    run = RunDir("kept", checkpoints)
    stopped_at = run.load_checkpoint()["global_step"]
    assert stopped_at == run.read_info()["summary"]["steps"] == len(kept.history.loss_d)
    assert_same_generator(run, solo(tiny(1000, seed=14), tiny_data, steps=stopped_at))  # one run, two servers
    wait_for_no_actor(ray_cluster_here, "kept")


# --- warm actors -----------------------------------------------------------------------------------------------
def warm_actors() -> list[str]:
    return [name for name in ray.util.list_named_actors(all_namespaces=False) if name.startswith(WARM_PREFIX)]


def test_a_warm_actor_trains_the_run_exactly_is_replaced_when_it_dies_and_its_run_outlives_the_server(
        ray_cluster_here, tiny_data, checkpoints, monkeypatch) -> None:
    monkeypatch.setenv("GAN_LAB_TORCH_THREADS", "1")
    executor = RayExecutor(ray_cluster_here.address, checkpoint_seconds=0.0, warm_workers=1)
    first = JobManager(trainer_options={"data": tiny_data, "evaluate": None}, executor=executor)
    second = None
    try:
        assert executor.pool.wait_ready(timeout=WAIT), "no actor warmed up"
        [waiting] = executor.pool.status()
        job = first.submit(tiny(1000, seed=21), "pooled", checkpoints)
        assert [worker.pid for worker in executor.pool.status()] != [waiting.pid]  # it left the pool
        wait_until(lambda: trained_steps(job) >= 6, timeout=WAIT)
        assert executor.runs_on_cluster() == ["pooled"]  # the warm actor says which run it trains
        assert not any(name.endswith(":pooled") for name in ray_cluster_here.run_actors())  # no fresh actor started

        assert executor.pool.wait_ready(timeout=WAIT), "the pool was not refilled"  # the other node's core
        [refill] = executor.pool.status()
        os.kill(refill.pid, signal.SIGKILL)  # a waiting actor's process dies
        wait_until(lambda: any(actor.ready and actor.pid != refill.pid for actor in executor.pool.status()),
                   timeout=WAIT)  # and another takes its place

        first.leave()  # the server exits: its waiting actors end, the run trains on
        wait_until(lambda: len(warm_actors()) == 1, timeout=60)  # only the one that trains "pooled"
        second = JobManager(trainer_options={"data": tiny_data, "evaluate": None},
                            executor=RayExecutor(ray_cluster_here.address, checkpoint_seconds=0.0))
        wait_until(lambda: second.job("pooled", checkpoints) is not None, timeout=60)  # taken over
        kept = second.job("pooled", checkpoints)
        before = trained_steps(kept)
        wait_until(lambda: trained_steps(kept) > before + 4, timeout=WAIT)
        assert second.stop("pooled", checkpoints) and second.wait(kept, WAIT).state == "stopped"
        run = RunDir("pooled", checkpoints)
        stopped_at = run.load_checkpoint()["global_step"]
        assert_same_generator(run, solo(tiny(1000, seed=21), tiny_data, steps=stopped_at))  # as a fresh process
        wait_until(lambda: not warm_actors(), timeout=60)  # its actor ended with its run
    finally:
        first.leave()
        if second is not None:
            second.shutdown(timeout=60)
            second.leave()


def test_idle_warm_actors_of_another_server_give_way_to_a_run_that_waits_for_room(
        ray_cluster_here, make_manager, tiny_data, checkpoints) -> None:
    other = RayExecutor(ray_cluster_here.address, warm_workers=2)  # another server's waiting actors: every core
    try:
        assert other.pool.wait_ready(timeout=WAIT), "no actor warmed up"
        assert len(warm_actors()) == 2
        manager = make_manager()
        job = manager.submit(tiny(2, seed=22), "needs-room", checkpoints)
        assert manager.wait(job, WAIT).state == "finished"  # it did not wait for ever behind idle actors
        assert_same_generator(RunDir("needs-room", checkpoints), solo(tiny(2, seed=22), tiny_data))
    finally:
        other.shutdown()
    wait_until(lambda: not warm_actors(), timeout=60)


# --- no shared filesystem: nodes with folders of their own, and one that leaves ----------------------------------
def test_runs_train_in_their_nodes_own_folders_and_a_lost_nodes_run_resumes_on_the_other(
        ray_cluster_here, make_manager, tiny_data, checkpoints) -> None:
    cluster = ray_cluster_here
    manager = make_manager()
    job = manager.submit(tiny(1000, seed=16), "moved", checkpoints)
    wait_until(lambda: RunDir("moved", checkpoints).exists()
               and RunDir("moved", checkpoints).load_checkpoint()["epoch"] >= 2, timeout=WAIT)
    first = scratch_of(job)
    assert first.parent in cluster.scratch.values() and not first.is_relative_to(checkpoints)
    [node] = [node for node in cluster.cluster.worker_nodes if cluster.scratch[node.unique_id] == first.parent]
    cluster.cluster.remove_node(node)  # the node leaves mid-run, with its folder
    shutil.rmtree(first, ignore_errors=True)
    assert manager.wait(job, WAIT).state == "interrupted" and job.note.code == "interrupted_lost"
    run = RunDir("moved", checkpoints)
    assert run.info().status == "stopped" and run.load_checkpoint()["epoch"] >= 2  # what reached the server

    try:
        total = run.load_checkpoint()["epoch"] + 1
        resumed = manager.submit_resume("moved", total, checkpoints)
        assert manager.wait(resumed, WAIT).state == "finished"
        second = scratch_of(resumed)
        assert second.parent in cluster.scratch.values() and second.parent != first.parent
        assert_same_generator(run, solo(tiny(total, seed=16), tiny_data))  # pushed from the server, as if never lost
    finally:
        os.environ[SCRATCH_ENV] = str(first.parent)  # the class's machine comes back
        try:
            replacement = cluster.cluster.add_node(num_cpus=1, object_store_memory=80 * 2**20, include_dashboard=False)
            cluster.scratch[replacement.unique_id] = first.parent
        finally:
            os.environ.pop(SCRATCH_ENV)


# --- reaching the cluster ------------------------------------------------------------------------------------
def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """The CLI in a fresh process; a hang fails the test (Ray's own connect retries for 20-30 s)."""
    return subprocess.run([sys.executable, "-m", "gan_core", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=20)


@pytest.mark.parametrize("address", ["gcs", "client"])
def test_a_wrong_or_missing_token_is_one_line_at_once(ray_cluster_here, checkpoints, tmp_path, address) -> None:
    target = ray_cluster_here.address if address == "gcs" else ray_cluster_here.client_address
    env = {**cli_env(checkpoints), "HOME": str(tmp_path), "RAY_AUTH_TOKEN": "0" * 64}
    wrong = run_cli(["cluster", "status", "--cluster", target], env)
    assert wrong.returncode == 2 and wrong.stdout == ""
    [line] = wrong.stderr.strip().splitlines()
    assert line.startswith(f"error: the Ray cluster at {target.removeprefix('ray://')} refused this machine's token")
    assert "ray get-auth-token" in line

    env.pop("RAY_AUTH_TOKEN")
    missing = run_cli(["train", "--cluster", target, "--run", "x", "--epochs", "1"], env)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "error: there is no Ray token on this machine, and the cluster needs one: copy the cluster's token "
        "(`ray get-auth-token` on its head node) into ~/.ray/auth_token here, or set RAY_AUTH_TOKEN"]
    assert not (checkpoints / "x").exists()


def test_an_address_nobody_answers_is_one_line_at_once(checkpoints) -> None:
    env = {**cli_env(checkpoints), "RAY_AUTH_TOKEN": "0" * 64}
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: refused
        status = run_cli(["cluster", "status", "--cluster", f"ray://127.0.0.1:{port}"], env)
        joining = run_cli(["cluster", "start", "--address", f"127.0.0.1:{port}"], env)  # a node joining no one
    for result in (status, joining):
        assert result.returncode == 2
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"error: cannot reach the Ray cluster at 127.0.0.1:{port} (")


def test_the_cli_trains_on_the_cluster_and_says_where_runs_train(ray_cluster_here, checkpoints, capsys) -> None:
    from gan_core.cli import main

    assert main(["cluster", "status", "--cluster", ray_cluster_here.address]) == 0
    out = capsys.readouterr().out
    assert "3 nodes, 2 CPUs, 0 GPUs" in out and "runs at once: 0 on cuda, 2 on cpu" in out

    result = subprocess.run([sys.executable, "-m", "gan_core", "train", "--cluster", ray_cluster_here.client_address,
                             "--run", "from-cli", "--model", "mlp", "--epochs", "2", "--batch-size", "500",
                             "--device", "cpu"], env=cli_env(checkpoints), cwd=ROOT, capture_output=True, text=True,
                            timeout=WAIT)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("training run 'from-cli' on the cluster ray://") for line in lines)
    assert any(line.startswith("epoch 2/2: loss_d") for line in lines)
    assert "finished: run 'from-cli'; finished 2 epochs" in lines
    info = RunDir("from-cli", checkpoints).info()
    assert (info.status, info.epochs_done) == ("finished", 2)


def test_options_that_are_code_never_reach_the_cluster(ray_cluster_here, tiny_data) -> None:
    from gan_core.errors import ConfigError

    executor = RayExecutor(ray_cluster_here.address)
    try:
        with pytest.raises(ConfigError, match="never code: evaluate work only with the local executor"):
            JobManager(trainer_options={"data": tiny_data, "evaluate": lambda generator: {}}, executor=executor)
        with pytest.raises(ConfigError, match="never code: prepare"):
            JobManager(prepare=print, executor=executor)
    finally:
        executor.shutdown()


def test_what_the_cluster_holds_sets_how_many_runs_train_at_once() -> None:
    node = ray_cluster.Node
    h100 = node("10.0.0.2", {"CPU": 16, "GPU": 1, ray_cluster.GPU_MEMORY_RESOURCE: 80, "accelerator_type:H100": 1})
    small = node("10.0.0.3", {"CPU": 4, "GPU": 1, ray_cluster.GPU_MEMORY_RESOURCE: 24})
    laptop = node("10.0.0.4", {"CPU": 3})
    bare = node("10.0.0.5", {"CPU": 8, "GPU": 2})  # started without the memory resource
    assert ray_cluster.capacity([h100], "cuda") == 32  # 40 by memory, 32 by share of the card
    assert ray_cluster.capacity([small], "cuda") == 12  # 24 GiB / 2 GiB
    assert ray_cluster.capacity([h100, small, laptop, bare], "cuda") == 44
    assert ray_cluster.capacity([h100, small, laptop, bare], "cpu") == 31
    assert h100.gpu_names == ["H100"]


# --- what the teacher sees -------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_teacher_sees_the_cluster_and_students_are_offered_its_gpus(ray_cluster_here, checkpoints, monkeypatch,
                                                                       language) -> None:
    """A server without a GPU whose cluster has one (a node declaring an 80 GB card; nothing trains on it here):
    the board says where runs train and how many at once, from the cluster; the Train page offers the GPU."""
    from gan_core.config import recommended_settings
    from gan_core.devices import use_training_devices
    from gan_core.jobs import manager as jobs_module
    from ui.train_form import key

    from .test_app import counted, open_app, text, texts

    assert not torch.cuda.is_available()
    gpu_box = ray_cluster_here.cluster.add_node(num_cpus=0, num_gpus=1, resources={ray_cluster.GPU_MEMORY_RESOURCE: 80},
                                                object_store_memory=80 * 2**20, include_dashboard=False)
    manager = JobManager(executor=RayExecutor(ray_cluster_here.address))
    monkeypatch.setattr(jobs_module, "_manager", manager)
    use_training_devices(manager.executor.training_devices)
    try:
        assert manager.executor.placement().gpus == 1
        board = open_app("board", language)
        at_once = ", ".join([text("where_on_device", language, runs=counted("n_runs", 32, language),
                                  device=text("where_device_cuda", language)),
                             text("where_on_device", language, runs=counted("n_runs", 2, language),
                                  device=text("where_device_cpu", language))])
        line = text("where_cluster", language, address=ray_cluster_here.address, nodes=counted("n_nodes", 4, language),
                    gpus=counted("n_gpus", 1, language), at_once=at_once)
        assert line in texts(board, "caption")
        train = open_app("train", language)
        assert train.selectbox(key=key("device")).value == "cuda"  # the cluster's GPU, first
        assert train.text_input(key=key("batch_size")).value == str(recommended_settings("sngan", "cuda")["batch_size"])
    finally:
        use_training_devices(None)
        manager.leave()
        ray_cluster_here.cluster.remove_node(gpu_box)


# --- one class, two servers ----------------------------------------------------------------------------------
def test_two_servers_of_one_class_share_its_queue_limits_turns_and_stops(ray_cluster_here, make_manager,
                                                                          checkpoints) -> None:
    """Two job managers (two app servers behind a proxy, one checkpoints folder) of one class: one queue, in the
    cluster. Turns are taken across both, the teacher's limits and order hold on both, a run's name is taken on
    both, and either may stop (or cancel) a job of the other."""
    from gan_core.classroom.access import Actor, ClassLimits
    from gan_core.errors import ClassLimitError, RunNameError

    alice, bob, teacher = Actor("alice"), Actor("bob"), Actor("Ms Smith", teacher=True)
    first, second = make_manager(max_per_device=1, class_name="physics"), make_manager(max_per_device=1,
                                                                                      class_name="physics")
    try:
        first.set_limits(ClassLimits(max_active_per_student=2), by=teacher)
        wait_until(lambda: second.limits == ClassLimits(max_active_per_student=2), timeout=30)

        blocker = first.submit(tiny(1000), "alice-1", checkpoints, by=alice)
        wait_until(lambda: blocker.state == "running", timeout=WAIT)
        bobs = second.submit(tiny(1), "bob-1", checkpoints, by=bob)
        alices = first.submit(tiny(1), "alice-2", checkpoints, by=alice)
        later = second.submit(tiny(1), "bob-2", checkpoints, by=bob)
        names = lambda manager: [job.run_name for job in manager.queue("cpu")]  # noqa: E731
        wait_until(lambda: names(first) == names(second) == ["bob-1", "alice-2", "bob-2"], timeout=30)  # bob's turn
        assert [job.run_name for job in second.running_on("cpu")] == ["alice-1"]  # trained by the first server
        with pytest.raises(RunNameError, match="already exists"):
            second.submit(tiny(1), "alice-1", checkpoints, by=bob)
        with pytest.raises(ClassLimitError):
            second.submit(tiny(1), "alice-3", checkpoints, by=alice)  # her two are queued on the first server

        assert second.move("alice-2", -1, checkpoints, by=teacher) == 1  # the teacher, on the second server
        wait_until(lambda: names(first) == ["alice-2", "bob-1", "bob-2"], timeout=30)
        assert first.stop("bob-2", checkpoints, by=teacher)  # queued on the second: cancelled there
        assert second.wait(later, 30).state == "stopped" and later.note.code == "cancelled"

        assert second.stop("alice-1", checkpoints, by=teacher)  # training on the first: stopped there, with a save
        assert first.wait(blocker, WAIT).state == "stopped"
        stopped_by = RunDir("alice-1", checkpoints).info().stopped_by
        assert stopped_by["name"] == "Ms Smith" and stopped_by["teacher"] and stopped_by["at"]  # who, and when
        assert first.wait(alices, WAIT).state == "finished"  # the teacher's order, then bob's turn on the other
        assert second.wait(bobs, WAIT).state == "finished"
        wait_until(lambda: first.jobs() == second.jobs() == [], timeout=30)
    finally:
        ray.kill(ray.get_actor("class:physics", namespace=ray_cluster.NAMESPACE))
