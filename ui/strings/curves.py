"""Losses page: what the curves run along."""

STRINGS = {
    "losses_axis_step": {"ru": "Шаг", "en": "Step"},
    "losses_axis_epoch": {"ru": "Эпоха", "en": "Epoch"},
    "losses_axis_progress": {"ru": "Доля обучения, %", "en": "Share of training, %"},
    "losses_axis_help": {
        "ru": "Шаги и эпохи — как у каждого запуска. «Доля обучения» растягивает каждый запуск на всю ширину: "
              "запуск на 400 шагов и запуск на 7 800 шагов видны одинаково подробно.",
        "en": "Steps and epochs are each run's own. Share of training stretches every run across the whole width: "
              "a run of 400 steps and one of 7,800 show in the same detail.",
    },
}
