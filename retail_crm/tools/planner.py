# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Planner settings for the key lookups of large batches."""

from contextlib import contextmanager


@contextmanager
def index_probes(cr):
    """Run the statements of the block with sequential scans disabled.

    For the lookups of a batch by its keys (one index probe per mobile or
    code, written ``unnest(keys) CROSS JOIN LATERAL (... OFFSET 0)``): while
    an import grows res_partner inside one transaction, its statistics lag
    behind, and the planner may read a probed table sequentially, once per
    key (quadratic), or scan all the company's members instead of 1,000
    probes. With sequential scans off the probes use their index whatever
    the statistics say. Also no JIT: a stale estimate can make PostgreSQL
    compile a millisecond query. The settings are local to the transaction
    and restored after the block; if a statement fails, the rollback of the
    transaction or savepoint undoes them.
    """
    cr.execute(
        "SELECT current_setting('enable_seqscan'), current_setting('jit'),"
        " set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
    )
    seqscan, jit = cr.fetchone()[:2]
    yield
    cr.execute(
        "SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)",
        [seqscan, jit],
    )
