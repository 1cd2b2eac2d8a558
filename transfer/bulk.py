"""Fast inserts and updates with django-simple-history rows, for spreadsheet imports.

The ORM's bulk_create/bulk_update (and simple-history's wrappers around them) build a
model instance and compile SQL per row; at 30,000 rows that alone takes most of a minute.
Here rows stay plain dicts keyed by column attname and go to the database with
`executemany`, in the caller's transaction. Only values that need a database conversion
(JSON, dates, times, decimals) go through the field's `get_db_prep_save`.
"""
import datetime

from django.db import connection, models
from django.utils import timezone

CHUNK = 2000
_PREPARED_TYPES = (models.JSONField, models.DateField, models.DateTimeField, models.DecimalField,
                   models.TimeField, models.UUIDField)


def _columns(model, *, include_pk: bool):
    return [f for f in model._meta.local_concrete_fields if include_pk or not f.primary_key]


def _converter(field):
    if isinstance(field, _PREPARED_TYPES):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return None


def _row_values(fields, converters, row: dict, constants: dict) -> tuple:
    values = []
    for field, convert in zip(fields, converters, strict=True):
        if field.attname in constants:
            values.append(constants[field.attname])
            continue
        value = row[field.attname] if field.attname in row else field.get_default()
        values.append(convert(value) if convert else value)
    return tuple(values)


def _auto_constants(fields, now: datetime.datetime, *, adding: bool) -> dict:
    """auto_now fields get `now`; auto_now_add ones too when adding."""
    constants = {}
    for field in fields:
        if getattr(field, "auto_now", False) or (adding and getattr(field, "auto_now_add", False)):
            constants[field.attname] = field.get_db_prep_save(now, connection)
    return constants


def _executemany(sql: str, params: list[tuple]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(params), CHUNK):
            cursor.executemany(sql, params[start:start + CHUNK])


def _history_rows(model, rows: list[dict], *, history_type: str, user, reason: str, now) -> None:
    history_model = model.history.model
    fields = _columns(history_model, include_pk=False)
    converters = [_converter(f) for f in fields]
    constants = {
        "history_date": history_model._meta.get_field("history_date").get_db_prep_save(now, connection),
        "history_type": history_type,
        "history_change_reason": reason,
        "history_user_id": getattr(user, "pk", None),
    }
    params = [_row_values(fields, converters, row, constants) for row in rows]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    _executemany(f"INSERT INTO {connection.ops.quote_name(history_model._meta.db_table)} ({columns}) "
                 f"VALUES ({placeholders})", params)


def insert_with_history(model, rows: list[dict], *, key: tuple[str, ...], user, reason: str = "import") -> None:
    """Insert `rows` (attname → value), then read their ids back by the unique `key` and write '+' history."""
    if not rows:
        return
    now = timezone.now()
    fields = _columns(model, include_pk=False)
    converters = [_converter(f) for f in fields]
    constants = _auto_constants(fields, now, adding=True)
    params = [_row_values(fields, converters, row, constants) for row in rows]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    _executemany(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})",
                 params)
    # Read back every column as stored (defaults and auto fields included) for the history rows.
    wanted = {tuple(row[k] for k in key) for row in rows}
    first_key = key[0]
    stored = []
    values = sorted({row[first_key] for row in rows}, key=str)
    for start in range(0, len(values), 500):
        for row in model.objects.filter(**{f"{first_key}__in": values[start:start + 500]}).values(
                *[f.attname for f in _columns(model, include_pk=True)]):
            if tuple(row[k] for k in key) in wanted:
                stored.append(row)
    _history_rows(model, stored, history_type="+", user=user, reason=reason, now=now)


def update_with_history(model, rows: list[dict], *, fields: list[str], user, reason: str = "import") -> None:
    """Update `fields` of rows (each with "id"), then write '~' history from the stored rows."""
    if not rows:
        return
    now = timezone.now()
    model_fields = [model._meta.get_field(name) for name in fields]
    auto = _auto_constants(_columns(model, include_pk=False), now, adding=False)
    converters = [_converter(f) for f in model_fields]
    assignments = [f"{connection.ops.quote_name(f.column)} = %s" for f in model_fields]
    assignments += [f"{connection.ops.quote_name(model._meta.get_field(a).column)} = %s" for a in auto]
    params = []
    for row in rows:
        values = [convert(row[f.attname]) if convert and row[f.attname] is not None else row[f.attname]
                  for f, convert in zip(model_fields, converters, strict=True)]
        params.append((*values, *auto.values(), row["id"]))
    _executemany(f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {', '.join(assignments)} "
                 f"WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s", params)
    ids = [row["id"] for row in rows]
    stored = []
    columns = [f.attname for f in _columns(model, include_pk=True)]
    for start in range(0, len(ids), 500):
        stored.extend(model.objects.filter(pk__in=ids[start:start + 500]).values(*columns))
    _history_rows(model, stored, history_type="~", user=user, reason=reason, now=now)

