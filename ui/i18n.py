"""Every string the app shows, in Russian (the course's language, the default) and English.

`t("key", **values)` returns the text in the session's language; values are filled in with
str.format, so texts that take values write literal braces as {{ }}. A test checks that every
key has both languages with the same placeholders.

Option labels (format_func) are built as dict lookups while the page renders, never as
lambdas calling t() later: Streamlit may call them outside the script run, where the
session's language is not known.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import streamlit as st

LANGUAGES = {"ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "ru"
LANGUAGE_KEY = "lang"  # Session State key of the sidebar switch, and the URL's ?lang=


def language() -> str:
    value = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The text of `key` in the current language (a missing key is a bug and raises KeyError)."""
    text = STRINGS[key][language()]
    return text.format(**values) if values else text


def plural_form(n: int, lang: str) -> int:
    """Which plural form a count takes: English 1 -> 0, else 1; Russian (CLDR) 1, 21, 101 -> 0 ("эпоха"),
    2-4, 22-24 -> 1 ("эпохи"), 0, 5-20, 11-14, 25-30 -> 2 ("эпох")."""
    n = abs(int(n))
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
    return 0 if n == 1 else 1


def plural(key: str, n: int, **values: object) -> str:
    """A counted noun in the current language: plural("n_epochs", 21) -> "21 эпоха" / "21 epochs"."""
    forms = STRINGS[key][language()].split("|")
    return forms[min(plural_form(n, language()), len(forms) - 1)].format(n=n, **values)


REFUSED_LANGUAGE = "lang_refused"  # Session State: the ?lang= value of the URL this session opened with, not a language


def requested_language(value: str | None) -> str | None:
    """The language a URL's ?lang= asks for: "en", "EN" and " En " all mean English; None for a value that
    names no language of the app (or no value)."""
    code = (value or "").strip().lower()
    return code if code in LANGUAGES else None


def language_switch() -> str:
    """The sidebar's language radio. The choice lives in the session and in the URL (?lang=en),
    so a reload or a shared link keeps it. A ?lang= that names no language of the app is said once,
    under the switch, until a language is chosen there."""
    if LANGUAGE_KEY not in st.session_state:
        requested = st.query_params.get(LANGUAGE_KEY)
        st.session_state[LANGUAGE_KEY] = requested_language(requested) or DEFAULT_LANGUAGE
        if requested is not None and requested_language(requested) is None:
            st.session_state[REFUSED_LANGUAGE] = requested
    with st.sidebar:
        st.radio("Язык · Language", list(LANGUAGES), key=LANGUAGE_KEY, format_func=LANGUAGES.__getitem__, horizontal=True,
                 on_change=lambda: st.session_state.pop(REFUSED_LANGUAGE, None))
        if REFUSED_LANGUAGE in st.session_state:
            st.caption(t("lang_refused", value=st.session_state[REFUSED_LANGUAGE][:20]))
    chosen = language()
    if st.query_params.get(LANGUAGE_KEY) != chosen:
        st.query_params[LANGUAGE_KEY] = chosen
    return chosen


STRINGS: dict[str, dict[str, str]] = {
    # --- frame and navigation ---------------------------------------------------------------------
    "page_home": {"ru": "Что такое GAN", "en": "What is a GAN"},
    "page_data": {"ru": "Данные и гауссиана", "en": "Data and the Gaussian"},
    "page_train": {"ru": "Обучение", "en": "Train"},
    "page_losses": {"ru": "Кривые потерь", "en": "Losses"},
    "page_latent": {"ru": "Латентное пространство", "en": "Latent explorer"},
    "page_progression": {"ru": "Прогресс по эпохам", "en": "Progression"},
    "page_compare": {"ru": "Сравнение", "en": "Compare"},
    "page_runs": {"ru": "Запуски", "en": "Runs"},
    "sidebar_footer": {"ru": "GAN Lab — лаборатория генеративно-состязательных сетей.",
                       "en": "GAN Lab — a hands-on lab of generative adversarial networks."},
    "note_queued": {"ru": ":material/hourglass_top: {name}: в очереди, место {place}",
                    "en": ":material/hourglass_top: {name}: queued, place {place}"},
    "note_training": {"ru": "▶ {name}: обучается, {percent}%", "en": "▶ {name}: training, {percent}%"},
    "note_more": {"ru": "…и ещё {runs} (все — на странице «Доска класса»)", "en": "…and {runs} besides (all on the Class board)"},
    "note_open_train": {"ru": "Смотреть обучение", "en": "Watch the training"},
    "need_run": {
        "ru": "Этой странице нужен обученный генератор, а готовых запусков пока нет. Обучите первый на странице "
              "«Обучение»: на процессоре хватит нескольких минут.",
        "en": "This page needs a trained generator, and there is no run yet. Train one on the Train page: "
              "a few minutes on a CPU are enough.",
    },
    "go_train": {"ru": "Перейти к обучению", "en": "Go to Train"},
    "pick_run": {"ru": "Запуск", "en": "Run"},
    "shipped": {"ru": "предобученный", "en": "pretrained"},
        "loading_data": {"ru": "Загружаю данные…", "en": "Loading the data…"},
    "seed": {"ru": "Зерно", "en": "Seed"},
    "seconds": {"ru": "{s} с", "en": "{s} s"},
    "time_h_min": {"ru": "{h} ч {m} мин", "en": "{h} h {m} min"},
    "time_min_s": {"ru": "{m} мин {s} с", "en": "{m} min {s} s"},
    "time_s": {"ru": "{s} с", "en": "{s} s"},
    "cancel": {"ru": "Отмена", "en": "Cancel"},
    "step": {"ru": "Шаг", "en": "Step"},
    "epoch": {"ru": "Эпоха", "en": "Epoch"},
    "loss": {"ru": "Потеря", "en": "Loss"},
    "loss_d": {"ru": "Потеря D", "en": "Loss of D"},
    "loss_g": {"ru": "Потеря G", "en": "Loss of G"},
    "d_real": {"ru": "D(x), настоящие", "en": "D(x), real"},
    "d_fake": {"ru": "D(G(z)), подделки", "en": "D(G(z)), fakes"},
    "d_output": {"ru": "Выход D", "en": "Output of D"},
    "equilibrium_d": {"ru": "равновесие D: 2 ln 2", "en": "equilibrium of D: 2 ln 2"},
    "equilibrium_g": {"ru": "равновесие G: ln 2", "en": "equilibrium of G: ln 2"},
    "status_queued": {"ru": "в очереди", "en": "queued"},
    "status_starting": {"ru": "запускается", "en": "starting"},
    "status_running": {"ru": "обучается", "en": "training"},
    "status_finished": {"ru": "готов", "en": "finished"},
    "status_stopped": {"ru": "остановлен", "en": "stopped"},
    "status_diverged": {"ru": "разошёлся", "en": "diverged"},
    "status_failed": {"ru": "ошибка", "en": "failed"},
    "dataset": {"ru": "Набор данных", "en": "Dataset"},
    "dataset_mnist-5k": {"ru": "MNIST, 5 000 цифр (встроенный, без интернета)",
                         "en": "MNIST, 5,000 digits (built in, offline)"},
    "dataset_mnist": {"ru": "MNIST, 60 000 цифр (скачивается один раз)", "en": "MNIST, 60,000 digits (downloaded once)"},
    "dataset_fashion-mnist": {"ru": "Fashion-MNIST, 60 000 вещей (скачивается один раз)",
                              "en": "Fashion-MNIST, 60,000 clothes (downloaded once)"},
    "model": {"ru": "Модель", "en": "Model"},
    "model_sngan": {"ru": "SNGAN — быстрая свёрточная пара (по умолчанию)",
                    "en": "SNGAN — a fast convolutional pair (default)"},
    "model_mlp": {"ru": "MLP — полносвязная пара из лекции", "en": "MLP — the lecture's fully connected pair"},
    "model_dcgan": {"ru": "DCGAN — свёрточная пара", "en": "DCGAN — a convolutional pair"},

    # --- sample quality (gan_core.eval.metrics), shared by Train, Losses, Compare and the Latent explorer ---------------
    "metric_fid": {"ru": "FID", "en": "FID"},
    "metric_fid_ratio": {"ru": "FID / эталон", "en": "FID / floor"},
    "metric_classes_covered": {"ru": "Цифр в выборке (≥ 2%)", "en": "Digits covered (≥ 2%)"},
    "metric_mean_confidence": {"ru": "Уверенность классификатора", "en": "Classifier's confidence"},
    "metric_kl_to_uniform": {"ru": "KL до равномерного", "en": "KL to uniform"},
    "help_quality_fid": {
        "ru": "Расстояние Фреше между признаками образцов и настоящих цифр в глазах классификатора цифр. Меньше — "
              "лучше; около 788 — потолок: классификатор не видит цифр вовсе.",
        "en": "The Fréchet distance between the features of the samples and of real digits, as the digit classifier "
              "sees them. Lower is better; about 788 is the ceiling: the classifier sees no digits at all.",
    },
    "help_quality_fid_ratio": {
        "ru": "FID, делённый на FID настоящих цифр при том же числе образцов (эталон). 1 — как настоящие; цель — не больше 5.",
        "en": "FID divided by the FID of real digits at the same number of samples (the floor). 1 is as good as real "
              "digits; the target is 5 or less.",
    },
    "help_quality_classes_covered": {
        "ru": "Сколько цифр получают хотя бы 2% образцов. 10 — все цифры; 1 — коллапс мод на одну цифру.",
        "en": "How many digits get at least 2% of the samples. 10: every digit; 1: mode collapse onto one digit.",
    },
    "help_quality_mean_confidence": {
        "ru": "Средняя уверенность классификатора в своей догадке. Настоящие цифры — 99%, шум — около 10% («не знаю»).",
        "en": "The classifier's mean confidence in its guess. Real digits score 99%; noise about 10% (\"don't know\").",
    },
    "ref_target": {"ru": "цель: 5×", "en": "target: 5×"},
    "ref_real": {"ru": "настоящие цифры: 1", "en": "real digits: 1"},
    "ref_all_digits": {"ru": "все 10 цифр", "en": "all 10 digits"},
    "ref_real_confidence": {"ru": "настоящие цифры: 0.99", "en": "real digits: 0.99"},
    "ref_one_digit": {"ru": "одна цифра: ln 10", "en": "one digit only: ln 10"},
    "ref_uniform": {"ru": "поровну: 10%", "en": "equal shares: 10%"},
    "digit": {"ru": "Цифра", "en": "Digit"},
    "share_axis": {"ru": "% образцов", "en": "% of samples"},
    "quality_h": {"ru": "Качество образцов по эпохам", "en": "Sample quality, epoch by epoch"},
    "quality_wait": {"ru": "FID и гистограмма цифр появятся в конце первой эпохи.",
                     "en": "FID and the histogram of digits appear at the end of the first epoch."},
    "quality_not_digits": {
        "ru": "Метрики качества считает классификатор цифр, а этот запуск обучен на {dataset}: для него их нет.",
        "en": "The quality metrics come from a digit classifier, and this run learns {dataset}: there are none for it.",
    },
    "quality_classes_h": {"ru": "Какие цифры рисует G после эпохи {epoch}", "en": "Which digits G draws after epoch {epoch}"},
    "quality_fid_h": {"ru": "FID / эталон по эпохам (логарифмическая шкала)", "en": "FID / floor per epoch (log scale)"},
    "quality_heatmap_h": {"ru": "Доля каждой цифры по эпохам", "en": "The share of each digit, epoch by epoch"},
    "quality_caption": {
        "ru": "Измерено в конце каждой эпохи по одному и тому же шуму. Эталон — FID настоящих цифр при таком числе "
              "образцов: {floor:.1f}.",
        "en": "Measured at the end of every epoch, on the same noise each time. The floor is the FID of real digits "
              "at this number of samples: {floor:.1f}.",
    },

    # --- home -------------------------------------------------------------------------------------------
    "home_title": {"ru": "GAN Lab: как нейросеть учится рисовать цифры",
                   "en": "GAN Lab: how a network learns to draw digits"},
    "home_teaser_real": {"ru": "Настоящие цифры", "en": "Real digits"},
    "home_teaser_gauss": {"ru": "Гауссиана над пикселями (полная ковариация)",
                          "en": "A Gaussian over the pixels (full covariance)"},
    "home_gauss_h": {"ru": "1. Наивная модель: гауссиана над пикселями", "en": "1. The naive model: a Gaussian over pixels"},
    "home_players_h": {"ru": "2. Генератор и дискриминатор", "en": "2. The generator and the discriminator"},
    "home_g_h": {"ru": "Генератор G", "en": "The generator G"},
    "home_d_h": {"ru": "Дискриминатор D", "en": "The discriminator D"},
    "home_game_h": {"ru": "3. Минимаксная игра", "en": "3. The minimax game"},
    "home_loop_h": {"ru": "4. Цикл обучения шаг за шагом", "en": "4. The training loop, step by step"},
    "home_pages_h": {"ru": "Страницы лаборатории", "en": "The pages of this lab"},
    "home_about_data": {"ru": "Настоящие цифры, среднее и разброс каждого пикселя и что рисуют две гауссианы.",
                        "en": "Real digits, each pixel's mean and spread, and what two Gaussians draw."},
    "home_about_train": {"ru": "Настройте и запустите обучение; потери и картинки видны вживую.",
                         "en": "Set up and start a training run; watch its losses and pictures live."},
    "home_about_losses": {"ru": "Кривые потерь и выходов D одного или нескольких запусков, сглаживание, CSV.",
                          "en": "Loss and D-output curves of one or several runs, smoothing, CSV."},
    "home_about_latent": {"ru": "Двигайте числа вектора z и смотрите, как меняется цифра; интерполяция и главные направления.",
                          "en": "Move the numbers of z and watch the digit change; interpolation and principal directions."},
    "home_about_progression": {"ru": "Картинки из одного и того же шума после каждой эпохи и их анимация.",
                               "en": "Pictures from the same noise after every epoch, and their animation."},
    "home_about_compare": {"ru": "Гауссианы, GAN и настоящие данные рядом, по одинаковому числу образцов, и их FID.",
                           "en": "The Gaussians, a GAN and the real data side by side, the same number of samples each, "
                                 "and their FID."},
    "home_about_runs": {"ru": "Все запуски: статус, эпохи, устройство; скачать или удалить.",
                        "en": "Every run: status, epochs, device; download or delete."},

    # --- data and the Gaussian baseline ----------------------------------------------------------------------
    "data_title": {"ru": "Данные и гауссиана", "en": "Data and the Gaussian baseline"},
    "data_intro": {
        "ru": "Прежде чем учить GAN, посмотрим на данные и на самую простую генеративную модель — нормальное "
              "распределение над пикселями. Она покажет, **что именно** трудно в задаче.",
        "en": "Before training a GAN, let us look at the data and at the simplest generative model, a normal "
              "distribution over the pixels. It shows **what exactly** is hard about the task.",
    },
    "data_seed_help": {"ru": "То же зерно — те же картинки; измените, чтобы увидеть другие.",
                       "en": "The same seed gives the same pictures; change it to see others."},
    "data_real_h": {"ru": "Настоящие цифры", "en": "Real digits"},
    "data_real": {"ru": "Случайные 64 из {n} картинок. Каждая — 28 × 28 = 784 пикселя, от чёрного к белому.",
                  "en": "64 random pictures of {n}. Each is 28 × 28 = 784 pixels, from black to white."},
    "data_stats_h": {"ru": "Среднее и разброс каждого пикселя", "en": "Each pixel's mean and spread"},
    "data_stats": {
        "ru": "Слева — средняя яркость каждого пикселя по всем картинкам, справа — её стандартное отклонение. Среднее "
              "похоже на размытый «ноль»: все цифры, наложенные друг на друга. Края всегда чёрные (разброс ноль), а "
              "сильнее всего меняется кольцо, где проходят штрихи разных цифр.",
        "en": "Left: each pixel's mean brightness over all pictures; right: its standard deviation. The mean looks "
              "like a blurry zero: all digits on top of each other. The border is always black (no spread), and the "
              "ring where the strokes of different digits pass varies most.",
    },
    "data_mean": {"ru": "Среднее μ", "en": "Mean μ"},
    "data_std": {"ru": "Стандартное отклонение σ", "en": "Standard deviation σ"},
    "data_samples_h": {"ru": "Что рисуют гауссианы", "en": "What the Gaussians draw"},
    "data_samples": {"ru": "Обе модели подобраны по этим же картинкам и сэмплируются с тем же зерном.",
                     "en": "Both models are fitted to these same pictures and sampled with the same seed."},
    "data_independent_h": {"ru": "Независимые пиксели", "en": "Independent pixels"},
    "data_independent": {
        "ru": "$x_j = \\mu_j + \\sigma_j \\varepsilon_j$: у каждого пикселя верные среднее и разброс, но пиксели не знают "
              "друг о друге — получается шум внутри «облака» цифр.",
        "en": "$x_j = \\mu_j + \\sigma_j \\varepsilon_j$: every pixel has the right mean and spread, but the pixels know "
              "nothing of each other — noise inside the cloud of digits.",
    },
    "data_full_h": {"ru": "Полная ковариация", "en": "Full covariance"},
    "data_full": {
        "ru": "$x = \\mu + L\\varepsilon$, где $LL^\\top = \\Sigma$: модель знает, какие пары пикселей светлеют вместе, "
              "поэтому видны штрихи — размытые и не складывающиеся в цифры. Одна гауссиана не может описать "
              "распределение со многими «горбами».",
        "en": "$x = \\mu + L\\varepsilon$ with $LL^\\top = \\Sigma$: the model knows which pairs of pixels brighten "
              "together, so strokes appear — blurry, and not adding up to digits. One Gaussian cannot describe a "
              "distribution with many humps.",
    },
    "data_reseed": {"ru": "Другие образцы", "en": "New samples"},
    "data_corr_h": {"ru": "Что знает полная ковариация: корреляции одного пикселя",
                    "en": "What the full covariance knows: one pixel's correlations"},
    "data_corr": {
        "ru": "Выберите пиксель (крестик). Цвет показывает, как остальные пиксели меняются вместе с ним: красный — "
              "светлеют вместе, синий — один светлеет, когда другой темнеет. Это всё, что полная гауссиана знает о "
              "форме цифр: только пары пикселей.",
        "en": "Pick a pixel (the cross). The colour shows how every other pixel moves with it: red, they brighten "
              "together; blue, one brightens when the other darkens. This is all the full Gaussian knows about the "
              "shape of digits: pairs of pixels, nothing more.",
    },
    "data_corr_row": {"ru": "Строка пикселя", "en": "Pixel row"},
    "data_corr_column": {"ru": "Столбец пикселя", "en": "Pixel column"},
    "data_next": {"ru": "Гауссиана не справляется. Дальше — генератор, который учится превращать шум в цифры:",
                  "en": "The Gaussian is not enough. Next: a generator that learns to turn noise into digits:"},

    # --- train ----------------------------------------------------------------------------------------------
    "train_title": {"ru": "Обучение", "en": "Train"},
    "train_intro": {
        "ru": "Задайте настройки и нажмите **Старт**. Обучение идёт в фоне на сервере: можно переключать страницы, "
              "двигать ползунки и обновлять браузер — запуск продолжится. Все, кто открыл приложение, видят одни и те "
              "же запуски.",
        "en": "Choose the settings and press **Start**. Training runs in the background on the server: switch pages, "
              "drag sliders, reload the browser — the run goes on. Everyone who opens the app sees the same runs.",
    },
    "train_new_h": {"ru": "Новый запуск: настройки", "en": "New run: settings"},
    "device": {"ru": "Устройство", "en": "Device"},
    "device_cpu": {"ru": "Процессор, {cores}", "en": "CPU, {cores}"},
    "epochs": {"ru": "Эпохи", "en": "Epochs"},
    "batch_size": {"ru": "Размер батча", "en": "Batch size"},
    "lr_g": {"ru": "Скорость обучения G", "en": "Learning rate of G"},
    "lr_d": {"ru": "Скорость обучения D", "en": "Learning rate of D"},
    "latent_dim": {"ru": "Размер шума z", "en": "Latent size (z)"},
    "d_steps": {"ru": "Шагов D на шаг G", "en": "D steps per G step"},
    "run_name": {"ru": "Имя запуска", "en": "Run name"},
    "ema_decay": {"ru": "EMA весов G (0 — выключено)", "en": "EMA of G's weights (0: off)"},
    "train_advanced": {"ru": "Дополнительно", "en": "Advanced"},
    "start": {"ru": "Старт", "en": "Start"},
    "stop": {"ru": "Стоп", "en": "Stop"},
    "resume": {"ru": "Продолжить", "en": "Resume"},
    "help_dataset": {"ru": "Что учится рисовать генератор. MNIST 5k встроен и работает без интернета; полные наборы "
                           "скачиваются один раз.",
                     "en": "What the generator learns to draw. MNIST 5k is built in and works offline; the full sets "
                           "are downloaded once."},
    "help_model": {"ru": "SNGAN — маленький свёрточный генератор и дискриминатор со спектральной нормализацией: "
                         "цифры за пару минут на ноутбуке. MLP — полносвязные сети из лекции; DCGAN — классическая "
                         "свёрточная пара. При выборе модели настройки ниже становятся рекомендованными для неё.",
                   "en": "SNGAN: a small convolutional generator and a spectrally normalised discriminator, digits "
                         "within minutes on a laptop. MLP: the lecture's fully connected networks; DCGAN: the classic "
                         "convolutional pair. Choosing a model sets the settings below to the ones recommended for it."},
    "help_device": {"ru": "Где считать: видеокарта, если она есть, иначе процессор (с числом ядер). На видеокарте "
                          "модель шире и глубже и учится большими батчами: настройки ниже меняются вместе с устройством.",
                    "en": "Where to compute: the GPU when there is one, else the CPU (with its core count). On a GPU the "
                          "model is wider and deeper and learns from bigger batches: the settings below follow the device."},
    "device_chose": {"ru": "Для видеокарты: {settings}.", "en": "Chosen for the GPU: {settings}."},
    "chose_g_width": {"ru": "ширина G {value}", "en": "G width {value}"},
    "chose_d_width": {"ru": "ширина D {value}", "en": "D width {value}"},
    "chose_depth": {"ru": "глубина {value}", "en": "depth {value}"},
    "chose_batch_size": {"ru": "батч {value}", "en": "batch {value}"},
    "chose_lr_g": {"ru": "скорость обучения G {value}", "en": "learning rate of G {value}"},
    "chose_lr_d": {"ru": "скорость обучения D {value}", "en": "learning rate of D {value}"},
    "chose_ema_decay": {"ru": "EMA {value}", "en": "EMA {value}"},
    "chose_bfloat16": {"ru": "вычисления шага в bfloat16", "en": "the step computed in bfloat16"},
    "g_width": {"ru": "Ширина G", "en": "G width"},
    "d_width": {"ru": "Ширина D", "en": "D width"},
    "depth": {"ru": "Глубина (свёрток 3×3 после каждого масштаба)", "en": "Depth (3×3 convolutions after each scale)"},
    "help_epochs": {"ru": "Сколько раз пройти по всему набору данных.", "en": "How many passes over the whole dataset."},
    "help_batch_size": {"ru": "Сколько картинок за один шаг D. Больше батч — меньше шагов за эпоху.",
                        "en": "Pictures per D step. A larger batch means fewer steps per epoch."},
    "help_lr_g": {"ru": "Шаг оптимизатора Adam для генератора; у выбранной модели рекомендуется {value}.",
                  "en": "Adam's step size for the generator; {value} is the chosen model's recommended value."},
    "help_lr_d": {"ru": "Шаг оптимизатора Adam для дискриминатора; у выбранной модели рекомендуется {value}.",
                  "en": "Adam's step size for the discriminator; {value} is the chosen model's recommended value."},
    "help_latent_dim": {"ru": "Длина вектора шума z, из которого генератор рисует картинку.",
                        "en": "The length of the noise vector z the generator draws from."},
    "help_d_steps": {"ru": "Сколько раз обновить D перед одним обновлением G (k в статье Goodfellow и др.).",
                     "en": "How many D updates before each G update (k in Goodfellow et al.)."},
    "help_run_name": {"ru": "Имя папки запуска: буквы, цифры, «.», «_» и «-».",
                      "en": "The run's folder name: letters, digits, '.', '_' and '-'."},
    "help_seed": {"ru": "То же зерно — тот же запуск (на процессоре — до последнего бита).",
                  "en": "The same seed gives the same run (bit for bit on a CPU)."},
    "help_ema_decay": {"ru": "Картинки рисует скользящее среднее весов G: оно сглаживает дрожание обучения. 0 — "
                             "выключено, 0.999 — обычное значение.",
                       "en": "Pictures come from a moving average of G's weights, which smooths out the jitter of "
                             "training. 0 turns it off; 0.999 is usual."},
    "help_betas": {"ru": "Коэффициенты инерции Adam; для GAN обычно β₁ = 0.5 и β₂ = 0.999.",
                   "en": "Adam's momentum coefficients; GANs usually use β₁ = 0.5 and β₂ = 0.999."},
    "err_name_empty": {"ru": "Введите имя запуска, например «digits-1».", "en": "Give the run a name, such as 'digits-1'."},
    "err_name_invalid": {
        "ru": "Имя «{name}» не подходит: только буквы, цифры, «.», «_» и «-», начало — буква или цифра, до 64 символов.",
        "en": "The name '{name}' is not allowed: letters, digits, '.', '_' and '-' only, starting with a letter or "
              "digit, at most 64 characters.",
    },
    "err_name_taken": {"ru": "Запуск «{name}» уже есть. Выберите другое имя или продолжите тот запуск справа.",
                       "en": "A run named '{name}' already exists. Choose another name, or resume that run on the right."},
    "err_batch": {
        "ru": "Батч больше набора данных: в нём {size} картинок, и при {k} на шаг G батч может быть не больше {limit}.",
        "en": "The batch is larger than the dataset: it has {size} pictures, so with {k} per G step the "
              "batch can be at most {limit}.",
    },
    "train_background_note": {
        "ru": "На одном устройстве одновременно обучается не больше чем {runs}. Остальные ждут в очереди. Это "
              "число учитель задаёт при запуске сервера (переменная `GAN_LAB_MAX_JOBS_PER_DEVICE`).",
        "en": "Each device trains at most {runs} at once; the others wait in a queue. The teacher sets this "
              "number when starting the server (the variable `GAN_LAB_MAX_JOBS_PER_DEVICE`).",
    },
    "train_started_toast": {"ru": "Запуск «{name}» передан на обучение", "en": "Run '{name}' handed over for training"},
    "train_watch_h": {"ru": "Ход обучения", "en": "Training progress"},
    "train_watch": {"ru": "Запуск", "en": "Run"},
    "train_nothing_yet": {"ru": "Запусков пока нет. Выберите настройки слева и нажмите «Старт».",
                          "en": "No runs yet. Choose the settings on the left and press Start."},
    "train_queued": {"ru": "В очереди, место {place}. Начнётся, когда освободится устройство (сейчас обучается: {running}).",
                     "en": "Queued, place {place}. It starts when the device is free (training now: {running})."},
    "train_starting": {"ru": "Запускается: загружаю данные и строю сети…", "en": "Starting: loading the data and building the networks…"},
    "train_failed": {"ru": "Обучение не удалось: {error}", "en": "Training failed: {error}"},
    "train_failed_unknown": {"ru": "причина неизвестна", "en": "reason unknown"},
    "train_other_process": {
        "ru": "Этот запуск обучает другой процесс (например, командная строка); здесь — его последняя контрольная точка.",
        "en": "Another process (the command line, say) is training this run; this is its last checkpoint.",
    },
    "train_progress": {"ru": "Эпоха {epoch} из {epochs} · шаг {step} из {steps}",
                       "en": "Epoch {epoch} of {epochs} · step {step} of {steps}"},
    "train_time_left": {"ru": "осталось ≈ {time}", "en": "about {time} left"},
    "train_progress_saved": {"ru": "Пройдено эпох: {done} из {epochs}", "en": "Epochs done: {done} of {epochs}"},
    "train_finished": {"ru": "Готово: {epochs} за {time} обучения. Посмотрите, что выучил генератор:",
                       "en": "Done: {epochs} in {time} of training. See what the generator has learned:"},
    "train_stopped_state": {"ru": "Остановлен. Обучение можно продолжить ровно с этого места.",
                            "en": "Stopped. Training can resume from exactly here."},
    "train_stopping": {"ru": "Останавливаю: обучение закончит текущий шаг и сохранится…",
                       "en": "Stopping: the training finishes its current step and saves…"},
    "train_diverged": {"ru": "Обучение разошлось: {message}", "en": "The training diverged: {message}"},
    "train_samples_caption": {"ru": "Один и тот же шум после эпохи {epoch}", "en": "The same noise after epoch {epoch}"},
    "train_samples_wait": {"ru": "Первые картинки появятся в конце первой эпохи.",
                           "en": "The first pictures appear at the end of the first epoch."},
    "train_curves_wait": {"ru": "Графики появятся после первых шагов.", "en": "The charts appear after the first steps."},
    "help_metric_loss_d": {"ru": "−log D(x) − log(1 − D(G(z))), сглажено по последним шагам. Равновесие: 2 ln 2 ≈ 1.386.",
                           "en": "−log D(x) − log(1 − D(G(z))), smoothed over the last steps. Equilibrium: 2 ln 2 ≈ 1.386."},
    "help_metric_loss_g": {"ru": "−log D(G(z)), сглажено. Равновесие: ln 2 ≈ 0.693.",
                           "en": "−log D(G(z)), smoothed. Equilibrium: ln 2 ≈ 0.693."},
    "help_metric_d_real": {"ru": "Средняя уверенность D, что настоящие цифры настоящие. Равновесие: ½.",
                           "en": "D's mean belief that real digits are real. Equilibrium: ½."},
    "help_metric_d_fake": {"ru": "Средняя уверенность D, что подделки настоящие. Равновесие: ½.",
                           "en": "D's mean belief that fakes are real. Equilibrium: ½."},
    "resume_h": {"ru": "Продолжить обучение", "en": "Train on"},
    "resume_epochs": {"ru": "Всего эпох", "en": "Total epochs"},
    "help_resume_epochs": {"ru": "Новое общее число эпох: обучение продолжится с сохранённого места до него.",
                           "en": "The new total: training continues from where it was saved up to this many epochs."},
    "queue_h": {"ru": "Очередь обучения", "en": "Training queue"},
    "queue_place": {"ru": "ждёт, место {place}", "en": "waiting, place {place}"},

    # --- losses --------------------------------------------------------------------------------------------
    "losses_title": {"ru": "Кривые потерь", "en": "Losses"},
    "losses_intro": {
        "ru": "Потери и выходы дискриминатора по шагам обучения. В GAN потери не обязаны падать: это игра, и хороший "
              "признак — когда обе кривые колеблются около равновесия, а не когда одна уходит в ноль.",
        "en": "Losses and the discriminator's outputs over the training steps. In a GAN the losses need not fall: it "
              "is a game, and a good sign is both curves hovering around the equilibrium, not one of them going to zero.",
    },
    "losses_runs": {"ru": "Запуски", "en": "Runs"},
    "losses_runs_help": {"ru": "Один или несколько запусков для сравнения.", "en": "One run, or several to compare."},
    "smoothing": {"ru": "Сглаживание", "en": "Smoothing"},
    "smoothing_help": {"ru": "Экспоненциальное скользящее среднее: 0 — сырые значения, 0.99 — очень гладко.",
                       "en": "An exponential moving average: 0 shows the raw values, 0.99 is very smooth."},
    "losses_axis": {"ru": "Ось X", "en": "X axis"},
    "losses_pick": {"ru": "Выберите хотя бы один запуск.", "en": "Pick at least one run."},
    "losses_marks_note": {"ru": "У запусков разная длина эпохи: отметки эпох видны по оси «Эпоха».",
                          "en": "Runs differ in epoch length: choose the Epoch axis to line their epochs up."},
    "losses_loss_h": {"ru": "Потери D и G", "en": "The losses of D and G"},
    "losses_loss_explain": {
        "ru": "Если потеря D падает к нулю, а потеря G растёт, дискриминатор побеждает и генератор почти не получает "
              "градиента. Если потери спокойны, а картинки однообразны, возможен коллапс мод — проверьте «Прогресс по эпохам».",
        "en": "If D's loss falls to zero while G's climbs, the discriminator is winning and the generator gets "
              "almost no gradient. If the losses are calm but the pictures all look alike, suspect mode collapse — "
              "check the Progression page.",
    },
    "losses_d_h": {"ru": "Что думает дискриминатор", "en": "What the discriminator believes"},
    "losses_d_explain": {
        "ru": "$D(x)$ — средняя уверенность D, что настоящие цифры настоящие; $D(G(z))$ — что подделки настоящие. В "
              "равновесии обе равны ½: D не может их различить.",
        "en": "$D(x)$ is D's mean belief that real digits are real; $D(G(z))$ that fakes are real. At the "
              "equilibrium both are ½: D cannot tell them apart.",
    },
    "losses_quality_explain": {
        "ru": "Числа, измеренные классификатором цифр в конце каждой эпохи: FID / эталон (1 — как настоящие, цель — 5), "
              "сколько цифр генератор рисует хотя бы в 2% образцов и насколько классификатор уверен в своих догадках.",
        "en": "Numbers the digit classifier measured at the end of every epoch: FID / floor (1 is as good as real "
              "digits, the target is 5), how many digits the generator draws in at least 2% of the samples, and how "
              "sure the classifier is of its guesses.",
    },
    "losses_csv": {"ru": "Скачать CSV", "en": "Download CSV"},
    "losses_csv_help": {"ru": "Сырые значения выбранных запусков по шагам; столбцы файла: `run`, `step`, `epoch`, "
                              "`loss_d`, `loss_g`, `d_real`, `d_fake`, `grad_g`.",
                        "en": "Raw per-step values of the chosen runs; the file's columns: `run`, `step`, `epoch`, "
                              "`loss_d`, `loss_g`, `d_real`, `d_fake`, `grad_g`."},

    # --- latent explorer -------------------------------------------------------------------------------------
    "latent_title": {"ru": "Латентное пространство", "en": "Latent explorer"},
    "latent_intro": {
        "ru": "Генератор превращает вектор шума $z$ в картинку. Здесь $z$ можно менять руками: близкие точки дают "
              "похожие цифры, а движение вдоль некоторых направлений меняет понятные признаки.",
        "en": "The generator turns a noise vector $z$ into a picture. Here you change $z$ by hand: nearby points give "
              "similar digits, and moving along some directions changes traits you can name.",
    },
    "latent_mode": {"ru": "Режим", "en": "Mode"},
    "latent_mode_sliders": {"ru": "Ползунки z", "en": "Sliders of z"},
    "latent_mode_interpolation": {"ru": "Интерполяция", "en": "Interpolation"},
    "latent_mode_directions": {"ru": "Главные направления", "en": "Principal directions"},
    "latent_digit_caption": {"ru": "G(z); длина |z| = {norm:.1f} (типичная ≈ {typical:.1f})",
                             "en": "G(z); length |z| = {norm:.1f} (typical ≈ {typical:.1f})"},
    "latent_seed_help": {"ru": "Зерно задаёт весь вектор z: одно зерно — одна и та же цифра.",
                         "en": "The seed sets the whole vector z: one seed, one digit."},
    "latent_random": {"ru": "Случайный z", "en": "Random z"},
    "latent_guess": {"ru": "Классификатор видит **{digit}**, уверенность {confidence:.0%}",
                     "en": "The classifier reads **{digit}**, {confidence:.0%} sure"},
    "latent_guess_unsure": {"ru": " — не уверен: может быть, это вовсе не цифра", "en": " — unsure: maybe no digit at all"},
    "latent_nearest_caption": {"ru": "Ближайшая обучающая, №{index}", "en": "Nearest training image, #{index}"},
    "latent_verdict_copy": {"ru": "Расстояние {distance:.2f}: **копия** обучающей картинки.",
                            "en": "Distance {distance:.2f}: **a copy** of a training image."},
    "latent_verdict_too_close": {
        "ru": "Расстояние {distance:.1f}: **подозрительно близко**. Так близко подходит лишь 1% настоящих цифр, которых "
              "сеть не видела (ближе {threshold:.1f}): возможно, генератор запомнил эту картинку.",
        "en": "Distance {distance:.1f}: **suspiciously close**. Only 1% of real digits the network never saw come this "
              "near (under {threshold:.1f}): the generator may have memorised this picture.",
    },
    "latent_verdict_typical": {
        "ru": "Расстояние {distance:.1f}: **не копия**. Настоящие цифры, которых сеть не видела, обычно на расстоянии "
              "около {median:.1f}; копия была бы ближе {threshold:.1f}.",
        "en": "Distance {distance:.1f}: **not a copy**. Real digits the network never saw are typically about "
              "{median:.1f} away; a copy would be under {threshold:.1f}.",
    },
    "latent_verdict_far": {
        "ru": "Расстояние {distance:.1f}: **не копия** — дальше от всех обучающих картинок, чем 99% настоящих цифр "
              "(обычно около {median:.1f}). Может быть, это и не цифра.",
        "en": "Distance {distance:.1f}: **not a copy** — farther from every training image than 99% of real digits "
              "(typically about {median:.1f}). It may not be much of a digit either.",
    },
    "latent_no_metrics": {
        "ru": "Догадка классификатора и ближайшая обучающая картинка есть только для цифр, а этот запуск обучен на {dataset}.",
        "en": "The classifier's guess and the nearest training image are for digits only, and this run learns {dataset}.",
    },
    "latent_probability_axis": {"ru": "вероятность", "en": "probability"},
    "latent_zero": {"ru": "z = 0", "en": "z = 0"},
    "latent_zero_help": {"ru": "Центр пространства. Генератор почти не видел таких коротких векторов, поэтому цифра "
                               "часто бледная.",
                         "en": "The centre of the space. The generator has hardly seen such short vectors, so the "
                               "digit is often faint."},
    "latent_more": {"ru": "Остальные координаты: z{first}–z{last}", "en": "The other coordinates: z{first}–z{last}"},
    "latent_sliders_note": {
        "ru": "Первые 8 координат на виду, остальные — в раскрывающемся блоке. Одна координата редко означает что-то "
              "понятное; смысл есть у направлений — см. режим «Главные направления».",
        "en": "The first 8 coordinates are in view, the rest in the expander. A single coordinate rarely means "
              "anything you can name; directions do — see the Principal directions mode.",
    },
    "latent_interp_intro": {"ru": "Путь между двумя векторами шума A и B: каждая картинка — генератор в точке пути.",
                            "en": "A path between two noise vectors A and B: each picture is the generator at a point "
                                  "of the path."},
    "latent_seed_a": {"ru": "Зерно A", "en": "Seed A"},
    "latent_seed_b": {"ru": "Зерно B", "en": "Seed B"},
    "latent_steps": {"ru": "Шагов", "en": "Steps"},
    "latent_use_current": {"ru": "A = z с ползунков", "en": "A = z of the sliders"},
    "latent_use_current_help": {"ru": "Начать путь с вектора, настроенного в режиме «Ползунки z».",
                                "en": "Start the path at the vector set in the Sliders of z mode."},
    "latent_linear": {"ru": "Линейная интерполяция (lerp)", "en": "Linear interpolation (lerp)"},
    "latent_spherical": {"ru": "Сферическая интерполяция (slerp)", "en": "Spherical interpolation (slerp)"},
    "latent_norm": {"ru": "|z|", "en": "|z|"},
    "latent_t": {"ru": "доля пути t", "en": "share of the path t"},
    "latent_dir_computing": {"ru": "Ищу главные направления по 3000 картинкам…",
                             "en": "Finding the principal directions from 3,000 pictures…"},
    "latent_dir_seed": {"ru": "Зерно исходного z", "en": "Seed of the starting z"},
    "latent_dir_reset": {"ru": "Обнулить сдвиги", "en": "Reset the moves"},
    "latent_dir_slider": {"ru": "Направление {n} ({share:.0f}% разброса)", "en": "Direction {n} ({share:.0f}% of the variance)"},
    "latent_dir_caption": {"ru": "G(z + Σ aᵢ·vᵢ)", "en": "G(z + Σ aᵢ·vᵢ)"},
    "latent_sweep_h": {"ru": "Что делает каждое направление", "en": "What each direction does"},
    "latent_sweep_caption": {"ru": "Строки — направления 1–{n} сверху вниз; столбцы — сдвиг от −3σ до +3σ, в середине исходный z.",
                             "en": "Rows: directions 1–{n}, top to bottom; columns: a move from −3σ to +3σ, the "
                                   "starting z in the middle."},
    "latent_variance_h": {"ru": "Доля разброса картинок по направлениям", "en": "Share of the pictures' variance per direction"},
    "latent_variance_axis": {"ru": "% разброса", "en": "% of variance"},
    "latent_variance_caption": {"ru": "Найдено по {samples} картинкам этого генератора.",
                                "en": "Found from {samples} pictures of this generator."},

    # --- progression -------------------------------------------------------------------------------------------
    "progression_title": {"ru": "Прогресс по эпохам", "en": "Progression"},
    "progression_intro": {
        "ru": "В конце каждой эпохи генератор рисует картинки из **одних и тех же** 64 векторов шума. Поэтому "
              "разница между кадрами — только то, чему он научился за эпоху.",
        "en": "At the end of every epoch the generator draws from **the same** 64 noise vectors. So the difference "
              "between frames is only what it learned in that epoch.",
    },
    "progression_none": {"ru": "У этого запуска ещё нет законченной эпохи.", "en": "This run has no finished epoch yet."},
    "progression_speed": {"ru": "Скорость анимации (на кадр)", "en": "Animation speed (per frame)"},
    "progression_epoch_h": {"ru": "Кадр за кадром", "en": "Frame by frame"},
    "progression_caption": {"ru": "После эпохи {epoch} из {epochs}", "en": "After epoch {epoch} of {epochs}"},
    "progression_explain": {
        "ru": "На что смотреть: сначала шум и серые пятна, потом контуры, затем штрихи становятся чёткими. Если многие "
              "клетки стали одной и той же цифрой — это коллапс мод: генератор нашёл подделку, которая обманывает D, "
              "и перестал рисовать остальное.",
        "en": "What to look for: first noise and grey blobs, then outlines, then the strokes sharpen. If many cells "
              "turn into the same digit, that is mode collapse: the generator found one fake that fools D and stopped "
              "drawing the rest.",
    },

    # --- compare ---------------------------------------------------------------------------------------------------
    "compare_title": {"ru": "Сравнение моделей", "en": "Compare"},
    "compare_intro": {"ru": "Одинаковое число образцов с одним и тем же зерном от каждой модели и настоящие данные — рядом.",
                      "en": "The same number of samples, with the same seed, from each model and from the real data, "
                            "side by side."},
    "compare_run": {"ru": "Запуск GAN", "en": "GAN run"},
    "compare_n": {"ru": "Картинок в сетке", "en": "Pictures per grid"},
    "compare_n_measured": {"ru": "Образцов для метрик", "en": "Samples measured"},
    "compare_n_measured_help": {
        "ru": "Сколько образцов каждой модели мерить (с тем же зерном; сетки показывают первые из них). Больше — "
              "точнее, но дольше.",
        "en": "How many samples of each model to measure (same seed; the grids show the first of them). More is more "
              "precise, and slower.",
    },
    "compare_independent": {"ru": "Гауссиана, независимые пиксели", "en": "Gaussian, independent pixels"},
    "compare_independent_about": {"ru": "Верные среднее и разброс каждого пикселя — и только.",
                                  "en": "Each pixel's mean and spread right — and nothing else."},
    "compare_full": {"ru": "Гауссиана, полная ковариация", "en": "Gaussian, full covariance"},
    "compare_full_about": {"ru": "Плюс все попарные корреляции пикселей: 784 × 784 чисел.",
                           "en": "Plus every pairwise correlation of pixels: 784 × 784 numbers."},
    "compare_gan": {"ru": "GAN", "en": "GAN"},
    "compare_gan_about": {"ru": "Генератор запуска «{name}» после обучения ({epochs}).",
                          "en": "The generator of the run '{name}' after {epochs} of training."},
    "compare_real": {"ru": "Настоящие", "en": "Real"},
    "compare_real_about": {"ru": "Случайные картинки обучающего набора.", "en": "Random pictures of the training set."},
    "compare_metrics_h": {"ru": "То же в числах", "en": "The same in numbers"},
    "compare_measuring": {"ru": "Измеряю качество образцов…", "en": "Measuring the samples…"},
    "compare_no_metrics": {
        "ru": "Числа качества считает классификатор цифр, а этот запуск обучен на {dataset}: здесь их нет.",
        "en": "The quality numbers come from a digit classifier, and this run learns {dataset}: there are none here.",
    },
    "compare_chart_axis": {"ru": "FID / эталон (логарифмическая шкала)", "en": "FID / floor (log scale)"},
    "col_source": {"ru": "Образцы", "en": "Samples"},
    "col_fid": {"ru": "FID", "en": "FID"},
    "col_fid_ratio": {"ru": "FID / эталон", "en": "FID / floor"},
    "col_covered": {"ru": "Цифр ≥ 2%", "en": "Digits ≥ 2%"},
    "col_confidence": {"ru": "Уверенность", "en": "Confidence"},
    "col_nearest": {"ru": "До ближайшей обучающей", "en": "To nearest training image"},
    "col_too_close": {"ru": "Слишком близко", "en": "Too close"},
    "compare_explain": {
        "ru": "Гауссианы знают статистику пикселей, но не форму цифр. GAN не записывает плотность вовсе — он учится "
              "*рисовать* так, чтобы дискриминатор не отличил. Чем ближе столбец GAN к настоящим, тем лучше.",
        "en": "The Gaussians know the statistics of pixels, not the shape of digits. A GAN writes down no density at "
              "all — it learns to *draw* so that the discriminator cannot tell. The closer the GAN column is to the "
              "real one, the better.",
    },

    # --- runs --------------------------------------------------------------------------------------------------------
    "runs_title": {"ru": "Запуски", "en": "Runs"},
    "runs_intro": {"ru": "Все запуски в папке `{root}`. Предобученные запуски поставляются с приложением, удалить их "
                         "отсюда нельзя.",
                   "en": "Every run in the folder `{root}`. Pretrained runs ship with the app and cannot be deleted "
                         "here."},
    "col_name": {"ru": "Имя", "en": "Name"},
    "col_status": {"ru": "Статус", "en": "Status"},
    "col_epochs": {"ru": "Эпохи", "en": "Epochs"},
    "col_model": {"ru": "Модель", "en": "Model"},
    "col_dataset": {"ru": "Данные", "en": "Dataset"},
    "col_device": {"ru": "Устройство", "en": "Device"},
    "col_created": {"ru": "Создан", "en": "Created"},
    "col_value": {"ru": "Значение", "en": "Value"},
    "runs_one_h": {"ru": "Подробнее о запуске", "en": "One run in detail"},
    "runs_details": {"ru": "**Статус:** {status} · **эпохи:** {done} из {target} · **устройство:** {device} · **создан:** {created}",
                     "en": "**Status:** {status} · **epochs:** {done} of {target} · **device:** {device} · **created:** {created}"},
    "runs_download_checkpoint": {"ru": "Скачать checkpoint.pt", "en": "Download checkpoint.pt"},
    "runs_download_checkpoint_help": {
        "ru": "Всё для продолжения обучения: веса G и D, состояния оптимизаторов, история. Открывается через "
              "`torch.load(weights_only=True)`.",
        "en": "Everything needed to train on: the weights of G and D, the optimiser states, the history. Opens with "
              "`torch.load(weights_only=True)`.",
    },
    "runs_download_zip": {"ru": "Скачать весь запуск (.zip)", "en": "Download the whole run (.zip)"},
    "runs_download_zip_help": {"ru": "Папка запуска целиком: распакуйте её в папку `checkpoints/` на другом компьютере, "
                                     "и запуск появится в приложении.",
                               "en": "The whole run folder: unzip it into the folder `checkpoints/` on another computer "
                                     "and the run appears in the app."},
    "runs_no_checkpoint": {"ru": "Контрольной точки ещё нет: она сохраняется в конце каждой эпохи и при остановке.",
                           "en": "No checkpoint yet: one is saved at the end of every epoch and on Stop."},
    "runs_delete": {"ru": "Удалить…", "en": "Delete…"},
    "runs_confirm": {"ru": "Удалить запуск «{name}» со всеми эпохами? Это нельзя отменить.",
                     "en": "Delete the run '{name}' with all its epochs? This cannot be undone."},
    "runs_delete_yes": {"ru": "Да, удалить", "en": "Yes, delete"},
    "runs_delete_active": {"ru": "Запуск обучается или ждёт в очереди: остановите его, потом его можно удалить.",
                           "en": "The run is training or queued: stop it first, then it can be deleted."},
    "runs_delete_shipped": {"ru": "Это предобученный запуск из поставки приложения; удалить его отсюда нельзя.",
                            "en": "This is a pretrained run that ships with the app; it cannot be deleted here."},
    "runs_deleted": {"ru": "Запуск «{name}» удалён.", "en": "The run '{name}' was deleted."},
}


def _merge_feature_strings() -> None:
    """Add the tables of ui/strings/*.py (one module per feature, each a STRINGS dict) to STRINGS.

    A feature keeps its texts in its own file, so two features never edit the same table; a key
    defined twice is a bug and fails at import."""
    from . import strings as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        table = importlib.import_module(f"{package.__name__}.{info.name}").STRINGS
        clash = set(table) & set(STRINGS)
        if clash:
            raise KeyError(f"ui/strings/{info.name}.py redefines {sorted(clash)}")
        STRINGS.update(table)


LECTURE_DIR = Path(__file__).parent / "lecture"


def _merge_lecture_texts() -> None:
    """Add the lecture's prose: ui/lecture/<language>/<key>.md, one Markdown file per text, so a teacher
    edits a paragraph without touching Python. `t("key")` finds them like any other string; values
    such as {latent} are filled in the same way (write a literal brace as {{ or }})."""
    lecture: dict[str, dict[str, str]] = {}
    for language_code in LANGUAGES:
        for path in sorted((LECTURE_DIR / language_code).glob("*.md")):
            text = path.read_text(encoding="utf-8").removesuffix("\n")
            lecture.setdefault(path.stem, {})[language_code] = text
    clash = set(lecture) & set(STRINGS)
    if clash:
        raise KeyError(f"ui/lecture/ redefines {sorted(clash)}")
    STRINGS.update(lecture)


_merge_feature_strings()
_merge_lecture_texts()
