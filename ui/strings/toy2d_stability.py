"""2D lab: the settings that keep D in check (spectral norm, R1, Adam's betas, batch) and the per-distribution defaults."""

STRINGS = {
    "toy2d_batch": {"ru": "Размер батча", "en": "Batch size"},
    "toy2d_spectral_norm": {"ru": "Спектральная нормировка D", "en": "Spectral norm on D"},
    "toy2d_spectral_norm_help": {
        "ru": "Делит каждый слой D на его наибольшее сингулярное число (Miyato et al. 2018): поверхность D "
              "не может стать круче, и G получает полезный градиент ко всем модам.",
        "en": "Divides each of D's layers by its largest singular value (Miyato et al. 2018): D's surface cannot "
              "get steeper, so G keeps a useful gradient towards every mode.",
    },
    "toy2d_r1": {"ru": "Штраф R1 (γ)", "en": "R1 penalty (γ)"},
    "toy2d_r1_help": {
        "ru": "γ/2·E‖∇D(x)‖² на реальных точках (Mescheder et al. 2018): D плоский у данных. 0 — выключен. "
              "Меняется на ходу.",
        "en": "γ/2·E‖∇D(x)‖² on real points (Mescheder et al. 2018): D stays flat at the data. 0 is off. "
              "Changes live.",
    },
    "toy2d_beta1": {"ru": "Adam β₁", "en": "Adam β₁"},
    "toy2d_beta2": {"ru": "Adam β₂", "en": "Adam β₂"},
    "toy2d_dist_defaults": {
        "ru": "Для «{name}» по умолчанию: {values} (подобрано, чтобы покрыть все моды; см. README).",
        "en": "Defaults for “{name}”: {values} (chosen to cover every mode; see the README).",
    },
}
