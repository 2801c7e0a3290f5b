"""Number fields (ui/number_field.py): what a page goes on showing while the text in a field cannot be used."""

STRINGS = {
    "number_kept": {"ru": "Пока показано для {value}.", "en": "Still showing {value}."},
}
