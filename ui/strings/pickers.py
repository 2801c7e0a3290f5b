"""Short option labels for the Train page's pickers, so each reads in full at 1280x720 (the whole description
is the caption under the picker), and what a dataset needs that this computer lacks."""

STRINGS = {
    "dataset_short_mnist-5k": {"ru": "MNIST · 5 000", "en": "MNIST · 5,000"},
    "dataset_short_mnist": {"ru": "MNIST · 60 000", "en": "MNIST · 60,000"},
    "dataset_short_fashion-mnist": {"ru": "Fashion-MNIST", "en": "Fashion-MNIST"},
    "dataset_no_torchvision_suffix": {"ru": " (без torchvision)", "en": " (no torchvision)"},
    "dataset_no_torchvision_note": {
        "ru": "Для набора «{dataset}» нужен пакет torchvision, а он не установлен (установка только для процессора "
              "его не ставит): `pip install torchvision`, затем перезапустите приложение. Встроенный MNIST · 5 000 "
              "работает и без него.",
        "en": "'{dataset}' needs the torchvision package, which is not installed (a CPU-only install may leave it "
              "out): `pip install torchvision`, then restart the app. The built-in MNIST · 5,000 works without it."},
    "error_torchvision_missing": {
        "ru": "Для набора «{dataset}» нужен пакет torchvision, а он не установлен: `pip install torchvision`, или "
              "выберите встроенный MNIST · 5 000.",
        "en": "'{dataset}' needs the torchvision package, which is not installed: `pip install torchvision`, or "
              "choose the built-in MNIST · 5,000."},
    "lv_short_minimax": {"ru": "minimax (со слайда)", "en": "minimax (the slide's)"},
    "lv_short_ns": {"ru": "ns (по умолчанию)", "en": "ns (default)"},
    "lv_short_lsgan": {"ru": "LSGAN", "en": "LSGAN"},
    "lv_short_hinge": {"ru": "hinge", "en": "hinge"},
    "lv_short_wgan-gp": {"ru": "WGAN-GP", "en": "WGAN-GP"},
}
