"""User errors from gan_core, by their `code` (gan_core/errors.py), in words of the app's controls.

Key `error_<code>`; the values are the error's `params`. A test checks that every code gan_core
raises has a text here in both languages."""

STRINGS = {
    "error_error": {"ru": "Не получилось: {detail}", "en": "That did not work: {detail}"},
    "error_config": {"ru": "Недопустимая настройка: {detail}", "en": "A setting is not allowed: {detail}"},
    "error_data": {"ru": "Набор данных не загрузился: {detail}", "en": "The dataset could not be loaded: {detail}"},
    "error_checkpoint": {"ru": "Файл запуска не открылся: {detail}", "en": "A run's file could not be opened: {detail}"},
    "error_run_name": {"ru": "Имя запуска не подходит: {detail}", "en": "The run name cannot be used: {detail}"},
    "error_archive": {"ru": "Архив не подходит: {detail}", "en": "The archive cannot be imported: {detail}"},
    # runs and their files
    "error_run_missing": {"ru": "Запуска «{name}» нет. Выберите другой на странице «Запуски».",
                          "en": "There is no run named '{name}'. Pick another one on the Runs page."},
    "error_run_exists": {"ru": "Запуск «{name}» уже есть: дайте новому запуску другое имя или продолжите этот.",
                         "en": "A run named '{name}' already exists: give the new run another name, or resume that one."},
    "error_run_busy": {"ru": "Запуск «{name}» уже обучается или ждёт в очереди; сначала остановите его.",
                       "en": "The run '{name}' is already training or queued; stop it first."},
    "error_no_checkpoint": {"ru": "У запуска «{name}» ещё нет сохранения: оно появляется в конце каждой эпохи или при остановке.",
                            "en": "The run '{name}' has no checkpoint yet: one is saved at each epoch's end or on Stop."},
    "error_delete_running": {"ru": "Запуск «{name}» обучается или ждёт в очереди: остановите его, потом удаляйте.",
                             "en": "The run '{name}' is training or queued: stop it, then delete it."},
    "error_delete_shipped": {"ru": "Запуск «{name}» поставляется с приложением; удалить его нельзя.",
                             "en": "The run '{name}' ships with the app; it cannot be deleted."},
    "error_epoch_missing": {"ru": "У запуска «{name}» нет сохранённой эпохи {epoch}.",
                            "en": "The run '{name}' has no saved epoch {epoch}."},
    "error_epoch_no_generator": {
        "ru": "Для эпохи {epoch} запуска «{name}» сохранены только картинки; генератор хранится для эпох 1–10, "
              "каждой десятой и последней.",
        "en": "Only the pictures of epoch {epoch} of the run '{name}' were kept; the generator is kept for epochs "
              "1-10, every 10th and the last."},
    "error_weights_mismatch": {"ru": "Веса запуска «{name}» не подходят к его модели {model}: файл повреждён или от другой версии.",
                               "en": "The weights of the run '{name}' do not fit its model {model}: the file is damaged "
                                     "or from another version."},
    "error_file_missing": {"ru": "Файла {file} нет: удалите этот запуск или верните файл.",
                           "en": "The file {file} is missing: delete this run or put the file back."},
    "error_file_corrupt": {"ru": "Файл {file} обрезан или повреждён: удалите этот запуск или верните файл.",
                           "en": "The file {file} is truncated or damaged: delete this run or put the file back."},
    "error_file_unsafe": {"ru": "Файл {file} отклонён: в нём объекты Python, которые могли бы выполнить код. "
                                "Открываются только файлы, записанные GAN Lab.",
                          "en": "The file {file} was refused: it holds Python objects that could run code. "
                                "Only files written by GAN Lab are opened."},
    "error_file_foreign": {"ru": "Файл {file} записан не GAN Lab или не того вида.",
                           "en": "The file {file} was not written by GAN Lab, or is of another kind."},
    "error_name_empty": {"ru": "Имя запуска пустое: впишите, например, «digits-1».",
                         "en": "The run name is empty: type one, such as 'digits-1'."},
    "error_name_invalid": {"ru": "Имя «{name}» не подходит: только буквы, цифры, «.», «_» и «-», в начале буква или "
                                 "цифра, не длиннее 64 знаков, без «..».",
                           "en": "The name '{name}' cannot be used: letters, digits, '.', '_' and '-' only, starting "
                                 "with a letter or digit, at most 64 characters, no '..'."},
    # data, devices, samples
    "error_dataset_unknown": {"ru": "Неизвестный набор данных «{dataset}».", "en": "Unknown dataset '{dataset}'."},
    "error_dataset_missing": {
        "ru": "Набора «{dataset}» нет на этом компьютере, а скачать его не удалось. Подключитесь к интернету или "
              "положите четыре файла *-idx?-ubyte в папку {folder} (см. README, раздел «Data»). Без интернета "
              "выберите встроенный набор «MNIST, 5 000 цифр».",
        "en": "The dataset '{dataset}' is not on this computer and could not be downloaded. Connect to the internet "
              "or put the four *-idx?-ubyte files in {folder} (README, section Data). Offline, choose the built-in "
              "'MNIST, 5,000 digits'."},
    "error_device_unknown": {"ru": "Неизвестное устройство «{device}».", "en": "Unknown device '{device}'."},
    "error_device_no_cuda": {"ru": "На этом компьютере нет видеокарты CUDA: выберите процессор в поле «Устройство».",
                             "en": "This computer has no CUDA GPU: choose the CPU in the Device field."},
    "error_device_no_mps": {"ru": "На этом компьютере нет видеокарты Apple: выберите процессор в поле «Устройство».",
                            "en": "This computer has no Apple GPU: choose the CPU in the Device field."},
    "error_fast_path_cuda": {"ru": "Быстрый режим работает только на видеокарте CUDA.",
                             "en": "The fast path works on a CUDA GPU only."},
    "error_images_shape": {"ru": "Картинки должны быть размера 28×28 в одном канале (получено {shape}).",
                           "en": "Pictures must be 28×28 with one channel (got {shape})."},
    "error_sample_count": {"ru": "Число образцов должно быть от {low} до {high}, а не {n}.",
                           "en": "The number of samples must be between {low} and {high}, not {n}."},
    "error_not_digits": {"ru": "Классификатор цифр оценивает только цифры, а не «{dataset}».",
                         "en": "The digit classifier judges digits only, not '{dataset}'."},
    "error_classifier_broken": {
        "ru": "Классификатор цифр (checkpoints/digit-classifier.pt) отсутствует или повреждён; пересоберите его "
              "командой python -m gan_core train-classifier.",
        "en": "The digit classifier (checkpoints/digit-classifier.pt) is missing or damaged; rebuild it with "
              "python -m gan_core train-classifier."},
    "error_baseline_unknown": {"ru": "Неизвестная гауссиана «{baseline}».", "en": "Unknown Gaussian '{baseline}'."},
    "error_output_suffix": {"ru": "Файл «{name}» должен оканчиваться на .png, .pt или .npy.",
                            "en": "The file '{name}' must end in .png, .pt or .npy."},
    "error_output_folder": {"ru": "Папки {folder} нет.", "en": "The folder {folder} does not exist."},
    "error_max_jobs_env": {"ru": "GAN_LAB_MAX_JOBS_PER_DEVICE должно быть целым числом не меньше 1, а не «{value}».",
                           "en": "GAN_LAB_MAX_JOBS_PER_DEVICE must be a whole number of at least 1, not '{value}'."},
    "error_max_jobs": {"ru": "Одновременно должен обучаться хотя бы один запуск (задано {value}).",
                       "en": "At least one run must be allowed to train at once (got {value})."},
}

STRINGS.update({
    "error_archive_name_taken": {
        "ru": "Запуск «{name}» уже есть. Впишите другое имя в поле «Имя запуска здесь» (например, «{suggestion}») "
              "и импортируйте снова.",
        "en": "A run named '{name}' already exists. Type another name in the field 'Name here' (such as "
              "'{suggestion}') and import again."},
    "error_archive_not_zip": {"ru": "Файл — не целый архив .zip (обрезан или повреждён); скачайте запуск заново.",
                              "en": "The file is not a complete .zip archive (cut short or damaged); download the run again."},
    "error_archive_empty": {"ru": "Архив пуст: в нём должна быть папка запуска, как её скачивает страница «Запуски».",
                            "en": "The archive is empty: it must hold a run folder, as the Runs page downloads it."},
    "error_archive_too_many": {"ru": "В архиве {count} файлов — больше, чем бывает у запуска ({limit}).",
                               "en": "The archive holds {count} files, more than a run has ({limit})."},
    "error_archive_too_large": {"ru": "Архив отклонён: файл в нём больше допустимых {limit_mb} МБ.",
                                "en": "The archive was refused: a file in it is larger than the limit of {limit_mb} MB."},
    "error_archive_layout": {"ru": "Это не архив запуска GAN Lab: нужна одна папка с run.json и checkpoint.pt.",
                             "en": "This is not a GAN Lab run archive: it needs one folder with run.json and checkpoint.pt."},
    "error_archive_unsafe_path": {"ru": "Архив отклонён: файл «{file}» указывает за пределы своей папки.",
                                  "en": "The archive was refused: the member '{file}' points outside its folder."},
    "error_archive_unexpected": {"ru": "Архив отклонён: «{file}» — не файл запуска GAN Lab (run.json, checkpoint.pt, "
                                       "history.jsonl, epochs/epoch_NNNN.pt).",
                                 "en": "The archive was refused: '{file}' is not a file of a GAN Lab run (run.json, "
                                       "checkpoint.pt, history.jsonl, epochs/epoch_NNNN.pt)."},
    "error_archive_bad_info": {"ru": "Файл run.json в архиве повреждён или с недопустимыми настройками.",
                               "en": "run.json in the archive is damaged or has settings GAN Lab cannot use."},
})
