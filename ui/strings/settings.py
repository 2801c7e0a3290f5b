"""Train page: the settings form's errors, worded from the library's error codes (gan_core.config.FieldError)
and its allowed ranges, so each field says under itself what it accepts."""

STRINGS = {
    # The allowed range, by the range's kind (gan_core.config.Range.kind).
    "settings_range_whole": {"ru": "целое число от {low} до {high}", "en": "a whole number from {low} to {high}"},
    "settings_range_open_low": {"ru": "больше {low} и не больше {high}", "en": "greater than {low} and at most {high}"},
    "settings_range_open_high": {"ru": "от {low} и меньше {high}", "en": "from {low} up to, not including, {high}"},
    "settings_range_closed": {"ru": "от {low} до {high}", "en": "from {low} to {high}"},
    # What is wrong, by error code; {range} is one of the above.
    "settings_err_out_of_range": {"ru": "Вне допустимого: {value}. Можно: {range}.",
                                  "en": "Out of range: {value}. Allowed: {range}."},
    "settings_err_not_whole": {"ru": "Нужно целое число. Можно: {range}.", "en": "A whole number is needed. Allowed: {range}."},
    "settings_err_not_a_number": {"ru": "Нужно число. Можно: {range}.", "en": "A number is needed. Allowed: {range}."},
    "settings_err_not_for_model": {"ru": "Эта настройка не относится к выбранной модели: оставьте 0.",
                                   "en": "This setting does not apply to the chosen model: leave it 0."},
    "settings_err_unknown_choice": {"ru": "Такого варианта нет: {value}.", "en": "There is no such choice: {value}."},
}
