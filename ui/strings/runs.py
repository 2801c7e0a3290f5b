"""Runs page: a run whose run.json cannot be read."""

STRINGS = {
    "status_broken": {"ru": "повреждён", "en": "broken"},
    "runs_broken": {
        "ru": "Описание этого запуска (run.json) не читается, поэтому его нельзя ни показать, ни продолжить. "
              "Причина: {reason}. Удалите запуск или восстановите файл из копии.",
        "en": "This run's description (run.json) cannot be read, so it can be neither shown nor resumed. "
              "Reason: {reason}. Delete the run or restore the file from a copy.",
    },
}
