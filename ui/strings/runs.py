"""Runs page: a run whose run.json cannot be read."""

STRINGS = {
    "error_disk_full": {"ru": "Диск заполнен: файл {file} не сохранился, предыдущий цел. Освободите место (удалите "
                              "старые запуски) и продолжите обучение.",
                        "en": "The disk is full: {file} could not be saved; the previous one is kept. Free some space "
                              "(delete old runs) and resume the training."},
    "status_broken": {"ru": "повреждён", "en": "broken"},
    "runs_broken": {
        "ru": "Описание этого запуска (run.json) не читается, поэтому его нельзя ни показать, ни продолжить. "
              "{reason}",
        "en": "This run's description (run.json) cannot be read, so it can be neither shown nor resumed. "
              "{reason}",
    },
}
