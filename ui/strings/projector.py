"""Projector readability: the Compare page's large view."""

STRINGS = {
    "compare_large": {"ru": "Крупно: по две сетки в ряд", "en": "Large: two grids a row"},
    "compare_large_help": {"ru": "Для проектора: каждая сетка вдвое шире, цифры видно с задних рядов.",
                           "en": "For a projector: each grid twice as wide, so the back rows can read the digits."},
}

STRINGS.update({  # short enough for a quarter of a 1280-pixel screen; the description goes under the select
    "model_short_sngan": {"ru": "SNGAN (основная)", "en": "SNGAN (default)"},
    "model_short_mlp": {"ru": "MLP из лекции", "en": "MLP (the lecture's)"},
    "model_short_dcgan": {"ru": "DCGAN", "en": "DCGAN"},
})
