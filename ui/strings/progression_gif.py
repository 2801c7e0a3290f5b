"""Progression's GIF, made when a student asks for it (building it costs the server seconds; most visitors only scrub)."""

STRINGS = {
    "progression_gif_make": {"ru": "Собрать GIF", "en": "Make the GIF"},
    "progression_gif_offer": {"ru": "Все эпохи одной анимацией ({epochs}), которую можно скачать.",
                              "en": "Every epoch as one animation ({epochs}) that you can download."},
    "progression_gif_making": {"ru": "Собираю GIF…", "en": "Making the GIF…"},
}
