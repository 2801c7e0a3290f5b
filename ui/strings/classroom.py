"""Strings of the classroom: students' names, teacher mode, owners and rights, the class board."""

STRINGS = {
    # --- who is using the session (ui/people.py) -----------------------------------------------------
    "people_generated_prefix": {"ru": "ученик", "en": "student"},
    "people_name": {"ru": "Ваше имя", "en": "Your name"},
    "people_name_help": {"ru": "Его видят все: ваши запуски подписаны этим именем. Первый, кто взял имя, держит его: "
                               "ключ хранится в адресе страницы (`?student=…&key=…`), так что перезагрузка, закладка и "
                               "вторая вкладка его сохраняют. Не делитесь этой ссылкой: кто её откроет, будет вами.",
                         "en": "Everyone sees it: your runs carry this name. Whoever takes a name first holds it: its "
                               "key is kept in the page's address (`?student=…&key=…`), so a reload, a bookmark or a second "
                               "tab keeps it. Do not share that link: whoever opens it is you."},
    "people_single_user": {"ru": "Режим одного пользователя: пароль учителя не задан, поэтому здесь можно управлять "
                                 "всеми запусками.",
                           "en": "Single-user mode: no teacher password is set, so this session may manage every run."},
    "people_student_mode": {"ru": "Вы — {name}: свои запуски можно останавливать, продолжать, переименовывать и "
                                  "удалять; чужие — только смотреть.",
                            "en": "You are {name}: you may stop, resume, rename and delete your own runs and watch "
                                  "everyone else's."},
    "people_teacher_h": {"ru": "Режим учителя", "en": "Teacher mode"},
    "people_password": {"ru": "Пароль учителя", "en": "Teacher password"},
    "people_unlock": {"ru": "Войти как учитель", "en": "Unlock teacher mode"},
    "people_teacher_on": {"ru": "Режим учителя", "en": "Teacher mode"},
    "people_teacher_on_help": {"ru": "Можно управлять всеми запусками, очередью, ограничениями и уроком (доска класса). "
                                     "Режим держится до выхода или перезапуска сервера; пароль не хранится в адресе.",
                               "en": "You may manage every run, the queue, the limits and the lesson (class board). It "
                                     "lasts until you sign out or the server restarts; nothing of it is in the address."},
    "people_teacher_leave": {"ru": "Выйти из режима учителя", "en": "Leave teacher mode"},
    "people_you": {"ru": "{name} (вы)", "en": "{name} (you)"},
    "people_owner": {"ru": "Владелец: {name}", "en": "Owner: {name}"},
    "people_only_owner": {"ru": "Остановить этот запуск может только {name} или учитель.",
                          "en": "Only {name} or the teacher can stop this run."},
    "people_only_owner_resume": {"ru": "Это запуск {name}: продолжить его может только {name} или учитель.",
                                 "en": "This is {name}'s run: only {name} or the teacher can resume it."},
    "people_only_owner_manage": {"ru": "Это запуск {name}: переименовать или удалить его может только {name} или учитель.",
                                 "en": "This is {name}'s run: only {name} or the teacher can rename or delete it."},
    "people_stopped_by": {"ru": "Остановил(а): {name}.", "en": "Stopped by {name}."},
    "people_stopped_by_teacher_only": {"ru": "Остановил учитель.", "en": "Stopped by the teacher."},
    "people_stopped_by_limit": {"ru": "Остановлен ограничением класса по времени ({minutes} мин).",
                                "en": "Stopped by the class time limit ({minutes} min)."},
    "col_owner": {"ru": "Владелец", "en": "Owner"},
    "seed_label": {"ru": "зерно {seed}", "en": "seed {seed}"},
    # --- a shipped run is trained as the student's own copy ---------------------------------------------
    "copy_h": {"ru": "Продолжить обучение своей копии", "en": "Resume training as your own copy"},
    "copy_explain": {"ru": "«{name}» поставляется с GAN Lab и не меняется. Продолжение обучит копию под новым "
                           "именем — она будет вашей.",
                     "en": "'{name}' ships with GAN Lab and never changes. Resuming trains a copy under a new name, "
                           "and the copy is yours."},
    "copy_resume": {"ru": "Скопировать и продолжить", "en": "Copy and resume"},
    # --- Runs: rename ----------------------------------------------------------------------------------
    "runs_rename": {"ru": "Переименовать", "en": "Rename"},
    "runs_rename_to": {"ru": "Новое имя", "en": "New name"},
    "runs_rename_do": {"ru": "Переименовать", "en": "Rename it"},
    "runs_renamed": {"ru": "Запуск «{old}» теперь называется «{new}».", "en": "Run '{old}' is now called '{new}'."},
    # --- the class board ---------------------------------------------------------------------------------
    "page_board": {"ru": "Доска класса", "en": "Class board"},
    "board_title": {"ru": "Доска класса", "en": "Class board"},
    "board_empty": {"ru": "Пока нет ни одного запуска. Начните на странице «Обучение».",
                    "en": "No runs yet. Start one on the Train page."},
    "board_queue_h": {"ru": "Очередь класса", "en": "Class queue"},
    "board_queue_empty": {"ru": "Очередь пуста: никто не ждёт.", "en": "The queue is empty: nobody is waiting."},
    "board_queue_device": {"ru": "{device}: сейчас обучается {running}", "en": "{device}: training now {running}"},
    "board_up": {"ru": "Раньше в очереди", "en": "Earlier in the queue"},
    "board_down": {"ru": "Позже в очереди", "en": "Later in the queue"},
    "board_limits_h": {"ru": "Ограничения класса", "en": "Class limits"},
    "board_limit_active": {"ru": "Запусков одновременно у ученика", "en": "Runs at once per student"},
    "board_limit_epochs": {"ru": "Эпох на запуск, не больше", "en": "Most epochs per run"},
    "board_limit_minutes": {"ru": "Минут обучения на запуск, не больше", "en": "Most minutes of training per run"},
    "board_limit_devices": {"ru": "Устройства для учеников", "en": "Devices students may use"},
    "board_limits_zero": {"ru": "0 — без ограничения. Ограничения действуют на новые запуски учеников, не на ваши.",
                          "en": "0 means no limit. Limits apply to students' new runs, not to yours."},
    "board_limits_save": {"ru": "Сохранить ограничения", "en": "Save the limits"},
    "board_limits_saved": {"ru": "Ограничения сохранены.", "en": "The limits are saved."},
    "board_limits_now": {"ru": "Ограничения класса: запусков одновременно — {active}, эпох — {epochs}, минут — "
                               "{minutes}, устройства — {devices}.",
                         "en": "Class limits: runs at once {active}, epochs {epochs}, minutes {minutes}, "
                               "devices {devices}."},
    "board_no_limit": {"ru": "без ограничения", "en": "no limit"},
    "board_all_devices": {"ru": "все", "en": "all"},
}

# gan_core's classroom errors by code (gan_core/classroom/access.py, jobs.py, checkpoints.py), shown by wording.error_text:
# the one place of the classroom's error texts (the Train page says the class limits with these before Start too)
STRINGS.update({
    "error_access": {"ru": "Это действие вам недоступно: {detail}", "en": "You may not do that: {detail}"},
    "error_shipped": {"ru": "Запуск «{name}» поставляется с GAN Lab и не меняется.",
                      "en": "The run '{name}' ships with GAN Lab and never changes."},
    "error_class_limit": {"ru": "Это выходит за ограничения класса: {detail}", "en": "That goes past a class limit: {detail}"},
    "error_not_owner": {"ru": "Запуск «{name}» принадлежит {owner}: управлять им может только {owner} или учитель "
                              "(смотреть можно всем).",
                        "en": "The run '{name}' belongs to {owner}: only {owner} or the teacher can manage it "
                              "(everyone may watch it)."},
    "error_teachers_run": {"ru": "У запуска «{name}» нет владельца: управлять им может только учитель.",
                           "en": "The run '{name}' has no owner: only the teacher can manage it."},
    "error_rename_shipped": {"ru": "Запуск «{name}» поставляется с GAN Lab; переименовать его нельзя.",
                             "en": "The run '{name}' ships with GAN Lab; it cannot be renamed."},
    "error_resume_shipped": {"ru": "Запуск «{name}» поставляется с GAN Lab и не меняется: «Скопировать и продолжить» "
                                   "обучит вашу копию.",
                             "en": "The run '{name}' ships with GAN Lab and never changes: 'Copy and resume' trains "
                                   "your own copy."},
    "error_limit_epochs": {"ru": "Ограничение класса: не больше {n} эпох на запуск.",
                           "en": "Class limit: at most {n} epochs per run."},
    "error_limit_devices": {"ru": "Ограничение класса: ученикам доступны только {devices}.",
                            "en": "Class limit: students may train on {devices} only."},
    "error_limit_active": {"ru": "Ограничение класса: не больше {n} ваших запусков в очереди или в обучении. "
                                 "Дождитесь окончания или остановите один.",
                           "en": "Class limit: at most {n} of your runs queued or training. Wait for one to finish "
                                 "or stop it."},
    "error_limit_value": {"ru": "Ограничение должно быть положительным числом или 0 (без ограничения).",
                          "en": "A limit must be a positive number, or 0 for no limit."},
    "error_limit_no_device": {"ru": "Оставьте ученикам хотя бы одно устройство, например cpu.",
                              "en": "Leave students at least one device, cpu for example."},
    "error_limit_file": {"ru": "Файл ограничений класса повреждён ({detail}); задайте ограничения заново.",
                         "en": "The class limits file is damaged ({detail}); set the limits again."},
    "error_limits_not_saved": {"ru": "Не удалось сохранить ограничения класса ({detail}); действуют прежние.",
                               "en": "The class limits could not be saved ({detail}); the old ones still hold."},
    "error_teacher_only": {"ru": "Это может только учитель.", "en": "Only the teacher can do that."},
    "error_not_queued": {"ru": "Запуск «{name}» не ждёт в очереди.", "en": "The run '{name}' is not waiting in the queue."},
    "error_wrong_password": {"ru": "Неверный пароль. Следующая попытка — через {seconds} с.",
                             "en": "Wrong password. You can try again in {seconds} s."},
    "error_password_wait": {"ru": "Слишком много неверных паролей: подождите {seconds} с.",
                            "en": "Too many wrong passwords: wait {seconds} s."},
    "error_person_name": {"ru": "Имя «{name}» не подходит: 1–32 буквы, цифры, пробелы, «.», «-» или «_», начиная с "
                                "буквы или цифры.",
                          "en": "The name '{name}' is not allowed: 1-32 letters, digits, spaces, '.', '-' or '_', "
                                "starting with a letter or digit."},
})
