"""Counted nouns with real plural forms: "|" separates them (English: one|other; Russian: one|few|many).
Read them with `i18n.plural(key, n)`, never with t()."""

STRINGS = {
    "n_epochs": {"ru": "{n} эпоха|{n} эпохи|{n} эпох", "en": "{n} epoch|{n} epochs"},
    "n_cores": {"ru": "{n} ядро|{n} ядра|{n} ядер", "en": "{n} core|{n} cores"},
    "n_runs": {"ru": "{n} запуск|{n} запуска|{n} запусков", "en": "{n} run|{n} runs"},
    "n_d_steps": {"ru": "{n} шаге D|{n} шагах D|{n} шагах D", "en": "{n} D step|{n} D steps"},
    "n_samples": {"ru": "{n} образец|{n} образца|{n} образцов", "en": "{n} sample|{n} samples"},
}
