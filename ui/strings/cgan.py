"""Conditional generation (cgan): the model's name, the Latent explorer's digit picker, style grid and
digit-to-digit walk, and the label accuracy on the Train page."""

STRINGS = {
    "model_cgan": {"ru": "cGAN — SNGAN, которому говорят, какую цифру рисовать",
                   "en": "cGAN — SNGAN that is told which digit to draw"},

    # --- latent explorer ---------------------------------------------------------------------------------------
    "latent_mode_style": {"ru": "Стиль × цифра", "en": "Style × digit"},
    "cgan_run_note": {
        "ru": "Это условная модель: кроме шума $z$ генератор получает метку — какую цифру рисовать.",
        "en": "This is a conditional model: besides the noise $z$ the generator gets a label — which digit to draw.",
    },
    "cgan_digit": {"ru": "Какую цифру рисовать", "en": "Digit to draw"},
    "cgan_digit_help": {"ru": "Метка, которую получает генератор вместе с z. Тот же z — тот же почерк.",
                        "en": "The label the generator gets together with z. The same z keeps the same handwriting."},
    "cgan_digit_caption": {"ru": "G(z, {digit}); длина |z| = {norm:.1f} (типичная ≈ {typical:.1f})",
                           "en": "G(z, {digit}); length |z| = {norm:.1f} (typical ≈ {typical:.1f})"},
    "cgan_asked_ok": {"ru": "— просили {digit} ✓", "en": "— asked for {digit} ✓"},
    "cgan_asked_other": {"ru": "— а просили {digit}", "en": "— but {digit} was asked for"},
    "cgan_sliders_note": {
        "ru": "Смените цифру, не трогая ползунки: цифра другая, а наклон и толщина линий те же — их хранит z.",
        "en": "Change the digit without touching the sliders: another digit, the same slant and stroke — z holds those.",
    },
    "cgan_style_intro": {
        "ru": "Каждая строка — один вектор $z$, каждый столбец — одна метка от 0 до 9. Вдоль строки меняется только "
              "метка: то, что остаётся общим (наклон, толщина, ширина), — это и есть то, что хранит $z$.",
        "en": "Each row is one vector $z$, each column one label from 0 to 9. Along a row only the label changes: "
              "what stays the same (slant, stroke, width) is what $z$ holds.",
    },
    "cgan_style_rows": {"ru": "Строк (векторов z)", "en": "Rows (vectors z)"},
    "cgan_style_seed": {"ru": "Зерно строк", "en": "Seed of the rows"},
    "cgan_style_seed_help": {"ru": "Другое зерно — другие почерки.", "en": "Another seed, other handwriting."},
    "cgan_style_current": {"ru": "Первая строка — z с ползунков", "en": "First row: z of the sliders"},
    "cgan_style_current_help": {"ru": "Первая строка берёт вектор, настроенный в режиме «Ползунки z».",
                                "en": "The first row takes the vector set in the “Sliders of z” mode."},
    "cgan_style_caption": {"ru": "Столбцы слева направо — цифры 0, 1, …, 9; строки — разные z.",
                           "en": "Columns left to right: digits 0, 1, …, 9; rows: different z."},
    "cgan_walk_h": {"ru": "От цифры к цифре при том же z", "en": "From one digit to another at the same z"},
    "cgan_walk_intro": {
        "ru": "Шум $z$ не меняется; метка плавно перетекает из одной цифры в другую (смесь их векторов-меток).",
        "en": "The noise $z$ stays fixed; the label blends from one digit into the other (a mix of their label vectors).",
    },
    "cgan_walk_from": {"ru": "От цифры", "en": "From digit"},
    "cgan_walk_to": {"ru": "До цифры", "en": "To digit"},
    "cgan_walk_seed": {"ru": "Зерно z", "en": "Seed of z"},
    "cgan_walk_caption": {"ru": "Слева {a}, справа {b}; почерк один — z один.",
                          "en": "{a} on the left, {b} on the right; one z, one handwriting."},
    "cgan_walk_gif": {"ru": "Скачать GIF", "en": "Download the GIF"},
    "cgan_z_walk_h": {"ru": "От одного z к другому при той же цифре", "en": "From one z to another at the same digit"},
    "cgan_z_walk_digit": {"ru": "Цифра на всём пути", "en": "Digit along the path"},

    # --- label accuracy (Train page) ----------------------------------------------------------------------------
    "metric_label_accuracy_mean": {"ru": "Нарисовано, что просили", "en": "Drawn as asked"},
    "help_quality_label_accuracy": {
        "ru": "Доля образцов, в которых классификатор видит ту цифру, которую просили нарисовать; среднее по 10 цифрам. "
              "Цель — не меньше 95% для каждой цифры.",
        "en": "The share of samples in which the classifier reads the digit that was asked for; the mean over the "
              "10 digits. The target is at least 95% for every digit.",
    },
    "quality_label_h": {"ru": "Нарисовано, что просили, по цифрам (эпоха {epoch})",
                        "en": "Drawn as asked, per digit (epoch {epoch})"},
    "label_accuracy_axis": {"ru": "% нарисованных как просили", "en": "% drawn as asked"},
    "ref_label_target": {"ru": "цель 95%", "en": "target 95%"},
    "label_accuracy_lowest": {"ru": "Хуже всех: {digit}", "en": "Weakest: {digit}"},
}
