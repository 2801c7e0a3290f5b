"""Strings of held names and the teacher's lesson controls: names and keys in links, the teacher's pass, who
stopped or deleted a run and when, join links and QR codes, the roster sheet, the audit log, export and reset,
runs from another machine."""

STRINGS = {
    # --- a name and its key (ui/people.py) ------------------------------------------------------------------
    "people_made_up_name": {"ru": "Это имя придумано для вас и ещё ничьё. Впишите своё — оно закрепится за вами "
                                  "(или закрепится это, когда вы начнёте обучение).",
                            "en": "This name was made up for you and nobody holds it yet. Type your own and it is yours "
                                  "(or this one becomes yours when you start training)."},
    "people_link_bad_name": {"ru": "В ссылке указано имя «{name}», но так назвать нельзя: 1–32 буквы, цифры, пробелы, "
                                   "«.», «-» или «_». Пока вы — {me}; впишите своё имя в поле «Ваше имя».",
                             "en": "The link gives the name '{name}', which is not allowed: 1-32 letters, digits, "
                                   "spaces, '.', '-' or '_'. For now you are {me}; type your name under 'Your name'."},
    "people_link_empty_name": {"ru": "В ссылке пустое имя (`?student=`). Пока вы — {me}; впишите своё имя в поле "
                                     "«Ваше имя».",
                               "en": "The link has an empty name (`?student=`). For now you are {me}; type your name "
                                     "under 'Your name'."},
    "people_link_no_name": {"ru": "В ссылке есть ключ, но нет имени: откройте ссылку целиком.",
                            "en": "The link has a key but no name: open the whole link."},
    "people_you_are": {"ru": "Пока вы — {me}.", "en": "For now you are {me}."},
    "people_name_released": {"ru": "Учитель освободил имя «{name}»: ваша старая ссылка больше не действует. Впишите "
                                   "имя снова, чтобы взять его.",
                             "en": "The teacher released the name '{name}': your old link no longer works. Type the "
                                   "name again to take it."},
    "people_teacher_ended": {"ru": "Режим учителя завершён (выход в другой вкладке).",
                             "en": "Teacher mode ended (signed out in another tab)."},
    "people_teacher_keeps_name": {"ru": "Это ссылка ученика «{name}»; вы в режиме учителя, поэтому остаётесь собой. "
                                        "Чтобы показать его запуск, откройте ссылку «Обучение» на доске класса.",
                                  "en": "This is the link of the student '{name}'; you are in teacher mode, so you stay "
                                        "yourself. To show their run, open its Train link on the class board."},
    "people_teacher_name": {"ru": "учитель", "en": "teacher"},
    "people_password_help": {"ru": "Enter или кнопка ниже. Пароль нигде не показывается и не попадает в адрес; режим "
                                    "учителя держится до выхода или перезапуска сервера.",
                             "en": "Enter or the button below. The password is never shown or put in the address; "
                                   "teacher mode lasts until you sign out or the server restarts."},
    # who stopped or removed a run, and when
    "people_stopped_by_at": {"ru": "Остановил(а) {name} в {time}.", "en": "Stopped by {name} at {time}."},
    "people_stopped_by_teacher_at": {"ru": "Остановил учитель в {time}.", "en": "Stopped by the teacher at {time}."},
    "people_by_teacher": {"ru": "учитель", "en": "the teacher"},
    "people_by_someone": {"ru": "скрипт на сервере", "en": "a script on the server"},
    "people_gone_delete": {"ru": "Запуск «{name}» удалил(а) {who} в {time}.",
                           "en": "The run '{name}' was deleted by {who} at {time}."},
    "people_gone_stop": {"ru": "Запуск «{name}» ждал в очереди; его отменил(а) {who} в {time}.",
                         "en": "The run '{name}' was waiting in the queue; {who} called it off at {time}."},
    "people_gone_rename": {"ru": "Запуск «{name}» переименовал(а) {who} в {time}: теперь он называется «{to}».",
                           "en": "The run '{name}' was renamed by {who} at {time}: it is now called '{to}'."},
    "people_gone_reset": {"ru": "Запуск «{name}» убран при сбросе класса ({who}, {time}); он сохранён в архиве {archive}.",
                          "en": "The run '{name}' was removed when {who} reset the class at {time}; it is kept in the "
                                "archive {archive}."},
    # --- links that open a run (the class board's) ---------------------------------------------------------
    "link_run_missing": {"ru": "По ссылке открыт запуск «{name}», но его здесь нет (или у него ещё нет ни одной эпохи).",
                         "en": "The link opens the run '{name}', but it is not here (or has no finished epoch yet)."},
    "board_open_train": {"ru": "Обучение", "en": "Train"},
    "board_open_progression": {"ru": "Прогресс", "en": "Progression"},
    "board_open_help": {"ru": "Открывает запуск в новой вкладке — на проекторе от имени учителя, без ссылки ученика.",
                        "en": "Opens the run in a new tab: on the projector as the teacher, never with a student's link."},
    "board_shipped_apart": {"ru": "Готовые запуски GAN Lab — для сравнения:", "en": "GAN Lab's shipped runs, for comparison:"},
    # --- a run from another machine -------------------------------------------------------------------------
    "device_moved": {"ru": "Этот запуск обучался на {recorded}; на этой машине такого устройства нет, поэтому обучение "
                           "продолжится на {here}.",
                     "en": "This run was trained on {recorded}; this machine has no such device, so training goes on "
                           "on {here}."},
    "runs_imported_from": {"ru": "Импортирован; в архиве владельцем был(а) {name}.",
                           "en": "Imported; the archive's owner was {name}."},
    # --- the teacher's controls (ui/teacher.py) -------------------------------------------------------------
    "teacher_h": {"ru": "Урок", "en": "The lesson"},
    "teacher_join_h": {"ru": "Как подключиться: адрес и QR-код", "en": "How to join: address and QR code"},
    "teacher_join_intro": {"ru": "Ученики открывают этот адрес (или наводят камеру на QR-код) и вписывают своё имя:",
                           "en": "Students open this address (or point a camera at the QR code) and type their name:"},
    "teacher_join_loopback": {"ru": "У этого компьютера нет адреса в сети: с других компьютеров его не открыть. "
                                    "Подключите его к сети класса и обновите страницу.",
                              "en": "This computer has no network address: other computers cannot open it. Connect it "
                                    "to the class network and reload the page."},
    "teacher_join_names": {"ru": "Первый, кто взял имя, держит его: ключ хранится в адресе его страницы. Ниже можно "
                                 "напечатать листок с личными ссылками, в которых имя уже закреплено.",
                           "en": "Whoever takes a name first holds it: its key is kept in their page's address. Below "
                                 "you can print a sheet of personal links with each name already taken."},
    "teacher_join_qr": {"ru": "QR-код адреса", "en": "QR code of the address"},
    "teacher_roster_names": {"ru": "Список класса: одно имя в строке", "en": "The class list: one name a line"},
    "teacher_roster_placeholder": {"ru": "Анна\nБорис\nВера", "en": "Anna\nBoris\nVera"},
    "teacher_roster_help": {"ru": "Каждое имя закрепляется сразу; ключи попадают только в скачанный листок, на экран — "
                                  "никогда.",
                            "en": "Each name is taken at once; the keys go only into the downloaded sheet, never onto "
                                  "the screen."},
    "teacher_roster_renew": {"ru": "Выдать новые ключи уже занятым именам", "en": "Give new keys to names already held"},
    "teacher_roster_renew_help": {"ru": "Старые ссылки этих учеников перестанут работать.",
                                  "en": "Those students' old links stop working."},
    "teacher_roster_make": {"ru": "Сделать листок со ссылками", "en": "Make the sheet of links"},
    "teacher_roster_ready": {"ru": "Готово: {links}. Скачайте листок, распечатайте и раздайте — каждому его карточку.",
                             "en": "Done: {links}. Download the sheet, print it and hand each student their card."},
    "teacher_roster_download": {"ru": "Скачать листок (HTML для печати)", "en": "Download the sheet (HTML to print)"},
    "teacher_roster_invalid": {"ru": "Строка {line}: «{name}» — так назвать нельзя (1–32 буквы, цифры, пробелы, «.», «-», "
                                     "«_»). Ссылки не сделаны.",
                               "en": "Line {line}: '{name}' is not an allowed name (1-32 letters, digits, spaces, '.', "
                                     "'-', '_'). No links were made."},
    "teacher_roster_duplicate": {"ru": "Строка {line}: «{name}» уже есть выше в списке. Ссылки не сделаны.",
                                 "en": "Line {line}: '{name}' is already higher up the list. No links were made."},
    "teacher_roster_held": {"ru": "Строка {line}: имя «{name}» уже занято. Уберите его из списка или отметьте «Выдать "
                                  "новые ключи». Ссылки не сделаны.",
                            "en": "Line {line}: the name '{name}' is already held. Remove it from the list or tick 'Give "
                                  "new keys'. No links were made."},
    "teacher_roster_empty": {"ru": "В списке нет ни одного имени.", "en": "The list has no names."},
    "teacher_roster_too_long": {"ru": "В списке больше 200 имён: разделите его на части.",
                                "en": "The list has more than 200 names: split it up."},
    "teacher_sheet_title": {"ru": "GAN Lab: личные ссылки класса", "en": "GAN Lab: the class's personal links"},
    "teacher_sheet_intro": {"ru": "Откройте свою ссылку или наведите камеру на свой QR-код. Не передавайте её другим: кто "
                                  "её откроет, тот в приложении — вы.",
                            "en": "Open your link or point a camera at your QR code. Do not pass it on: whoever opens it "
                                  "is you in the app."},
    "teacher_sheet_address": {"ru": "Адрес для всех:", "en": "The address for everyone:"},
    "n_links": {"ru": "{n} ссылка|{n} ссылки|{n} ссылок", "en": "{n} link|{n} links"},
    "n_names": {"ru": "{n} имя|{n} имени|{n} имён", "en": "{n} name|{n} names"},
    "teacher_names_h": {"ru": "Имена учеников", "en": "Students' names"},
    "teacher_names_none": {"ru": "Пока никто не взял имя.", "en": "Nobody has taken a name yet."},
    "teacher_names_count": {"ru": "Занято: {names}.", "en": "Held: {names}."},
    "teacher_col_name": {"ru": "Имя", "en": "Name"},
    "teacher_col_since": {"ru": "Взято", "en": "Taken"},
    "teacher_col_teacher": {"ru": "Учитель", "en": "Teacher"},
    "teacher_release_pick": {"ru": "Освободить имя", "en": "Release a name"},
    "teacher_release_placeholder": {"ru": "Выберите имя", "en": "Choose a name"},
    "teacher_release": {"ru": "Освободить", "en": "Release"},
    "teacher_release_help": {"ru": "Для ученика, который потерял ссылку: старая ссылка перестаёт работать, а имя берёт "
                                   "первый, кто его впишет.",
                             "en": "For a student who lost their link: the old link stops working, and whoever types "
                                   "the name first takes it."},
    "teacher_released": {"ru": "Имя «{name}» свободно.", "en": "The name '{name}' is free."},
    "teacher_audit_h": {"ru": "Журнал действий", "en": "Who did what"},
    "teacher_audit_none": {"ru": "Пока ничего не останавливали, не удаляли и не меняли.",
                           "en": "Nothing has been stopped, deleted or changed yet."},
    "teacher_audit_caption": {"ru": "Последние {n} действий, новые сверху. Журнал — файл class-audit.jsonl в папке "
                                    "запусков.",
                              "en": "The last {n} actions, newest first. The log is the file class-audit.jsonl in the "
                                    "runs folder."},
    "teacher_col_time": {"ru": "Время", "en": "Time"},
    "teacher_col_who": {"ru": "Кто", "en": "Who"},
    "teacher_col_action": {"ru": "Что", "en": "What"},
    "teacher_col_details": {"ru": "Подробности", "en": "Details"},
    "teacher_audit_teacher": {"ru": "учитель ({name})", "en": "the teacher ({name})"},
    "teacher_audit_machine": {"ru": "скрипт на сервере", "en": "a script on the server"},
    "teacher_audit_to": {"ru": "→ {name}", "en": "→ {name}"},
    "teacher_audit_from": {"ru": "из архива {name}", "en": "from {name}'s archive"},
    "teacher_audit_reset": {"ru": "{runs} → {archive}", "en": "{runs} → {archive}"},
    "teacher_action_stop": {"ru": "остановка", "en": "stop"},
    "teacher_action_resume": {"ru": "продолжение", "en": "resume"},
    "teacher_action_delete": {"ru": "удаление", "en": "delete"},
    "teacher_action_rename": {"ru": "переименование", "en": "rename"},
    "teacher_action_import": {"ru": "импорт", "en": "import"},
    "teacher_action_limits": {"ru": "ограничения", "en": "limits"},
    "teacher_action_queue": {"ru": "очередь", "en": "queue order"},
    "teacher_action_reset": {"ru": "сброс класса", "en": "class reset"},
    "teacher_action_release": {"ru": "имя освобождено", "en": "name released"},
    "teacher_action_roster": {"ru": "ссылки класса", "en": "class links"},
    "teacher_action_board": {"ru": "доска", "en": "board"},
    "teacher_lesson_h": {"ru": "Итоги и сброс класса", "en": "Results and class reset"},
    "teacher_shipped": {"ru": "Готовые запуски GAN Lab на доске", "en": "GAN Lab's shipped runs on the board"},
    "teacher_shipped_ranked": {"ru": "вместе с учениками", "en": "ranked with the class"},
    "teacher_shipped_apart": {"ru": "отдельно, ниже", "en": "apart, below"},
    "teacher_shipped_hidden": {"ru": "скрыть", "en": "hidden"},
    "teacher_export": {"ru": "Скачать итоги класса (CSV)", "en": "Download the class's results (CSV)"},
    "teacher_export_help": {"ru": "Одна строка на запуск ученика: ученик, запуск, модель, эпохи, FID / эталон, цифр в "
                                  "выборке, состояние. Открывается в Excel и LibreOffice.",
                            "en": "One row per student run: student, run, model, epochs, FID / floor, digits covered, "
                                  "state. Opens in Excel and LibreOffice."},
    "teacher_csv_student": {"ru": "Ученик", "en": "Student"},
    "teacher_csv_run": {"ru": "Запуск", "en": "Run"},
    "teacher_csv_model": {"ru": "Модель", "en": "Model"},
    "teacher_csv_epochs": {"ru": "Эпох", "en": "Epochs"},
    "teacher_csv_fid_ratio": {"ru": "FID / эталон", "en": "FID / floor"},
    "teacher_csv_digits_covered": {"ru": "Цифр в выборке", "en": "Digits covered"},
    "teacher_csv_state": {"ru": "Состояние", "en": "State"},
    "teacher_reset": {"ru": "Сбросить класс…", "en": "Reset the class…"},
    "teacher_reset_help": {"ru": "Все запуски, кроме готовых запусков GAN Lab, складываются в один архив с датой в папке "
                                 "запусков и удаляются. Имена учеников остаются за ними.",
                           "en": "Every run but GAN Lab's shipped ones goes into one dated archive in the runs folder "
                                 "and is removed. Students keep their names."},
    "teacher_reset_confirm": {"ru": "Сложить все запуски класса в архив и удалить их со страниц? Готовые запуски GAN Lab "
                                    "останутся.",
                              "en": "Put every run of the class into an archive and remove them from the pages? GAN "
                                    "Lab's shipped runs stay."},
    "teacher_reset_yes": {"ru": "Да, сбросить", "en": "Yes, reset"},
    "teacher_reset_done": {"ru": "Класс сброшен: {runs} в архиве {archive} (папка запусков).",
                           "en": "The class is reset: {runs} in the archive {archive} (the runs folder)."},
}

# gan_core's errors about names, keys and the lesson (gan_core/classroom/identity.py, lesson.py), by code
STRINGS.update({
    "error_name_held": {"ru": "Имя «{name}» уже занято другим учеником. Выберите другое имя или откройте свою ссылку "
                              "(с ключом).",
                        "en": "The name '{name}' is already held by another student. Choose another name, or open your "
                              "own link (with its key)."},
    "error_name_free": {"ru": "Имя «{name}» никто не занимает.", "en": "Nobody holds the name '{name}'."},
    "error_key_malformed": {"ru": "Ключ в ссылке для «{name}» неполный или испорчен: откройте ссылку целиком ещё раз "
                                  "или попросите учителя освободить имя.",
                            "en": "The key in the link for '{name}' is incomplete or damaged: open the whole link "
                                  "again, or ask the teacher to release the name."},
    "error_key_wrong": {"ru": "Ключ в ссылке — не ключ имени «{name}»: откройте свою ссылку или попросите учителя "
                              "освободить имя.",
                        "en": "The key in the link is not the key of '{name}': open your own link, or ask the teacher "
                              "to release the name."},
    "error_roster": {"ru": "В списке класса есть ошибки ({count}); ссылки не сделаны.",
                     "en": "The class list has problems ({count}); no links were made."},
    "error_reset_nothing": {"ru": "Сбрасывать нечего: у класса нет запусков.",
                            "en": "There is nothing to reset: the class has no runs."},
    "error_reset_busy": {"ru": "Сейчас обучаются или ждут в очереди запуски ({n}): {runs}. Остановите их, потом "
                               "сбрасывайте класс.",
                         "en": "Runs are training or queued ({n}): {runs}. Stop them, then reset the class."},
    "error_reset_not_saved": {"ru": "Архив класса не записался ({detail}); ничего не удалено.",
                              "en": "The class archive could not be written ({detail}); nothing was removed."},
    "error_names_not_saved": {"ru": "Имена не сохранились в папке запусков ({detail}); ничего не изменилось. Проверьте, "
                                    "что в неё можно писать.",
                              "en": "The names could not be saved in the runs folder ({detail}); nothing changed. Check "
                                    "that the folder is writable."},
    "error_board_not_saved": {"ru": "Настройка доски не сохранилась ({detail}).",
                              "en": "The board's setting could not be saved ({detail})."},
    "error_board_mode": {"ru": "Неизвестный вариант доски: {value}.", "en": "Unknown board option: {value}."},
})
