"""Strings of the class board's cards (ui/board_cards.py): order, pages, the queue, each run's card."""

STRINGS = {
    "board_intro": {"ru": "Все запуски класса: чей GAN рисует цифры лучше всех? У каждого запуска своя карточка — "
                          "его образцы, состояние и качество. Доска обновляется сама, пока идёт обучение.",
                    "en": "Every run of the class: whose GAN draws the best digits? Each run has its own card with its "
                          "samples, its state and its quality. The board refreshes itself while runs train."},
    "board_order": {"ru": "Порядок", "en": "Order"},
    "board_order_best": {"ru": "лучшие сначала (меньше FID / эталон)", "en": "best first (lowest FID / floor)"},
    "board_order_owner": {"ru": "по имени ученика", "en": "by student's name"},
    "board_order_newest": {"ru": "новые сначала", "en": "newest first"},
    "board_page": {"ru": "Страница доски: места", "en": "Board page: places"},
    "board_page_option": {"ru": "{first}–{last}", "en": "{first}–{last}"},
    "board_shown": {"ru": "Показаны места {places} из {total}.", "en": "Showing places {places} of {total}."},
    "board_queue_line": {"ru": "Ждут в очереди", "en": "Waiting in the queue"},
    "board_queue_line_device": {"ru": "Ждут в очереди ({device})", "en": "Waiting in the queue ({device})"},
    "board_queue_item": {"ru": "{place}. {name} — {owner}", "en": "{place}. {name} — {owner}"},
    "board_shipped_owner": {"ru": "Готовый запуск GAN Lab", "en": "Shipped with GAN Lab"},
    "board_samples_soon": {"ru": "Образцы появятся после первой эпохи", "en": "Samples appear after the first epoch"},
    "board_samples_none": {"ru": "Образцов нет", "en": "No samples"},
    "board_epoch_of": {"ru": "эпоха {done} из {target}", "en": "epoch {done} of {target}"},
    "board_fid_value": {"ru": "{ratio}×", "en": "{ratio}×"},
    "board_target_met": {"ru": "— цель достигнута", "en": "— target reached"},
    "board_target_not_met": {"ru": "(цель ≤ 5×)", "en": "(target ≤ 5×)"},
    "board_covered_value": {"ru": "{n} из 10", "en": "{n} of 10"},
    "board_quality_later": {"ru": "Качество — после первой эпохи.", "en": "Quality: after the first epoch."},
    "board_quality_not_digits": {"ru": "Качество не измеряется: классификатор узнаёт только цифры.",
                                 "en": "Quality is not measured: the classifier knows digits only."},
    "board_quality_none": {"ru": "Качество этого запуска не измерялось.", "en": "This run's quality was not measured."},
    "board_open": {"ru": "Открыть", "en": "Open"},
    "board_caption": {"ru": "Числа — последней эпохи, которую измерило обучение (на 500 образцах); образцы — последней "
                            "сохранённой эпохи. Нажмите на образцы, чтобы увеличить.",
                      "en": "Numbers are from the newest epoch the training measured (on 500 samples); samples from the "
                            "newest saved epoch. Click the samples to enlarge them."},
}
