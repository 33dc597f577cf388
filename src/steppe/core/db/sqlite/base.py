"""SQLite, as Django has it, except that a number a DecimalField cannot hold reads as empty.

SQLite keeps whatever it is given (an Infinity, 10^13 in a 12-digit column); Django's converter
then raises on every read of that row, so one bad value brings down every page that lists it.
Here such a value reads as None (the page shows "—") and is logged; `steppe data check` lists the
rows so an operator can correct them. Inputs are refused before they are written (core.validation).
"""

import decimal
import logging

from django.db.backends.sqlite3 import base, operations

log = logging.getLogger("steppe.data")


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        strict = super().get_decimalfield_converter(expression)

        def converter(value, expression, connection):
            try:
                return strict(value, expression, connection)
            except (decimal.InvalidOperation, ValueError, OverflowError):
                log.warning("unusable number %r in %s read as empty (see `steppe data check`)", value, expression)
                return None

        return converter


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
