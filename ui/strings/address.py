"""What the page's address asks for that the app cannot give (?lang=), said once in the sidebar."""

STRINGS = {
    "lang_refused": {"ru": "В адресе указан язык «{value}», а его здесь нет: страница на русском. Другой язык можно "
                           "выбрать выше.",
                     "en": "The address asks for the language '{value}', which this app does not have: the page is in "
                           "English. Choose another language above."},
}
