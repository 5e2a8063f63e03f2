# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from .retail_stage_plan import RETAIL_STAGES

_logger = logging.getLogger(__name__)


# A class of its own (not merged into res_partner.py) so that the follow-ups
# merge cleanly with the work done in parallel on res_partner.py.
class ResPartner(models.Model):
    _inherit = "res.partner"

    def _retail_followup_responsible(self):
        """Who follows this member up: the associate, else the store manager.

        Archived users are skipped. Returns an empty recordset when nobody.
        """
        self.ensure_one()
        for user in (self.user_id, self.retail_store_id.manager_id):
            if user and user.active:
                return user
        return self.env["res.users"]

    def _retail_on_stage_changed(self, old_stages):
        """Hook called after the lifecycle stage of members in ``self`` changed.

        ``old_stages``: ``{member id: previous stage key}``. Launches the
        activity plans of each new stage on the members entering it from
        another stage (a first classification, without a previous stage,
        launches none). A member
        that nobody can follow up (no associate, no store manager) is skipped
        and logged, so that a stage change is never blocked by a plan.
        """
        # the lifecycle module may define the hook too: keep the chain
        parent = getattr(super(), "_retail_on_stage_changed", None)
        if parent:
            parent(old_stages)
        # sudo: the stage change is authorised by itself (e.g. a purchase in
        # another store than the member's home store); the plans it launches
        # must not depend on the rights of who triggered it.
        members = self.sudo().filtered("is_retail_member")
        by_stage = defaultdict(list)
        for member in members:
            stage = member["retail_stage"] if "retail_stage" in self._fields else None
            old = old_stages.get(member.id)
            # Plans follow transitions. The first classification of a member
            # (no stage before: members that existed before the lifecycle
            # was installed, or migrated with their purchase history) launches
            # none: their "first purchase" may be years old, and a first
            # nightly run must not flood the associates with calls.
            if stage and old and stage != old:
                by_stage[stage].append(member.id)
        activities = self.env["mail.activity"]
        for stage, ids in by_stage.items():
            activities |= members.browse(ids)._retail_launch_stage_plans(
                stage, raise_on_error=False
            )
        return activities

    def _retail_launch_stage_plans(self, stage_key, raise_on_error=True):
        """Launch the plans of ``stage_key`` on the members of ``self``.

        Each activity goes to the responsible of its plan step (by default
        the member's associate, else the store manager); all activities are
        created at once, without an e-mail each, and one note is logged on
        each member. With
        ``raise_on_error``, any problem (a plan without activities, nobody to
        assign) raises a :class:`UserError` and nothing is created; without,
        the faulty plans / members are skipped and logged.

        Returns the created activities.
        """
        members = self.filtered("is_retail_member")
        Activity = self.env["mail.activity"]
        if not members:
            return Activity
        stage_names = dict(RETAIL_STAGES)
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        errors = []
        bodies = defaultdict(list)
        for company in members.company_id:
            company_members = members.filtered(lambda m, c=company: m.company_id == c)
            plans = self.env["retail.stage.plan"]._retail_plans_for(stage_key, company)
            for plan in plans:
                if not plan.template_ids:
                    errors.append(
                        self.env._(
                            "The plan %(plan)s has no activities to schedule.",
                            plan=plan.name,
                        )
                    )
                    continue
                for member in company_members:
                    member_vals, member_errors, lines = (
                        member._retail_plan_activity_vals(plan, today, model_id)
                    )
                    if member_errors:
                        errors += member_errors
                        continue
                    vals_list += member_vals
                    bodies[member.id].append(
                        Markup("%s<ul>%s</ul>")
                        % (
                            self.env._(
                                'The plan "%(plan)s" has been started (stage: '
                                "%(stage)s)",
                                plan=plan.name,
                                stage=stage_names.get(stage_key, stage_key),
                            ),
                            Markup().join(
                                Markup("<li>%s</li>") % line for line in lines
                            ),
                        )
                    )
        if errors:
            unique = list(dict.fromkeys(errors))
            if raise_on_error:
                raise UserError("\n".join(unique))
            # one bounded line: a stage change can reach a million members
            _logger.warning(
                "Stage plans of %s skipped in %s case(s), e.g.:\n%s",
                stage_key,
                len(unique),
                "\n".join(unique[:10]),
            )
        if not vals_list:
            return Activity
        # no e-mail per activity (a stage change may reach many members):
        # associates find them in My Follow-ups and in their activities
        # One create per "round", each holding at most one activity per member:
        # mail.activity.create subscribes the assignees with
        # browse(res_ids).message_subscribe(), which inserts a follower twice
        # when the same member appears twice in one batch for the same user.
        rounds = []
        for vals in vals_list:
            for batch in rounds:
                if vals["res_id"] not in batch[0]:
                    batch[0].add(vals["res_id"])
                    batch[1].append(vals)
                    break
            else:
                rounds.append(({vals["res_id"]}, [vals]))
        Activity = Activity.with_context(mail_activity_quick_update=True)
        activities = Activity.browse()
        for __, batch_vals in rounds:
            activities |= Activity.create(batch_vals)
        logged = self.browse(list(bodies))
        logged._message_log_batch(
            bodies={pid: Markup().join(parts) for pid, parts in bodies.items()}
        )
        return activities

    def _retail_plan_activity_vals(self, plan, base_date, model_id):
        """Values of the activities of ``plan`` on this member.

        Returns ``(vals_list, errors, descriptions)``.
        """
        self.ensure_one()
        default_responsible = self._retail_followup_responsible()
        vals_list, errors, lines = [], [], []
        for template in plan.template_ids:
            result = template._determine_responsible(default_responsible, self)
            responsible = result["responsible"]
            if result["error"] or not responsible:
                errors.append(
                    result["error"]
                    or self.env._(
                        "Nobody can be assigned %(activity)s on %(member)s.",
                        activity=template.summary or template.activity_type_id.name,
                        member=self.display_name,
                    )
                )
                continue
            deadline = template._get_date_deadline(base_date)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": self.id,
                    "activity_type_id": template.activity_type_id.id,
                    "summary": template.summary,
                    "note": template.note,
                    "user_id": responsible.id,
                    "date_deadline": deadline,
                    "automated": True,
                }
            )
            lines.append(
                self.env._(
                    "%(activity)s, assigned to %(name)s, due on %(deadline)s",
                    activity=template.summary or template.activity_type_id.name,
                    name=responsible.name,
                    deadline=format_date(self.env, deadline),
                )
            )
        return vals_list, errors, lines

    def action_retail_log_followup(self):
        """Log the outcome of a follow-up and schedule the next one."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_followup_log"
        )
        action["context"] = {"default_partner_id": self.id}
        return action
