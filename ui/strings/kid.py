"""KID, the sample-quality number that does not move with the number of samples (gan_core.eval.metrics.kid)."""

STRINGS = {
    "col_kid": {"ru": "KID × 1000", "en": "KID × 1000"},
    "metric_kid": {"ru": "KID", "en": "KID"},  # the per-epoch chart's axis (raw KID)
    "help_quality_kid": {
        "ru": "Kernel Inception Distance × 1000: насколько признаки образцов отличаются от признаков настоящих цифр. "
              "Оценка несмещённая, поэтому не зависит от числа образцов; настоящие цифры — около 0. Меньше — лучше.",
        "en": "Kernel Inception Distance × 1000: how far the samples' features are from real digits'. The estimate "
              "is unbiased, so it does not depend on the number of samples; real digits score about 0. Lower is better."},
    "compare_kid_read": {
        "ru": "**KID × 1000 не зависит от числа образцов.** FID смещён: на малых выборках он завышен, и эталон вместе с ним "
              "тоже сдвигается, поэтому «FID / эталон» при 500 и при 1 000 образцах разный (у независимой гауссианы — в "
              "полтора-два раза). KID — несмещённая оценка расстояния между признаками образцов и настоящих цифр: при "
              "100 или 1 000 образцах он один и тот же с точностью до шума, у настоящих цифр около 0. Сравнивайте "
              "запуски и числа образцов по KID.",
        "en": "**KID × 1000 does not move with the number of samples.** FID is biased: it is too high on small samples, "
              "and the floor moves with it, so FID / floor differs at 500 and at 1,000 samples (for the independent "
              "Gaussian by nearly 2×). KID is an unbiased estimate of the distance between the features of the samples "
              "and of real digits: with 100 or 1,000 samples it is the same up to noise, and real digits score about 0. "
              "Compare runs and sample counts by KID."},
}
