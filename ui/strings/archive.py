"""Runs page: importing a run from a .zip (gan_core/runs/archive.py)."""

STRINGS = {
    "runs_import_h": {"ru": "Импорт запуска (.zip)", "en": "Import a run (.zip)"},
    "runs_import_intro": {
        "ru": "Архив, скачанный кнопкой «Скачать весь запуск (.zip)» на этой странице здесь или на другом компьютере "
              "(или командой `python -m gan_core export`). "
              "Он проверяется целиком до записи: только файлы запуска, без опасных путей, с ограничением размера, "
              "веса читаются без выполнения кода.",
        "en": "An archive downloaded with this page's .zip button, here or on another computer (or written by "
              "`python -m gan_core export`). It is checked "
              "completely before anything is written: a run's files only, no unsafe paths, size limits, weights "
              "read without running code."},
    "runs_import_file": {"ru": "Файл .zip", "en": "The .zip file"},
    "runs_import_name": {"ru": "Имя запуска здесь", "en": "Name here"},
    "runs_import_name_help": {"ru": "Пусто — имя папки в архиве.", "en": "Empty: the folder's name in the archive."},
    "runs_import_button": {"ru": "Импортировать", "en": "Import"},
    "runs_imported": {"ru": "Запуск «{name}» импортирован: {epochs}.", "en": "Imported the run '{name}': {epochs}."},
}
