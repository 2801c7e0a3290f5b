"""What Streamlit's own controls would say in English, said by the app in the page's language: a select's empty
placeholder, the file uploader's instructions, a mistyped page address."""

STRINGS = {
    "choose_options": {"ru": "Выберите…", "en": "Choose…"},
}
