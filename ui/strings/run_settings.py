"""Runs page: a run's settings as a table of the Train page's labels and readable values."""

STRINGS = {
    "setting_betas": {"ru": "Adam β₁, β₂", "en": "Adam β₁, β₂"},
    "setting_tf32": {"ru": "TF32 на видеокартах NVIDIA", "en": "TF32 on NVIDIA GPUs"},
    "setting_bfloat16": {"ru": "bfloat16 на видеокартах NVIDIA", "en": "bfloat16 on NVIDIA GPUs"},
    "setting_device": {"ru": "Устройство (заказано)", "en": "Device (asked for)"},
    "setting_yes": {"ru": "да", "en": "yes"},
    "setting_no": {"ru": "нет", "en": "no"},
    "setting_off": {"ru": "выключено", "en": "off"},
    "device_choice_auto": {"ru": "автоматически (видеокарта, если есть)", "en": "automatic (a GPU if there is one)"},
    "device_choice_cpu": {"ru": "процессор", "en": "CPU"},
    "device_choice_cuda": {"ru": "видеокарта CUDA", "en": "CUDA GPU"},
    "device_choice_mps": {"ru": "видеокарта Apple", "en": "Apple GPU"},
    "col_setting": {"ru": "Настройка", "en": "Setting"},
}
