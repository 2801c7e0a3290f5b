"""The sidebar's theme for the room a projector is in (ui/style.py)."""

STRINGS = {
    "theme": {"ru": "Оформление", "en": "Theme"},
    "theme_help": {"ru": "Для светлого зала — контрастное: чёрный текст и толстые линии. Для тёмного — тёмное. "
                         "Выбор действует в этой вкладке на всех страницах.",
                   "en": "A bright room: high contrast, black text and bold lines. A dark room: dark. The choice holds "
                         "for this tab, on every page."},
    "theme_light": {"ru": "Обычное", "en": "Standard"},
    "theme_contrast": {"ru": "Контрастное (светлый зал)", "en": "High contrast (bright room)"},
    "theme_dark": {"ru": "Тёмное (тёмный зал)", "en": "Dark (dark room)"},
}
