"""Progression's GIF: its section, the label on every frame, and the button that makes it when a student asks
(building it costs the server seconds; most visitors only scrub)."""

STRINGS = {
    "progression_gif_h": {"ru": "Анимация", "en": "Animation"},
    "progression_gif_make": {"ru": "Собрать GIF", "en": "Make the GIF"},
    "progression_gif_offer": {"ru": "Все эпохи одной анимацией ({epochs}), которую можно скачать.",
                              "en": "Every epoch as one animation ({epochs}) that you can download."},
    "progression_gif_making": {"ru": "Собираю GIF…", "en": "Making the GIF…"},
    "gif_frame_label": {"ru": "Эпоха {epoch} из {epochs}", "en": "Epoch {epoch} of {epochs}"},
    "progression_gif_caption": {"ru": "{epochs}; последний кадр держится дольше",
                                "en": "{epochs}; the last frame stays longer"},
    "progression_download": {"ru": "Скачать GIF", "en": "Download the GIF"},
}
