"""Home: the list of the lab's pages, the class board among them."""

STRINGS = {
    "home_about_board": {"ru": "Все запуски класса на одном экране: чьи, какие и насколько хороши; учитель видит "
                               "здесь очередь и задаёт ограничения.",
                         "en": "Every run of the class on one screen: whose, what and how good; the teacher sees the "
                               "queue here and sets the limits."},
}
