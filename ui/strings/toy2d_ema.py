"""The 2D lab's average of G's weights (gan_core/toy2d/lab.py: Toy2DConfig.g_ema, Yazıcı et al. 2019)."""

STRINGS = {
    "toy2d_g_ema": {"ru": "Среднее весов G (EMA)", "en": "Average of G's weights (EMA)"},
    "toy2d_ema_help": {
        "ru": "Экспоненциальное скользящее среднее весов G с этим коэффициентом затухания (Yazıcı и др., 2019): "
              "после каждого шага G среднее сдвигается к живому G. Плоскость и числа показывают среднее, а учится "
              "живой G — среднее в обучение не возвращается. G колеблется вокруг равновесия; среднее гасит эти "
              "колебания. Выкл. — показан живой G.",
        "en": "An exponential moving average of G's weights with this decay (Yazıcı et al. 2019): after every G "
              "update the average moves toward the live G. The plane and the numbers show the average; training "
              "moves the live G, and the average never feeds back. G circles around the equilibrium; the average "
              "smooths that out. Off: the live G is shown."},
    "toy2d_ema_shown": {
        "ru": "Плоскость и числа показывают среднее весов G (EMA, затухание {decay}), а не живой G: «Только шаг G» "
              "меняет живой G, а среднее сдвигается лишь на малую долю. Выключить: «Среднее весов G» слева.",
        "en": "The plane and the numbers show the average of G's weights (EMA, decay {decay}), not the live G: "
              "Step G only changes the live G, and the average moves only a small part of the way. Turn it off: "
              "\"Average of G's weights\" on the left."},
}
