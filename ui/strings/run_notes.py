"""Why a run is in its status (gan_core/runs/notes.py's codes), as the Runs and Train pages say it."""

STRINGS = {
    "note_finished": {"ru": "Обучение завершено: {epochs_text}.", "en": "Training finished: {epochs_text}."},
    "note_stopped": {"ru": "Остановлен на эпохе {epoch}, шаг {step}; «Продолжить» продолжит с этого места.",
                     "en": "Stopped at epoch {epoch}, step {step}; Resume continues from there."},
    "note_diverged": {"ru": "Потери стали бесконечными или NaN на шаге {step} (эпоха {epoch}). Сохранена последняя "
                            "хорошая контрольная точка (эпоха {kept}); попробуйте скорости обучения поменьше.",
                      "en": "The loss became infinite or NaN at step {step} (epoch {epoch}). The last good checkpoint "
                            "(epoch {kept}) is kept; try lower learning rates."},
    "note_interrupted": {"ru": "Прерван: процесс обучения завершился, не сохранившись; «Продолжить» начнёт с последней "
                               "контрольной точки.",
                         "en": "Interrupted: the training process ended without saving; Resume continues from the "
                               "last checkpoint."},
    "note_interrupted_timeout": {"ru": "Прерван: не остановился за {seconds} с, и его процесс был завершён; "
                                       "«Продолжить» начнёт с последней контрольной точки.",
                                 "en": "Interrupted: it did not stop within {seconds} s and its process was ended; "
                                       "Resume continues from the last checkpoint."},
    "note_interrupted_killed": {"ru": "Прерван: процесс обучения был убит (сигнал {signal}); «Продолжить» начнёт с "
                                      "последней контрольной точки.",
                                "en": "Interrupted: the training process was killed (signal {signal}); Resume "
                                      "continues from the last checkpoint."},
    "note_interrupted_lost": {"ru": "Прерван: узел кластера, который его обучал, пропал или его процесс обучения "
                                    "был завершён; «Продолжить» начнёт с последней контрольной точки, дошедшей до "
                                    "этого сервера.",
                              "en": "Interrupted: the cluster node that trained it went away, or its training process "
                                    "was ended; Resume continues from the last checkpoint that reached this server."},
    "note_cancelled": {"ru": "Отменён, не начавшись.", "en": "Cancelled before it started."},
    "note_process_failed": {"ru": "Процесс обучения завершился с ошибкой.", "en": "The training process failed."},
    "note_could_not_start": {"ru": "Процесс обучения не запустился ({detail}); попробуйте позже.",
                             "en": "The training process could not start ({detail}); try again later."},
    "note_ended_unexpectedly": {"ru": "Процесс обучения неожиданно завершился (код {exit_code}); подробности — в "
                                      "журнале сервера.",
                                "en": "The training process ended unexpectedly (exit code {exit_code}); see the "
                                      "server's log."},
    "note_gpu_memory": {"ru": "На видеокарте не хватило памяти для этого запуска; продолжите его, когда другие "
                              "запуски закончатся (последняя контрольная точка сохранена).",
                        "en": "The GPU has no free memory for this run; resume it when other runs have finished "
                              "(the last checkpoint is kept)."},
    "note_memory": {"ru": "Компьютеру не хватило памяти; продолжите запуск, когда обучается меньше запусков "
                          "(последняя контрольная точка сохранена).",
                    "en": "The machine ran out of memory; resume the run when fewer runs train (the last checkpoint "
                          "is kept)."},
    "note_disk_full": {"ru": "Диск заполнен ({file}); освободите место и продолжите: последняя хорошая контрольная "
                             "точка сохранена.",
                       "en": "The disk is full ({file}); free some space, then resume: the last good checkpoint is "
                             "kept."},
    "note_exited": {"ru": "Процесс обучения завершился (код {exit_code}).",
                    "en": "The training process exited (code {exit_code})."},
    "note_process_interrupted": {"ru": "Процесс обучения был прерван.", "en": "The training process was interrupted."},
    "note_crashed": {"ru": "Ошибка в программе: {detail}", "en": "A bug in the program: {detail}"},
}
