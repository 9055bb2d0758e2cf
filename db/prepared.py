"""Plain SQL for the desk's hottest reads, with rows made into models without peewee's query machinery.

Peewee builds a select's SQL anew on every call, and its cursor wrapper works out the model
graph again for every result: for a copy read with its location, that costs several times
what SQLite takes to answer. The reads every checkout and return make are written as plain
SQL instead; ``columns`` lists a model's columns for the ``SELECT`` in the order ``model_at``
reads them back, and ``model_at`` makes the instance the services already use (field
values converted as peewee converts them, nothing marked changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from peewee import Field, Model

M = TypeVar("M", bound=Model)

# Kept per model class for the life of the process (models never change at run time). Plain
# dictionaries rather than ``functools.cache``: peewee has no type information, so mypy cannot
# tell that a model class is hashable.
_FIELDS: dict[type, tuple[Field, ...]] = {}
_COLUMNS: dict[tuple[type, str], str] = {}
_INSERTS: dict[tuple[type, tuple[str, ...]], str] = {}


def _fields(model: type[Model]) -> tuple[Field, ...]:
    found = _FIELDS.get(model)
    if found is None:
        found = _FIELDS[model] = tuple(model._meta.sorted_fields)
    return found


def columns(model: type[Model], alias: str) -> str:
    """``alias.column, …`` of every column of ``model``, in the order ``model_at`` expects."""
    found = _COLUMNS.get((model, alias))
    if found is None:
        found = _COLUMNS[(model, alias)] = ", ".join(f"{alias}.{field.column_name}" for field in _fields(model))
    return found


def width(model: type[Model]) -> int:
    return len(_fields(model))


def model_at(model: type[M], row: Sequence[Any], start: int = 0) -> M:
    """The ``model`` instance whose columns begin at ``row[start]`` (selected by ``columns``)."""
    instance = object.__new__(model)
    instance.__data__ = {
        field.name: None if value is None else field.python_value(value)
        for field, value in zip(_fields(model), row[start:], strict=False)
    }
    instance._dirty = set()
    instance.__rel__ = {}
    return instance


def partial(model: type[M], **values: Any) -> M:
    """A ``model`` instance holding only ``values`` (by field name), for code that reads just those."""
    instance = object.__new__(model)
    instance.__data__ = values
    instance._dirty = set()
    instance.__rel__ = {}
    return instance


def _insert_sql(model: type[Model], names: tuple[str, ...]) -> str:
    found = _INSERTS.get((model, names))
    if found is None:
        by_name = {field.name: field for field in _fields(model)}
        found = _INSERTS[(model, names)] = (
            f"INSERT INTO {model._meta.table_name} ({', '.join(by_name[n].column_name for n in names)})"
            f" VALUES ({', '.join('?' * len(names))})"
        )
    return found


def insert(instance: Model) -> None:
    """Store a new ``instance`` (made with its values and defaults) with one plain ``INSERT``."""
    model = type(instance)
    data = instance.__data__
    names = tuple(field.name for field in _fields(model) if field.name in data)
    by_name = model._meta.fields
    model._meta.database.execute_sql(_insert_sql(model, names), [by_name[name].db_value(data[name]) for name in names])
    instance._dirty.clear()
