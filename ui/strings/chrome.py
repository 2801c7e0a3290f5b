"""What Streamlit's own controls would say in English, said by the app in the page's language: a select's empty
placeholder, the file uploader's instructions, a mistyped page address."""

STRINGS = {
    "choose_options": {"ru": "Выберите…", "en": "Choose…"},
    "chrome_upload": {"ru": "Выбрать файл", "en": "Upload"},
    "chrome_upload_limit": {"ru": "или перетащите его сюда; до 200 МБ", "en": "200MB per file"},
    "chrome_fullscreen": {"ru": "Во весь экран", "en": "Fullscreen"},
    "chrome_close_fullscreen": {"ru": "Выйти из полноэкранного режима", "en": "Close fullscreen"},
    "chrome_download_csv": {"ru": "Скачать как CSV", "en": "Download as CSV"},
    "chrome_search": {"ru": "Поиск", "en": "Search"},
    "chrome_enter_to_apply": {"ru": "Enter — применить", "en": "Press Enter to apply"},
    "chrome_ctrl_enter_to_apply": {"ru": "Ctrl+Enter — применить", "en": "Press Ctrl+Enter to apply"},
    "page_unknown": {"ru": "Страницы «{page}» в лаборатории нет — открыта главная. Все страницы — в меню слева.",
                     "en": "The lab has no page '{page}', so Home is open. Every page is in the menu on the left."},
}
