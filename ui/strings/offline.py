"""Offline: which datasets are on this computer, and how to get the others (README, section Data)."""

STRINGS = {
    "dataset_missing_suffix": {"ru": " (не скачан)", "en": " (not on disk)"},
    "dataset_missing_note": {
        "ru": "Набора «{dataset}» нет на этом компьютере. С интернетом он скачается при первом запуске (~50 МБ). Без "
              "интернета положите четыре файла *-idx?-ubyte (или .gz) в папку `{folder}` — см. README, раздел Data.",
        "en": "'{dataset}' is not on this computer. With the internet it downloads on first use (~50 MB). Offline, "
              "put its four *-idx?-ubyte files (or the .gz ones) in the folder `{folder}` — see README, section Data."},
}
