"""Progression's GIF: the label on every frame."""

STRINGS = {
    "gif_frame_label": {"ru": "Эпоха {epoch} из {epochs}", "en": "Epoch {epoch} of {epochs}"},
}
