"""The GAN losses: the Train page's selector, what each run's curves mean, and the Theory page's "What goes wrong"."""

STRINGS = {
    # --- the selector on the Train page ---------------------------------------------------------------------
    "lv_loss": {"ru": "Функция потерь", "en": "Loss"},
    "lv_loss_help": {
        "ru": "Какие формулы обучают D и G. Смена функции потерь подставляет рекомендованные для неё настройки "
              "(WGAN-GP: 5 шагов критика на шаг G).",
        "en": "Which formulas train D and G. Changing the loss brings its recommended settings "
              "(WGAN-GP: 5 critic steps per G step).",
    },
    "lv_name_minimax": {"ru": "minimax (формула со слайда)", "en": "minimax (the slide's formula)"},
    "lv_name_ns": {"ru": "ns — ненасыщающая (по умолчанию)", "en": "ns — non-saturating (default)"},
    "lv_name_lsgan": {"ru": "LSGAN — наименьшие квадраты", "en": "LSGAN — least squares"},
    "lv_name_hinge": {"ru": "hinge", "en": "hinge"},
    "lv_name_wgan-gp": {"ru": "WGAN-GP — критик и штраф за градиент", "en": "WGAN-GP — a critic and a gradient penalty"},
    "lv_about_minimax": {
        "ru": "G минимизирует log(1 − D(G(z))), как в игре на слайде; пока D уверенно отвергает подделки, градиент G почти нулевой (насыщение).",
        "en": "G minimises log(1 − D(G(z))), the game on the slide; while D rejects fakes confidently, G's gradient is almost zero (saturation).",
    },
    "lv_about_ns": {
        "ru": "G максимизирует log D(G(z)) вместо этого: та же точка равновесия, но сильный градиент именно тогда, когда D побеждает.",
        "en": "G maximises log D(G(z)) instead: the same equilibrium, but a strong gradient exactly when D is winning.",
    },
    "lv_about_lsgan": {
        "ru": "D и G штрафуются квадратом расстояния до целей 1 (настоящие) и 0 (подделки), поэтому даже далёкие подделки дают градиент (Mao et al., 2017).",
        "en": "D and G pay the squared distance to targets 1 (real) and 0 (fake), so even far-off fakes still give a gradient (Mao et al., 2017).",
    },
    "lv_about_hinge": {
        "ru": "D лишь выталкивает оценку настоящих выше +1, а подделок ниже −1, G поднимает оценку подделок; так обучают SNGAN и BigGAN.",
        "en": "D only pushes real scores above +1 and fake scores below −1, and G raises the fakes' score; SNGAN and BigGAN train this way.",
    },
    "lv_about_wgan-gp": {
        "ru": "Критик без сигмоиды оценивает расстояние Вассерштейна, штраф λ(‖∇C‖ − 1)² с λ = 10 держит его 1-липшицевым, и на шаг G приходится 5 шагов критика.",
        "en": "A critic without a sigmoid estimates the Wasserstein distance, a penalty λ(‖∇C‖ − 1)² with λ = 10 keeps it 1-Lipschitz, and it takes 5 critic steps per G step.",
    },
    "lv_r1": {"ru": "R1 γ", "en": "R1 γ"},
    "lv_r1_help": {
        "ru": "Штраф R1 = γ/2·‖∇D(x)‖² на настоящих картинках, с любой функцией потерь (Mescheder и др., 2018): D не "
              "может стать слишком крутым вокруг данных. 0 — выключен; обычно 1–10.",
        "en": "An R1 penalty γ/2·‖∇D(x)‖² on real images, with any loss (Mescheder et al., 2018): D cannot grow too "
              "steep around the data. 0 turns it off; 1-10 is usual.",
    },
    "lv_run_loss": {"ru": "Функция потерь запуска: {loss}", "en": "The run's loss: {loss}"},

    # --- what the curves mean, per loss --------------------------------------------------------------------
    "lv_eq_g_minimax": {"ru": "равновесие G: −ln 2", "en": "equilibrium of G: −ln 2"},
    "lv_lsgan_loss_d": {"ru": "Потеря D: ½(D(x) − 1)² + ½D(G(z))²", "en": "Loss of D: ½(D(x) − 1)² + ½D(G(z))²"},
    "lv_lsgan_loss_g": {"ru": "Потеря G: ½(D(G(z)) − 1)²", "en": "Loss of G: ½(D(G(z)) − 1)²"},
    "lv_lsgan_d_real": {"ru": "D(x): оценка настоящих (цель 1)", "en": "D(x): score of real digits (target 1)"},
    "lv_lsgan_d_fake": {"ru": "D(G(z)): оценка подделок (цель 0)", "en": "D(G(z)): score of fakes (target 0)"},
    "lv_lsgan_eq_d": {"ru": "равновесие D: ¼", "en": "equilibrium of D: ¼"},
    "lv_lsgan_eq_g": {"ru": "равновесие G: ⅛", "en": "equilibrium of G: ⅛"},
    "lv_hinge_loss_d": {"ru": "Потеря D: max(0, 1 − D(x)) + max(0, 1 + D(G(z)))",
                        "en": "Loss of D: max(0, 1 − D(x)) + max(0, 1 + D(G(z)))"},
    "lv_hinge_loss_g": {"ru": "Потеря G: −D(G(z))", "en": "Loss of G: −D(G(z))"},
    "lv_hinge_d_real": {"ru": "D(x): оценка настоящих (D тянет выше +1)", "en": "D(x): score of real digits (D pushes it above +1)"},
    "lv_hinge_d_fake": {"ru": "D(G(z)): оценка подделок (D тянет ниже −1)", "en": "D(G(z)): score of fakes (D pushes it below −1)"},
    "lv_hinge_eq_d": {"ru": "равновесие D: 2", "en": "equilibrium of D: 2"},
    "lv_wgan_loss_d": {"ru": "Потеря критика: C(G(z)) − C(x) + штраф за градиент",
                       "en": "Critic loss: C(G(z)) − C(x) + gradient penalty"},
    "lv_wgan_loss_g": {"ru": "Потеря G: −C(G(z))", "en": "Loss of G: −C(G(z))"},
    "lv_wgan_d_real": {"ru": "C(x): критик на настоящих", "en": "C(x): the critic on real digits"},
    "lv_wgan_d_fake": {"ru": "C(G(z)): критик на подделках", "en": "C(G(z)): the critic on fakes"},
    "lv_wgan_distance": {"ru": "Оценка расстояния Вассерштейна: C(x) − C(G(z))",
                         "en": "Wasserstein estimate: C(x) − C(G(z))"},
    "lv_score": {"ru": "Оценка D (без сигмоиды)", "en": "Score of D (no sigmoid)"},
    "lv_critic": {"ru": "Критик", "en": "The critic"},
    "lv_explain_minimax": {
        "ru": "Функция потерь minimax: потеря G — это log(1 − D(G(z))), она отрицательна, её равновесие −ln 2. Если D(G(z)) "
              "прижимается к нулю, потеря G замирает около нуля — это насыщение, а не успех.",
        "en": "The minimax loss: G's loss is log(1 − D(G(z))), negative, with its equilibrium at −ln 2. If D(G(z)) sticks "
              "near zero, G's loss freezes near zero — that is saturation, not success.",
    },
    "lv_explain_lsgan": {
        "ru": "LSGAN: D выдаёт оценку без сигмоиды, цели — 1 для настоящих и 0 для подделок; в равновесии обе оценки ½.",
        "en": "LSGAN: D outputs a score without a sigmoid, with targets 1 for real and 0 for fakes; at the equilibrium both are ½.",
    },
    "lv_explain_hinge": {
        "ru": "Hinge: D выдаёт оценку без сигмоиды. Потеря D равна нулю, когда настоящие выше +1, а подделки ниже −1; "
              "G поднимает оценку подделок. Когда G догоняет, оценки сходятся.",
        "en": "Hinge: D outputs a score without a sigmoid. D's loss is zero once real scores are above +1 and fake ones "
              "below −1; G raises the fakes' score. As G catches up, the scores meet.",
    },
    "lv_explain_wgan-gp": {
        "ru": "WGAN-GP: D — критик, его выход не вероятность. Разность C(x) − C(G(z)) оценивает расстояние Вассерштейна "
              "между настоящими цифрами и подделками: она должна падать к нулю, пока G учится. Потеря критика — минус эта "
              "оценка плюс штраф за градиент.",
        "en": "WGAN-GP: D is a critic, its output is not a probability. The gap C(x) − C(G(z)) estimates the Wasserstein "
              "distance between real digits and fakes: it should fall towards zero as G learns. The critic's loss is minus "
              "this estimate plus the gradient penalty.",
    },

    # --- "What goes wrong" on the Theory page ---------------------------------------------------------------
    "wrong_h": {"ru": "Что идёт не так", "en": "What goes wrong"},
    "wrong_intro": {
        "ru": "Три классические беды GAN, каждая — из настоящего запуска на MNIST (записаны командой "
              "`python -m gan_core what-goes-wrong`, настройки — под каждым графиком).",
        "en": "Three classic GAN failures, each from a real run on MNIST (recorded by "
              "`python -m gan_core what-goes-wrong`; the settings are under each chart).",
    },
    "wrong_missing": {
        "ru": "Записи демонстраций нет ({path}). Создайте её командой `python -m gan_core what-goes-wrong`.",
        "en": "The demonstrations' recording is missing ({path}). Make it with `python -m gan_core what-goes-wrong`.",
    },
    "wrong_saturation_h": {"ru": "Насыщение: minimax против ns", "en": "Saturation: minimax against ns"},
    "wrong_saturation": {
        "ru": "В начале обучения D легко отличает подделки: D(G(z)) ≈ 0. Там функция log(1 − D(G(z))) из формулы на "
              "слайде почти плоская, и градиент G почти нулевой — генератор не учится. Ненасыщающая потеря "
              "−log D(G(z)) имеет ту же точку равновесия, но крутая именно там. Норма градиента G за первые {steps} шагов:",
        "en": "Early in training D tells fakes apart easily: D(G(z)) ≈ 0. There the slide's log(1 − D(G(z))) is almost "
              "flat and G's gradient almost zero — the generator does not learn. The non-saturating −log D(G(z)) has the "
              "same equilibrium but is steep exactly there. The norm of G's gradient over the first {steps} steps:",
    },
    "wrong_grad_norm": {"ru": "‖∇G‖ (норма градиента G)", "en": "‖∇G‖ (norm of G's gradient)"},
    "wrong_saturation_d_fake": {"ru": "D(G(z)) в тех же запусках", "en": "D(G(z)) in the same runs"},
    "wrong_collapse_h": {"ru": "Коллапс мод", "en": "Mode collapse"},
    "wrong_collapse": {
        "ru": "Генератор находит несколько цифр, которые обманывают D, и рисует только их: потери выглядят спокойно, а "
              "гистограмма классов (какую цифру видит классификатор в {n} образцах после каждой эпохи) схлопывается. "
              "Слева — запуск с коллапсом, справа — здоровый:",
        "en": "The generator finds a few digits that fool D and draws only those: the losses look calm, but the class "
              "histogram (which digit the classifier sees in {n} samples after each epoch) collapses. Left, a run that "
              "collapses; right, a healthy one:",
    },
    "wrong_collapsed": {"ru": "Коллапс", "en": "Collapsed"},
    "wrong_healthy": {"ru": "Здоровый", "en": "Healthy"},
    "wrong_covered": {"ru": "Цифр покрыто по эпохам", "en": "Digits covered, by epoch"},
    "wrong_samples": {"ru": "Образцы после последней эпохи", "en": "Samples after the last epoch"},
    "wrong_dwins_h": {"ru": "D побеждает", "en": "D wins"},
    "wrong_dwins": {
        "ru": "Если D учится намного быстрее G, он становится уверен во всём: D(x) → 1, D(G(z)) → 0, его потеря падает к "
              "нулю, а потеря G растёт. Генератору не от чего оттолкнуться: картинки перестают улучшаться.",
        "en": "If D learns much faster than G, it becomes sure of everything: D(x) → 1, D(G(z)) → 0, its loss falls to "
              "zero while G's loss climbs. The generator has nothing to push against: the pictures stop improving.",
    },
    "wrong_fix": {"ru": "Что помогает: {fix}", "en": "What helps: {fix}"},
    "wrong_fix_saturation": {"ru": "ненасыщающая потеря ns (по умолчанию) или любая из LSGAN, hinge, WGAN-GP.",
                             "en": "the non-saturating ns loss (the default), or any of LSGAN, hinge, WGAN-GP."},
    "wrong_fix_collapse": {
        "ru": "спектральная нормализация в D (модель sngan), скользящее среднее весов G, потери hinge/WGAN-GP или R1.",
        "en": "spectral normalisation in D (the sngan model), a moving average of G's weights, the hinge/WGAN-GP losses or R1.",
    },
    "wrong_fix_dwins": {
        "ru": "равные скорости обучения и один шаг D на шаг G, ненасыщающая потеря, штраф R1 или спектральная нормализация.",
        "en": "equal learning rates and one D step per G step, the non-saturating loss, an R1 penalty or spectral normalisation.",
    },
}
