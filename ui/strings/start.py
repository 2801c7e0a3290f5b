"""Train page: what Start did when it started nothing, said outside the folded settings."""

STRINGS = {
    "train_start_already": {
        "ru": "Запуск «{name}» уже обучается: вы начали его только что — видимо, в другой вкладке. Он показан ниже; "
              "второй такой же не начат.",
        "en": "The run '{name}' is already training: you started it a moment ago, probably in another tab. It is "
              "shown below; no second one was started.",
    },
    "train_start_refused": {"ru": "«Старт» ничего не запустил: {reasons}", "en": "Start started nothing: {reasons}"},
}
