"""Interface strings of one feature per module: each defines `STRINGS = {key: {"ru": ..., "en": ...}}`.

ui/i18n.py merges them into its table at import; see `_merge_feature_strings`."""
