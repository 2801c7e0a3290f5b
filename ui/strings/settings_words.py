"""A run's settings in the reader's words (ui/settings_words.py): labels the Train form has no field for, and what
a value means where a number alone would not say it."""

STRINGS = {
    "setting_r1": {"ru": "Штраф R1 (γ)", "en": "R1 penalty (γ)"},
    "setting_model_own": {"ru": "0 — как у модели", "en": "0 — the model's own"},
    "model_short_cgan": {"ru": "cGAN (цифра по заказу)", "en": "cGAN (digit on request)"},
    "setting_pair": {"ru": "{label}: {value}", "en": "{label}: {value}"},
}
