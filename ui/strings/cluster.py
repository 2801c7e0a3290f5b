"""Where runs train (this machine or a Ray cluster): the teacher's line on the class board, and the errors of
a cluster that cannot be used."""

STRINGS = {
    "error_cluster": {"ru": "Кластер Ray недоступен: {detail}", "en": "The Ray cluster cannot be used: {detail}"},
    "error_cluster_no_ray": {
        "ru": "Сервер настроен обучать на кластере ({cluster}), но Ray здесь не установлен: установите его "
              "(`pip install -r requirements-cluster.txt`) или уберите GAN_LAB_CLUSTER.",
        "en": "The server is set to train on a cluster ({cluster}) but Ray is not installed here: install it "
              "(`pip install -r requirements-cluster.txt`) or unset GAN_LAB_CLUSTER."},
    "error_device_not_on_cluster": {
        "ru": "На кластере, где обучаются запуски, нет устройства «{device}»: выберите другое в поле «Устройство».",
        "en": "The cluster that trains the runs has no '{device}' device: pick another one in the Device field."},
}
