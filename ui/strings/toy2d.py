"""Strings of the 2D lab page (ui/pages/toy2d.py)."""

STRINGS = {
    "page_toy2d": {"ru": "2D-лаборатория", "en": "2D lab"},
    "home_about_toy2d": {"ru": "GAN на точках плоскости: поверхность D, сетка G и стрелки градиента шаг за шагом; "
                                "схлопывание мод вживую.",
                         "en": "A GAN on points in the plane: D's surface, G's mesh and the gradient arrows step by "
                               "step; mode collapse live."},
    "toy2d_title": {"ru": "2D-лаборатория: GAN на точках плоскости", "en": "The 2D lab: a GAN on points in the plane"},
    "toy2d_intro": {
        "ru": "Фон — выход D (зелёный: «настоящее», фиолетовый: «подделка»); зелёные точки — данные, фиолетовые — "
              "выборка G; сетка — образ регулярной сетки шума под G; оранжевые стрелки — куда потери G толкают "
              "каждую подделку.",
        "en": "Background: D's output (green: \"real\", purple: \"fake\"); green points: the data, purple: G's "
              "samples; the mesh: G's image of a regular grid of noise; orange arrows: where G's loss pushes each "
              "fake point.",
    },
    # settings
    "toy2d_settings_h": {"ru": "Опыт", "en": "Experiment"},
    "toy2d_distribution": {"ru": "Распределение данных", "en": "Data distribution"},
    "toy2d_dist_ring8": {"ru": "кольцо из 8 гауссиан", "en": "ring of 8 Gaussians"},
    "toy2d_dist_grid25": {"ru": "решётка 5×5 гауссиан", "en": "5×5 grid of Gaussians"},
    "toy2d_dist_spiral": {"ru": "спираль", "en": "spiral"},
    "toy2d_dist_moons": {"ru": "две луны", "en": "two moons"},
    "toy2d_dist_line": {"ru": "отрезок (одномерное многообразие)", "en": "line (a 1D manifold)"},
    "toy2d_dist_custom": {"ru": "свои точки (нарисовать)", "en": "your own points (draw)"},
    "toy2d_loss": {"ru": "Функция потерь", "en": "Loss"},
    "toy2d_loss_help": {
        "ru": "ns — ненасыщающая (G максимизирует log D(G(z))); minimax — исходная игра (G минимизирует "
              "log(1 − D(G(z)))); lsgan — наименьшие квадраты; hinge — пороговая; wgan-gp — критик Вассерштейна со "
              "штрафом на градиент (лучше с 5 шагами D). Меняется на ходу, без сброса.",
        "en": "ns: non-saturating (G maximises log D(G(z))); minimax: the original game (G minimises "
              "log(1 − D(G(z)))); lsgan: least squares; hinge; wgan-gp: a Wasserstein critic with a gradient penalty "
              "(best with 5 D steps). Changes live, without a reset.",
    },
    "toy2d_d_steps": {"ru": "Шагов D", "en": "D steps"},
    "toy2d_g_steps": {"ru": "Шагов G", "en": "G steps"},
    "toy2d_ratio_help": {"ru": "Отношение D:G — сколько обновлений D и G в одном раунде.",
                         "en": "The D:G ratio: how many updates of D and of G make one round."},
    "toy2d_optimizer_g": {"ru": "Оптимизатор G", "en": "Optimizer of G"},
    "toy2d_optimizer_d": {"ru": "Оптимизатор D", "en": "Optimizer of D"},
    "toy2d_lr_g": {"ru": "Шаг обучения G", "en": "Learning rate of G"},
    "toy2d_lr_d": {"ru": "Шаг обучения D", "en": "Learning rate of D"},
    "toy2d_layers": {"ru": "Скрытых слоёв", "en": "Hidden layers"},
    "toy2d_width": {"ru": "Нейронов в слое", "en": "Units per layer"},
    "toy2d_noise_dim": {"ru": "Размерность шума", "en": "Noise dimension"},
    "toy2d_noise": {"ru": "Распределение шума", "en": "Noise distribution"},
    "toy2d_noise_gaussian": {"ru": "гауссово", "en": "Gaussian"},
    "toy2d_noise_uniform": {"ru": "равномерное", "en": "uniform"},
    "toy2d_seed": {"ru": "Зерно", "en": "Seed"},
    "toy2d_live_note": {
        "ru": "Потери, штраф R1, отношение D:G и шаги обучения меняются на ходу; остальное начинает опыт заново.",
        "en": "The loss, the R1 penalty, the D:G ratio and the learning rates change live; anything else starts over.",
    },
    # playback
    "toy2d_play": {"ru": "Пуск", "en": "Play"},
    "toy2d_pause": {"ru": "Пауза", "en": "Pause"},
    "toy2d_step": {"ru": "Шаг", "en": "Step"},
    "toy2d_step_d": {"ru": "Только D", "en": "Step D only"},
    "toy2d_step_g": {"ru": "Только G", "en": "Step G only"},
    "toy2d_reset": {"ru": "Сброс", "en": "Reset"},
    "toy2d_speed": {"ru": "Скорость: раундов за кадр", "en": "Speed: rounds per frame"},
    "toy2d_slow": {"ru": "Замедленно", "en": "Slow motion"},
    "toy2d_slow_help": {
        "ru": "По полушагу: каждый кадр — одно обновление D или G; над графиком написано, чей полушаг идёт.",
        "en": "One half-step at a time: each frame is one update of D or of G; the line above the plot says whose "
              "half-step is running.",
    },
    "toy2d_status": {"ru": "Раунд {rounds}: обновлений D {d}, G {g}", "en": "Round {rounds}: {d} updates of D, {g} of G"},
    "toy2d_half_d": {"ru": "▶ полушаг D ({i} из {n}): фон меняется, точки стоят",
                     "en": "▶ D's half-step ({i} of {n}): the background changes, the points stay"},
    "toy2d_half_g": {"ru": "▶ полушаг G ({i} из {n}): подделки идут по стрелкам, фон стоит",
                     "en": "▶ G's half-step ({i} of {n}): fakes move along the arrows, the background stays"},
    "toy2d_after_d": {"ru": "После шага D", "en": "After a step of D"},
    "toy2d_after_g": {"ru": "После шага G", "en": "After a step of G"},
    # the plane
    "toy2d_surface": {"ru": "D(x)", "en": "D(x)"},
    "toy2d_real": {"ru": "данные", "en": "real"},
    "toy2d_fake": {"ru": "G(z)", "en": "G(z)"},
    "toy2d_mesh": {"ru": "сетка шума под G", "en": "noise grid under G"},
    "toy2d_arrows": {"ru": "градиент потерь G", "en": "G's loss gradient"},
    # numbers beside it
    "toy2d_numbers_h": {"ru": "Числа", "en": "Numbers"},
    "toy2d_loss_d": {"ru": "потери D", "en": "loss of D"},
    "toy2d_loss_g": {"ru": "потери G", "en": "loss of G"},
    "toy2d_loss_axis": {"ru": "потери", "en": "loss"},
    "toy2d_updates": {"ru": "обновлений (D + G)", "en": "updates (D + G)"},
    "toy2d_modes": {"ru": "мод покрыто", "en": "modes covered"},
    "toy2d_high_quality": {"ru": "качественных, %", "en": "high quality, %"},
    "toy2d_modes_axis": {"ru": "мод", "en": "modes"},
    "toy2d_manifold": {"ru": "расстояние до многообразия", "en": "distance to the manifold"},
    "toy2d_divergence": {"ru": "расхождение, нат", "en": "divergence, nats"},
    "toy2d_metric_modes": {"ru": "Мод покрыто", "en": "Modes covered"},
    "toy2d_metric_quality": {"ru": "Качественных", "en": "High quality"},
    "toy2d_metric_manifold": {"ru": "До многообразия", "en": "To the manifold"},
    "toy2d_numbers_explain": {
        "ru": "По Metz и др. 2017 и VEEGAN (2000 выборок G): выборка **качественная**, если лежит в пределах 3 "
              "стандартных отклонений от центра ближайшей моды; мода **покрыта**, если в ней не меньше 20% её "
              "честной доли N/K качественных выборок. KL и JS — между гистограммами 30×30 данных и выборок "
              "(JS не больше ln 2 ≈ 0,69). Для спирали, лун и отрезка вместо мод — среднее расстояние выборок до "
              "кривой данных.",
        "en": "After Metz et al. 2017 and VEEGAN (2,000 samples of G): a sample is **high quality** when it lies "
              "within 3 standard deviations of its nearest mode's centre; a mode is **covered** when it holds at "
              "least 20% of its fair share N/K of the high-quality samples. KL and JS compare 30×30 histograms of "
              "the data and the samples (JS is at most ln 2 ≈ 0.69). For the spiral, moons and line there are no "
              "modes: the mean distance of the samples to the data's curve instead.",
    },
    # drawing
    "toy2d_draw_h": {"ru": "Нарисуйте своё распределение", "en": "Draw your own distribution"},
    "toy2d_draw_help": {
        "ru": "Щёлкните по серым точкам или обведите их рамкой (или лассо): выбранные станут данными. "
              "Каждая точка — маленькая гауссиана и своя мода.",
        "en": "Click the grey points, or select them with a box (or the lasso): the chosen ones become the data. "
              "Each point is a small Gaussian and a mode of its own.",
    },
    "toy2d_draw_count": {"ru": "Выбрано точек: {n}", "en": "Points chosen: {n}"},
    "toy2d_draw_clear": {"ru": "Очистить", "en": "Clear"},
    "toy2d_draw_done": {"ru": "Обучать на этих точках", "en": "Train on these points"},
    "toy2d_draw_again": {"ru": "Рисовать заново", "en": "Draw again"},
    "toy2d_draw_lattice": {"ru": "можно выбрать", "en": "to pick"},
    "toy2d_draw_chosen": {"ru": "выбрано", "en": "chosen"},
    "toy2d_plane": {"ru": "Плоскость: поверхность D, данные, выборка G, сетка шума и стрелки градиента",
                    "en": "The plane: D's surface, the data, G's samples, the noise mesh and the gradient arrows"},
    "toy2d_curves": {"ru": "Кривые: потери, покрытие мод, расхождения", "en": "Curves: losses, modes covered, divergences"},
    "toy2d_draw_need": {"ru": "Выберите хотя бы одну точку.", "en": "Choose at least one point."},
    # save / load / share
    "toy2d_files_h": {"ru": "Сохранить, загрузить, поделиться", "en": "Save, load, share"},
    "toy2d_save": {"ru": "Сохранить модель", "en": "Save the model"},
    "toy2d_save_help": {"ru": "Веса G и D и настройки — файл в сотни КБ.",
                        "en": "The weights of G and D and the settings: a file of a few hundred KB."},
    "toy2d_load": {"ru": "Загрузить модель (.pt)", "en": "Load a model (.pt)"},
    "toy2d_loaded": {"ru": "Загружено: {name}", "en": "Loaded: {name}"},
    "toy2d_share": {
        "ru": "Все настройки — в адресе страницы: скопируйте его, и ссылка откроет тот же опыт.",
        "en": "Every setting is in the page's address: copy it, and the link opens the same experiment.",
    },
    # presets
    "toy2d_presets_h": {"ru": "Демонстрации", "en": "Demonstrations"},
    "toy2d_preset_collapse": {"ru": "Схлопывание мод", "en": "Mode collapse"},
    "toy2d_preset_collapse_say": {
        "ru": "G учится впятеро быстрее D и прыгает с моды на моду: смотрите, как «мод покрыто» стоит на 0–1, "
              "а облако подделок перескакивает по кольцу.",
        "en": "G learns five times faster than D and hops from mode to mode: watch modes covered stay at 0–1 "
              "while the cloud of fakes jumps around the ring.",
    },
    "toy2d_preset_minimax": {"ru": "Minimax против ns", "en": "Minimax vs ns"},
    "toy2d_preset_minimax_say": {
        "ru": "С потерями minimax D быстро уверен, что подделки — подделки, и стрелки градиента G почти нулевые; "
              "переключите «Функцию потерь» на ns — стрелки вырастут.",
        "en": "With the minimax loss D is soon sure the fakes are fake and G's gradient arrows are almost zero; "
              "switch Loss to ns and the arrows grow.",
    },
    "toy2d_preset_strong_d": {"ru": "D слишком силён", "en": "D wins too fast"},
    "toy2d_preset_strong_d_say": {
        "ru": "D:G 5:1 и большой шаг обучения D: D уверенно отвергает почти все подделки (D(G(z)) около 0,1), его "
              "поверхность вокруг них становится плоской, стрелки гаснут, и G застревает на одной моде или ни на одной.",
        "en": "D:G 5:1 and a high learning rate for D: D rejects nearly every fake (D(G(z)) about 0.1), its surface "
              "goes flat around them, the arrows die out and G gets stuck on one mode or none.",
    },
    "toy2d_preset_default": {"ru": "По умолчанию", "en": "Default settings"},
    # the settings that keep D in check (spectral norm, R1, Adam's betas, batch) and the per-distribution defaults
    "toy2d_batch_size": {"ru": "Размер батча", "en": "Batch size"},
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
    "toy2d_on": {"ru": "вкл.", "en": "on"},
    "toy2d_off": {"ru": "выкл.", "en": "off"},
    "toy2d_dist_defaults": {"ru": "Для распределения «{name}» заданы свои значения: {values}.",
                            "en": "“{name}” brings its own settings: {values}."},
    "toy2d_setting_is": {"ru": "«{label}» — {value}", "en": "{label}: {value}"},
    "toy2d_goal_modes": {"ru": "С ними на каждом проверенном зерне за {rounds} раундов покрыто не меньше {modes} мод из {total}",
                         "en": "With them every seed tried covers at least {modes} of {total} modes within {rounds} rounds"},
    "toy2d_goal_all_modes": {"ru": "С ними на каждом проверенном зерне за {rounds} раундов покрыты все {total} мод",
                             "en": "With them every seed tried covers all {total} modes within {rounds} rounds"},
    "toy2d_goal_quality": {"ru": ", и не меньше {share} выборок качественные",
                           "en": ", with at least {share} of the samples of high quality"},
    # gan_core.toy2d's errors, by code (ui/toy2d_words.py fills in the form's label of the setting and what it allows)
    "toy2d_range_whole": {"ru": "целое число от {low} до {high}", "en": "a whole number from {low} to {high}"},
    "toy2d_range_closed": {"ru": "число от {low} до {high}", "en": "a number from {low} to {high}"},
    "toy2d_range_open_low": {"ru": "число больше {low} и не больше {high}",
                             "en": "a number greater than {low} and at most {high}"},
    "error_toy2d_points_missing": {"ru": "Для своего распределения нужны точки: нарисуйте их на холсте.",
                                   "en": "Your own distribution needs points: draw some on the canvas."},
    "error_toy2d_points_too_many": {"ru": "Точек не больше {limit}, а их {n}.", "en": "At most {limit} points, got {n}."},
    "error_toy2d_points_outside": {"ru": "Точки должны лежать в квадрате [−{extent}, {extent}].",
                                   "en": "The points must lie inside the square [−{extent}, {extent}]."},
    "error_toy2d_points_malformed": {
        "ru": "Точки в ссылке: «{pair}» — не пара чисел x,y. Запишите точки так: x,y;x,y;…",
        "en": "The points in the link: “{pair}” is not a pair of numbers x,y. Write the points as x,y;x,y;…"},
    "error_toy2d_unknown": {"ru": "«{setting}»: варианта «{value}» нет. Есть: {choices}.",
                            "en": "{setting}: there is no option “{value}”. The options: {choices}."},
    "error_toy2d_range": {"ru": "«{setting}»: {value} — вне допустимого. Можно {range}.",
                          "en": "{setting}: {value} is out of range. Allowed: {range}."},
    "error_toy2d_not_whole": {"ru": "«{setting}»: {value} — не целое число. Можно {range}.",
                              "en": "{setting}: {value} is not a whole number. Allowed: {range}."},
    "error_toy2d_not_a_number": {"ru": "«{setting}»: «{value}» — не число. Можно {range}.",
                                 "en": "{setting}: “{value}” is not a number. Allowed: {range}."},
    "error_toy2d_not_on_off": {"ru": "«{setting}»: «{value}» — можно только 1 (вкл.) или 0 (выкл.).",
                               "en": "{setting}: “{value}” — only 1 (on) or 0 (off)."},
    "error_toy2d_file_foreign": {"ru": "Это не файл модели 2D-лаборатории; сохраните модель кнопкой «Сохранить модель».",
                                 "en": "This is not a 2D lab model file; save one with Save the model."},
    "error_toy2d_file_damaged": {"ru": "Файл модели 2D-лаборатории повреждён: сети не совпадают с его настройками.",
                                 "en": "The 2D lab model file is damaged: its networks do not match its settings."},
    "error_toy2d_two_budgets": {"ru": "Укажите либо секунды, либо секунды процессора, но не то и другое.",
                                "en": "Give either seconds or CPU seconds, not both."},
}
