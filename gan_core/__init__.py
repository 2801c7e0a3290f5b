"""GAN Lab's library: data, models, Gaussian baselines, an exactly resumable trainer and checkpoints.

It never imports Streamlit: the app (app.py, ui/) is a thin layer over it.
"""

from .eval.baselines import BASELINES, FullGaussian, IndependentGaussian, fit_baseline
from .runs.checkpoints import RunDir, RunInfo, delete_run, list_runs
from .config import TrainConfig
from .data import DATASETS, ImageDataset, load_dataset
from .devices import available_devices, resolve_device
from .errors import CheckpointError, ConfigError, DataError, GanLabError, RunNameError
from .models import MODELS, build_models, count_parameters
from .sampling import LoadedGenerator, load_generator, sample
from .history import EpochResult, History, Progress
from .trainer import Trainer

__all__ = [
    "BASELINES", "DATASETS", "MODELS", "CheckpointError", "ConfigError", "DataError", "EpochResult",
    "FullGaussian", "GanLabError", "History", "ImageDataset", "IndependentGaussian", "LoadedGenerator",
    "Progress", "RunDir", "RunInfo", "RunNameError", "TrainConfig", "Trainer", "available_devices",
    "build_models", "count_parameters", "delete_run", "fit_baseline", "list_runs", "load_dataset",
    "load_generator", "resolve_device", "sample",
]
