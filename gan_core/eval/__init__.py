"""Judging a generator: the Gaussian baselines it must beat, the digit classifier behind FID and the class
histogram, the metrics themselves, loss curves per epoch, and the recorded "what goes wrong" runs."""
