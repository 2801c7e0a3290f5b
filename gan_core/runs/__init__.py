"""A run's storage: its folder (run.json, checkpoints, epochs' samples), archives to move it between
machines, why it ended (notes) and results cached beside it."""

from .checkpoints import RunDir, RunInfo, delete_run, list_runs, rename_run

__all__ = ["RunDir", "RunInfo", "delete_run", "list_runs", "rename_run"]
