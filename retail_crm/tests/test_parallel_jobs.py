# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Nightly member jobs on several database connections at once.

The workers have database cursors of their own: they read committed data
only, so these tests commit their members and orders in a transaction of
their own (deleted at the end), never in the test's transaction.
"""

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import RetailCrmCommon, committed_buyers


@tagged("post_install", "-at_install")
class TestParallelJobs(RetailCrmCommon):
    def _stage_work(self, company):
        return lambda env, ids: env["res.partner"]._retail_stage_update_sql(
            company.with_env(env), ids
        )

    def test_stages_in_workers(self):
        """Two workers derive the stages the one-by-one pass derives; the
        progress comes in the order of the batches; a failing batch is logged
        and the others continue."""
        with committed_buyers(self.registry) as (env, members, __):
            Partner = env["res.partner"]
            company = env.ref("base.main_company")
            cr = env.cr
            start = members[0].id - 1  # the committed members are the last ones

            def clear_stages():
                cr.execute(
                    "UPDATE res_partner SET retail_stage = NULL WHERE id = ANY(%s)",
                    [members.ids],
                )
                cr.commit()  # pylint: disable=invalid-commit
                members.invalidate_recordset()

            clear_stages()
            Partner._retail_run_member_batches(
                company, self._stage_work(company), "Stages", cursor=start
            )
            cr.commit()  # pylint: disable=invalid-commit
            members.invalidate_recordset()
            expected = members.mapped("retail_stage")
            self.assertIn("first_purchase", expected)
            self.assertIn("prospect", expected)  # the member without orders

            clear_stages()
            progress = []
            changed = Partner._retail_run_member_batches(
                company,
                self._stage_work(company),
                "Stages",
                cursor=start,
                batch_size=2,
                on_batch=lambda last, count: progress.append((last, count)),
                workers=2,
            )
            cr.commit()  # pylint: disable=invalid-commit
            members.invalidate_recordset()
            self.assertEqual(members.mapped("retail_stage"), expected)
            self.assertEqual(changed, len(members))
            self.assertEqual(
                progress,
                [(members[1].id, 2), (members[3].id, 2), (members[4].id, 1)],
            )

            # the batch of members[2:4] fails: logged, its members keep no
            # stage, the batches before and after it are done
            clear_stages()
            stage_work = self._stage_work(company)

            def failing_work(env, ids):
                if members[2].id in ids:
                    raise ValueError("this batch fails")
                return stage_work(env, ids)

            with mute_logger("odoo.addons.retail_crm.models.res_partner_stage"):
                changed = Partner._retail_run_member_batches(
                    company,
                    failing_work,
                    "Stages",
                    cursor=start,
                    batch_size=2,
                    workers=2,
                )
            cr.commit()  # pylint: disable=invalid-commit
            members.invalidate_recordset()
            self.assertEqual(changed, 3)
            self.assertEqual(
                members.mapped("retail_stage"),
                expected[:2] + [False, False] + expected[4:],
            )

    def test_segment_tags_in_workers(self):
        """Each segment's tag is refreshed by a worker in a transaction of
        its own: the tags equal the segments."""
        with committed_buyers(self.registry) as (env, members, __):
            cr = env.cr
            segments = env["retail.segment"].create(
                [
                    {
                        "name": "Parallel Segment A",
                        "domain": str([("id", "in", members[:2].ids)]),
                        "auto_tag": True,
                    },
                    {
                        "name": "Parallel Segment B",
                        "domain": str([("id", "in", members[1:].ids)]),
                        "auto_tag": True,
                    },
                ]
            )
            tags = segments.tag_id
            self.assertEqual(len(tags), 2)
            # a member tagged by mistake: removed by the refresh
            members[4].category_id = [Command.link(segments[0].tag_id.id)]
            cr.commit()  # pylint: disable=invalid-commit
            try:
                failed = segments._retail_sync_tags(commit=True, workers=2)
                self.assertFalse(failed)
                members.invalidate_recordset()
                for segment, tagged_members in (
                    (segments[0], members[:2]),
                    (segments[1], members[1:]),
                ):
                    self.assertEqual(
                        members.filtered(
                            lambda m, s=segment: s.tag_id in m.category_id
                        ),
                        tagged_members,
                    )
                # idempotent
                self.assertFalse(segments._retail_sync_tags(commit=True, workers=2))
            finally:
                cr.rollback()
                segments.unlink()
                tags.unlink()
                cr.commit()  # pylint: disable=invalid-commit
