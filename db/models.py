"""Peewee models for the tables the migrations create.

The models describe tables; they do not create them (``db.migrations`` does,
from its own frozen SQL) and they hold no library rules. A test checks that
every model matches the migrated schema column for column.
"""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db.ids import new_id

database_proxy = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Entity(BaseModel):
    """A row with a globally unique key, created on any node."""

    id = CharField(primary_key=True, default=new_id)


class Setting(BaseModel):
    """Library-wide and node-local settings as text (library name, this node's id)."""

    key = CharField(primary_key=True)
    value = TextField()


class Branch(Entity):
    """The central library, a branch, the mobile van or the 24-hour room."""

    code = CharField(unique=True)
    name = CharField()
    kind = CharField()
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)
    created_at = CharField()


class ServicePoint(Entity):
    """A place inside a branch where loans happen: a desk, a room, a van stop."""

    branch = ForeignKeyField(Branch, backref="service_points", column_name="branch_id")
    code = CharField(unique=True)
    name = CharField()
    active = BooleanField(default=True)
    created_at = CharField()


class Staff(Entity):
    username = CharField(unique=True)
    display_name = CharField()
    password_hash = CharField()
    roles = CharField()
    branch = ForeignKeyField(Branch, null=True, column_name="branch_id")
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = CharField(null=True)
    language = CharField(null=True)
    created_at = CharField()


class Journal(BaseModel):
    """Append-only: triggers in the schema refuse UPDATE and DELETE.

    The local ``rowid`` orders rows on this node; ``(node_id, seq)`` names a row
    across the union, and ``hlc`` orders rows from different nodes.
    """

    rowid = IntegerField(primary_key=True)
    node_id = CharField()
    seq = IntegerField()
    hlc = IntegerField()
    wall_time = CharField()
    staff_id = CharField(null=True)
    action = CharField()
    entity_type = CharField()
    entity_id = CharField(null=True)
    data = TextField()

    class Meta:
        table_name = "journal"
