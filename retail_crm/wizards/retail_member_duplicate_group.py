# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.res_partner_import import PARTNER_MERGE
from .retail_member_duplicate import CRITERIA

_logger = logging.getLogger(__name__)

# base.partner.merge.automatic.wizard merges at most 3 partners at a time.
MERGE_CHUNK = 2


class RetailMemberDuplicateGroup(models.TransientModel):
    _name = "retail.member.duplicate.group"
    _description = "Duplicate Members Group"
    _order = "criterion, id"

    wizard_id = fields.Many2one(
        "retail.member.duplicate", required=True, ondelete="cascade"
    )
    criterion = fields.Selection(CRITERIA, readonly=True)
    key = fields.Char(string="Shared Value", readonly=True)
    member_ids = fields.Many2many(
        "res.partner",
        "retail_member_duplicate_group_partner_rel",
        "group_id",
        "partner_id",
        string="Members",
        context={"active_test": False},
    )
    member_count = fields.Integer(compute="_compute_member_count")
    master_id = fields.Many2one(
        "res.partner",
        string="Keep",
        domain="[('id', 'in', member_ids)]",
        help="The member that is kept; the others are merged into it.",
    )
    state = fields.Selection(
        [("todo", "To Merge"), ("merged", "Merged"), ("ignored", "Ignored")],
        default="todo",
        required=True,
    )

    def _compute_member_count(self):
        for group in self:
            group.member_count = len(group.member_ids)

    def action_merge(self):
        for group in self:
            group._merge()
        return self.wizard_id[:1]._reopen() if self.wizard_id else True

    def action_ignore(self):
        self.state = "ignored"
        return self.wizard_id[:1]._reopen() if self.wizard_id else True

    def _merge(self):
        """Merge the members of the group into the master.

        Uses Odoo's own partner merge, so orders, activities, messages and
        every other reference follow the master. Returns the number of
        members merged away.
        """
        self.ensure_one()
        self.wizard_id._check_hq()
        master = self.master_id
        sources = (self.member_ids - master).exists()
        if not master or not master.exists():
            raise UserError(self.env._("Choose the member to keep."))
        if not sources:
            self.state = "merged"
            return 0
        description = [
            f"{m.name} ({m.retail_member_code or m.id}, {m.retail_mobile or '-'})"
            for m in sources
        ]
        merge = self.env["base.partner.merge.automatic.wizard"].with_context(
            retail_partner_merge=PARTNER_MERGE
        )
        source_ids = sources.ids
        for start in range(0, len(source_ids), MERGE_CHUNK):
            chunk = source_ids[start : start + MERGE_CHUNK]
            # extra_checks=False: HQ reviewed the group; members of the
            # same person often have different or missing emails.
            merge._merge(chunk + [master.id], master, extra_checks=False)
        master._retail_refresh_purchase_stats()
        criterion = dict(self._fields["criterion"]._description_selection(self.env))
        master.message_post(
            body=Markup("%s<ul>%s</ul>")
            % (
                self.env._(
                    "Duplicate members merged into this member (same %(criterion)s: "
                    "%(key)s) by %(user)s:",
                    criterion=criterion.get(self.criterion, self.criterion),
                    key=self.key,
                    user=self.env.user.name,
                ),
                Markup("").join(Markup("<li>%s</li>") % d for d in description),
            ),
            subtype_xmlid="mail.mt_note",
        )
        _logger.info(
            "Retail: user %s merged members %s into %s",
            self.env.uid,
            source_ids,
            master.id,
        )
        self.state = "merged"
        return len(source_ids)
