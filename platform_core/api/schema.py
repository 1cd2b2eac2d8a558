"""OpenAPI enum names for every choice field of our apps.

Many models have a `status` or `kind` field with their own choices; drf-spectacular
would name them Status57aEnum and so on. This mapping names each distinct choice
set after the first model field that uses it (`PushStatusEnum`), computed lazily
when the schema is generated, so new apps need no settings change.
"""
from collections.abc import Mapping

LOCAL_APPS = {"platform", "consortia", "projects", "talent", "transfer", "funds", "matching"}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class AppEnumNames(Mapping):
    def __init__(self):
        self._names = None

    def _build(self) -> dict[str, list]:
        from django.apps import apps

        names, seen = {}, set()
        for model in apps.get_models():
            if model._meta.app_label not in LOCAL_APPS or model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                choices = list(field.choices or [])
                if not choices or not all(isinstance(value, str) for value, _label in choices):
                    continue
                # drf-spectacular identifies a choice set by its values and labels.
                key = tuple((value, str(label)) for value, label in choices)
                if key in seen:
                    continue
                seen.add(key)
                names[f"{model.__name__}{_camel(field.name)}Enum"] = choices
        return names

    def _mapping(self):
        if self._names is None:
            self._names = self._build()
        return self._names

    def __getitem__(self, key):
        return self._mapping()[key]

    def __iter__(self):
        return iter(self._mapping())

    def __len__(self):
        return len(self._mapping())
