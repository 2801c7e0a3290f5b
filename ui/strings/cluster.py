"""Where runs train (this machine or a Ray cluster): the teacher's line on the class board, and the errors of
a cluster that cannot be used (the server's operator fixes those, so they name the settings to change)."""

STRINGS = {
    # the teacher's line
    "where_local": {"ru": "Запуски обучаются на этом компьютере: одновременно {at_once}.",
                    "en": "Runs train on this machine: {at_once} at a time."},
    "where_cluster": {"ru": "Запуски обучаются на кластере Ray {address}: {nodes}, {gpus}; одновременно {at_once}.",
                      "en": "Runs train on the Ray cluster at {address}: {nodes}, {gpus}; {at_once} at a time."},
    "where_on_device": {"ru": "{runs} на {device}", "en": "{runs} on {device}"},
    "where_device_cpu": {"ru": "процессоре", "en": "CPU"},
    "where_device_cuda": {"ru": "видеокарте", "en": "GPU"},
    "where_device_mps": {"ru": "видеокарте Apple", "en": "Apple GPU"},
    "where_nothing": {"ru": "ни одного", "en": "none"},
    "where_idle_gpus": {"ru": "Видеокарты узлов {nodes} не получают запусков: запустите эти узлы командой "
                              "`python -m gan_core cluster start`.",
                        "en": "The GPUs of {nodes} take no runs: start those nodes with `python -m gan_core cluster "
                              "start`."},
    "n_nodes": {"ru": "{n} узел|{n} узла|{n} узлов", "en": "{n} node|{n} nodes"},
    "n_gpus": {"ru": "{n} видеокарта|{n} видеокарты|{n} видеокарт", "en": "{n} GPU|{n} GPUs"},
    # errors
    "error_cluster": {"ru": "Кластер Ray недоступен: {detail}", "en": "The Ray cluster cannot be used: {detail}"},
    "error_cluster_no_ray": {
        "ru": "Сервер настроен обучать на кластере ({cluster}), но Ray здесь не установлен: установите его "
              "(`pip install -r requirements-cluster.txt`) или уберите GAN_LAB_CLUSTER.",
        "en": "The server is set to train on a cluster ({cluster}) but Ray is not installed here: install it "
              "(`pip install -r requirements-cluster.txt`) or unset GAN_LAB_CLUSTER."},
    "error_cluster_not_found": {
        "ru": "GAN_LAB_CLUSTER=auto, но этот компьютер не входит в работающий кластер Ray: запустите его "
              "(`python -m gan_core cluster start --head`) или укажите адрес ray://HOST:10001.",
        "en": "GAN_LAB_CLUSTER=auto, but this machine is not a node of a running Ray cluster: start one "
              "(`python -m gan_core cluster start --head`) or give the address as ray://HOST:10001."},
    "error_cluster_address": {
        "ru": "«{address}» — не адрес кластера Ray: укажите ray://HOST:10001, HOST:6379 или auto в GAN_LAB_CLUSTER.",
        "en": "'{address}' is not a Ray cluster address: set GAN_LAB_CLUSTER to ray://HOST:10001, HOST:6379 or auto."},
    "error_cluster_token_missing": {
        "ru": "На этом компьютере нет токена кластера Ray: скопируйте его (`ray get-auth-token` на главном узле) в "
              "~/.ray/auth_token или в переменную RAY_AUTH_TOKEN и перезапустите сервер.",
        "en": "This machine has no Ray cluster token: copy it (`ray get-auth-token` on the head node) into "
              "~/.ray/auth_token or RAY_AUTH_TOKEN, then restart the server."},
    "error_cluster_token_refused": {
        "ru": "Кластер Ray {address} не принял токен этого компьютера: скопируйте верный (`ray get-auth-token` на "
              "главном узле) в ~/.ray/auth_token или RAY_AUTH_TOKEN и перезапустите сервер.",
        "en": "The Ray cluster at {address} refused this machine's token: copy the right one (`ray get-auth-token` "
              "on the head node) into ~/.ray/auth_token or RAY_AUTH_TOKEN, then restart the server."},
    "error_cluster_unreachable": {
        "ru": "Кластер Ray {address} недоступен ({reason}): запущен ли он и в одной ли сети с этим компьютером?",
        "en": "The Ray cluster at {address} cannot be reached ({reason}): is it started, and on this machine's "
              "network?"},
    "error_cluster_not_ray": {
        "ru": "По адресу {address} отвечает не кластер Ray: проверьте порт в GAN_LAB_CLUSTER.",
        "en": "What answers at {address} is not a Ray cluster: check the port in GAN_LAB_CLUSTER."},
    "error_cluster_connect": {
        "ru": "Не удалось подключиться к кластеру Ray {address}: {detail}",
        "en": "Could not connect to the Ray cluster at {address}: {detail}"},
    "error_cluster_version": {
        "ru": "На узле {node} другая версия GAN Lab, чем на сервере: обновите её там и перезапустите узел.",
        "en": "The node {node} runs another version of GAN Lab than the server: update it there and restart the node."},
    "error_cluster_code": {
        "ru": "Узлы кластера получают только настройки и данные, не код: {detail}",
        "en": "A cluster's nodes get settings and data, never code: {detail}"},
    "error_class_needs_cluster": {
        "ru": "Класс «{name}» делят несколько серверов, а для этого нужен кластер Ray: задайте и GAN_LAB_CLUSTER.",
        "en": "The class '{name}' is shared by several servers, which needs a Ray cluster: set GAN_LAB_CLUSTER too."},
    "error_class_queue_gone": {
        "ru": "Общая очередь класса «{name}» на кластере Ray не отвечает; работает ли кластер?",
        "en": "The class's shared queue ({name}) in the Ray cluster does not answer; is the cluster up?"},
    "error_device_not_on_cluster": {
        "ru": "На кластере, где обучаются запуски, нет устройства «{device}»: выберите другое в поле «Устройство».",
        "en": "The cluster that trains the runs has no '{device}' device: pick another one in the Device field."},
}
