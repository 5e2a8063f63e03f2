# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Batches of a nightly job on several database connections at once."""

import queue
import threading

from odoo import api


def run_batches_in_workers(env, workers, start, take, work, on_done=None):
    """Run the batches of a job on ``workers`` threads, each with a database
    cursor (a connection, a transaction, a core of the database server) of its
    own, and return the number of batches.

    - ``take(env, position)``: the next batch after ``position`` as ``(batch,
      next_position)``, or None when there is none left. Called under a lock
      (the batches are taken in order), in the worker's environment.
    - ``work(env, batch)``: the result of the batch, computed in the worker's
      transaction, which is committed right after.
    - ``on_done(batch, result)``: called in this thread, in the order of the
      batches, each time the batches up to this one are all done (restart
      position, progress).

    The workers read what is committed: the caller commits its own changes
    first. When a batch raises, the workers take no more batches, those
    running end, and the first error is raised here; the batches done are
    committed.
    """
    state = {"position": start, "next": 0, "stop": False}
    lock = threading.Lock()
    results = queue.SimpleQueue()
    registry, uid, context, dbname = env.registry, env.uid, env.context, env.cr.dbname

    def worker():
        thread = threading.current_thread()
        thread.dbname = dbname
        thread.uid = uid
        try:
            with registry.cursor() as cr:
                # the transaction of this registry: Environment() would look
                # the registry up by name, under a lock that the thread loading
                # the registry (tests after an update) holds
                cr.transaction = api.Transaction(registry)
                wenv = api.Environment(cr, uid, context)
                while True:
                    with lock:
                        if state["stop"]:
                            return
                        taken = take(wenv, state["position"])
                        if taken is None:
                            state["stop"] = True
                            return
                        batch, state["position"] = taken
                        index = state["next"]
                        state["next"] += 1
                    result = work(wenv, batch)
                    cr.commit()  # pylint: disable=invalid-commit
                    results.put((index, batch, result))
        except Exception as error:  # noqa: BLE001 - raised by the caller
            with lock:
                state["stop"] = True
            results.put(error)
        finally:
            results.put(None)

    threads = [
        threading.Thread(target=worker, name=f"retail_worker_{number}")
        for number in range(max(workers, 1))
    ]
    for thread in threads:
        thread.start()
    finished = {}
    done = 0
    error = None
    running = len(threads)
    while running:
        item = results.get()
        if item is None:  # a worker ended
            running -= 1
        elif isinstance(item, BaseException):
            error = error or item
        else:
            finished[item[0]] = item[1:]
            while done in finished:
                batch, result = finished.pop(done)
                done += 1
                if on_done and error is None:
                    try:
                        on_done(batch, result)
                    except Exception as exc:  # noqa: BLE001 - raised below
                        error = exc
                        with lock:
                            state["stop"] = True
    for thread in threads:
        thread.join()
    if error is not None:
        raise error
    return done
