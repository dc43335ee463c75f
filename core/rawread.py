"""Model rows read with hand-written SQL, turned into instances exactly as the ORM turns
its own rows: for the hottest read paths only (the bid's locked read of its lot), where
building and compiling the queryset cost more than PostgreSQL spends on the statement
(make bench: 40 % of a bid's server time went to compiling one read).

``Columns(Model, "alias")`` gives the model's concrete columns as a select list under a
table alias, built from the model's own metadata — a migration that adds a field adds it
here — and ``instance(values)`` converts a row's slice with the same converters the
compiler applies (JSON, decimals and datetimes on SQLite, …) and makes the instance
through ``Model.from_db``, as a queryset does.
"""

from django.db import connection


class Columns:
    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self._converters = None
        self._select = None

    def __len__(self) -> int:
        return len(self.fields)

    def select(self) -> str:
        """``alias."col1", alias."col2", …`` in the model's field order."""
        if self._select is None:
            qn = connection.ops.quote_name
            self._select = ", ".join(f"{qn(self.alias)}.{qn(f.column)}" for f in self.fields)
        return self._select

    def _converters_of(self) -> list:
        if self._converters is None:
            converters = []
            for field in self.fields:
                col = field.get_col(self.alias)
                found = [*connection.ops.get_db_converters(col),
                         *col.get_db_converters(connection)]
                converters.append((col, found))
            self._converters = converters
        return self._converters

    def instance(self, values):
        """The model instance of ``values`` (this model's slice of a row)."""
        values = list(values)
        for i, (col, converters) in enumerate(self._converters_of()):
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)
