"""An index that also covers whole answer rows, on the database where that pays."""

from django.db import models


class AnswerCoveringIndex(models.Index):
    """``fields``, followed on SQLite by ``answer_fields`` (the rest of a rider's answer row).

    On SQLite the riders' nearest search then reads the index alone, its winners' rows included.
    PostgreSQL's search reads ids and coordinates from the index and the winners' rows by id, so
    there the index keeps ``fields`` only: wide text columns would make every entry several
    times larger for nothing, and could pass PostgreSQL's 2,704-byte cap on a B-tree entry.
    """

    def __init__(self, *args, answer_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_fields = tuple(answer_fields)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["answer_fields"] = list(self.answer_fields)
        return path, args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite" and self.answer_fields:
            wide = models.Index(fields=[*self.fields, *self.answer_fields], name=self.name, db_tablespace=self.db_tablespace)
            return wide.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
