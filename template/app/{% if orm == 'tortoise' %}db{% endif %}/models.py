"""ORM models; the HTTP schemas in app/schemas are separate on purpose."""

from tortoise import fields
from tortoise.models import Model


class ItemRecord(Model):
    """A row of the items table."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    # FloatField is DOUBLE on MySQL and DOUBLE PRECISION on PostgreSQL: 19.99 stays 19.99.
    price = fields.FloatField()

    class Meta:
        table = "items"
