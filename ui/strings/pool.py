"""The seconds after Start and the GPU a class shares: the Train page's picture before the first epoch is
recorded, the teacher's line on whether NVIDIA MPS shares the GPU, and a bad warm-worker setting."""

STRINGS = {
    "train_preview_caption": {
        "ru": "Тот же шум сейчас: эпоха {epoch}, шаг {step} из {steps}. Картинка обновляется, пока идёт первая эпоха.",
        "en": "The same noise now: epoch {epoch}, step {step} of {steps}. It updates until the first epoch is recorded."},
    "board_mps_on": {
        "ru": "GPU делят через NVIDIA MPS: запуски класса считают на нём одновременно.",
        "en": "The GPU is shared through NVIDIA MPS: the class's runs compute on it at the same time."},
    "board_mps_off": {
        "ru": "NVIDIA MPS выключен: запуски класса занимают GPU по очереди. Как его включить, сказано в "
              "docs/classroom-gpu.md (`nvidia-cuda-mps-control -d`).",
        "en": "NVIDIA MPS is off: the class's runs take turns on the GPU. docs/classroom-gpu.md says how to turn "
              "it on (`nvidia-cuda-mps-control -d`)."},
    "error_warm_workers_env": {
        "ru": "GAN_LAB_WARM_WORKERS должно быть целым числом не меньше 0 (0 — без заранее запущенных процессов), "
              "а не «{value}».",
        "en": "GAN_LAB_WARM_WORKERS must be a whole number of at least 0 (0: no workers started ahead), not '{value}'."},
}
