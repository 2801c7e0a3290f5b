"""The 2D lab's instance-noise control (gan_core/toy2d/lab.py: Toy2DConfig.instance_noise)."""

STRINGS = {
    "toy2d_instance_noise": {"ru": "Шум на входе D (σ)", "en": "Instance noise (σ)"},
    "toy2d_instance_noise_help": {
        "ru": "Гауссов шум с разбросом σ добавляется ко всем точкам, которые видит D (и настоящим, и поддельным): "
              "распределения перекрываются, и градиент D доходит до G даже там, где G ещё не нашёл моду; 0 — выключен.",
        "en": "Gaussian noise of std σ is added to every point D sees, real and fake: the two distributions overlap, "
              "so D's gradient reaches G even where G has not found a mode yet; 0 = off."},
    "toy2d_instance_noise_rounds": {"ru": "Шум гаснет за раундов (0 — никогда)", "en": "Noise fades over rounds (0 = never)"},
    "toy2d_instance_noise_rounds_help": {
        "ru": "σ линейно уменьшается до 0 за столько раундов (так в конце G учится на точных данных).",
        "en": "σ falls linearly to 0 over this many rounds (so G ends on the exact data)."},
}
