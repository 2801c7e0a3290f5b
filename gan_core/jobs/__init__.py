"""Training in the background: the job manager (queue, class limits, stop, supervision) and the worker
process that runs one job with the library's trainer, exactly as `python -m gan_core train` would."""

from .manager import Job, JobManager, get_job_manager

__all__ = ["Job", "JobManager", "get_job_manager"]
