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
    with local_settings(cr, enable_seqscan="off", jit="off"):
        yield


@contextmanager
def local_settings(cr, **settings):
    """Run the statements of the block with the planner ``settings`` (e.g.
    ``jit="off", work_mem="256MB"``), local to the transaction; the values
    from before the block are restored after it. If a statement fails, the
    rollback of the transaction or savepoint undoes them."""
    names = list(settings)
    # current_setting() is evaluated before the set_config() that follows it
    cr.execute(
        "SELECT "
        + ", ".join("current_setting(%s), set_config(%s, %s, true)" for __ in names),
        [arg for name in names for arg in (name, name, str(settings[name]))],
    )
    saved = cr.fetchone()[0::2]
    yield
    cr.execute(
        "SELECT " + ", ".join("set_config(%s, %s, true)" for __ in names),
        [arg for pair in zip(names, saved, strict=True) for arg in pair],
    )
