# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import AccessError

from ..tools.member_rows import propose_master

CRITERIA = [
    ("mobile", "Mobile"),
    ("member_code", "Member Code"),
    ("unionid", "WeChat UnionID"),
    ("name_birthday", "Name and Birthday"),
]
# criterion -> fields grouped on
CRITERIA_FIELDS = {
    "mobile": ["retail_mobile"],
    "member_code": ["retail_member_code"],
    "unionid": ["retail_wechat_unionid"],
    "name_birthday": ["name", "retail_birthday"],
}
# how each field is grouped on in _read_group
GROUPBY = {"retail_birthday": "retail_birthday:day"}


class RetailMemberDuplicate(models.TransientModel):
    """HQ tool: find members that are the same person, merge them."""

    _name = "retail.member.duplicate"
    _description = "Find Duplicate Members"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    by_mobile = fields.Boolean(string="Same Mobile", default=True)
    by_member_code = fields.Boolean(string="Same Member Code", default=True)
    by_unionid = fields.Boolean(string="Same WeChat UnionID", default=True)
    by_name_birthday = fields.Boolean(string="Same Name and Birthday", default=True)
    include_archived = fields.Boolean(
        help="Also match archived members (mobiles and codes are only "
        "unique among active members)."
    )
    max_groups = fields.Integer(default=200, help="Per criterion.")
    group_ids = fields.One2many(
        "retail.member.duplicate.group", "wizard_id", string="Groups"
    )
    group_count = fields.Integer(compute="_compute_group_count")
    merged_count = fields.Integer(readonly=True)

    def _compute_group_count(self):
        for wizard in self:
            wizard.group_count = len(wizard.group_ids)

    def _check_hq(self):
        if self.env.user._retail_role() != "hq":
            raise AccessError(self.env._("Only HQ can merge members."))

    def action_search(self):
        """Group members by each chosen criterion (one _read_group each)."""
        self.ensure_one()
        self._check_hq()
        Partner = self.env["res.partner"].with_context(
            active_test=not self.include_archived
        )
        seen = set()
        commands = [Command.clear()]
        for criterion, __ in CRITERIA:
            if not self[f"by_{criterion}"]:
                continue
            fnames = CRITERIA_FIELDS[criterion]
            domain = [
                ("is_retail_member", "=", True),
                ("company_id", "=", self.company_id.id),
            ] + [(f, "!=", False) for f in fnames]
            groups = Partner._read_group(
                domain,
                [GROUPBY.get(f, f) for f in fnames],
                ["id:array_agg"],
                having=[("__count", ">", 1)],
                limit=self.max_groups or None,
            )
            for row in groups:
                keys, ids = row[:-1], row[-1]
                members = Partner.browse(ids)
                key = frozenset(ids)
                if key in seen:
                    continue
                seen.add(key)
                commands.append(
                    Command.create(
                        {
                            "criterion": criterion,
                            "key": " / ".join(
                                str(k.isoformat() if hasattr(k, "isoformat") else k)
                                for k in keys
                            ),
                            "member_ids": [Command.set(ids)],
                            "master_id": self._propose_master(members).id,
                        }
                    )
                )
        self.write({"group_ids": commands})
        return self._reopen()

    def _propose_master(self, members):
        """The member to keep: last purchase, last activity, completeness."""
        rows = self.env["mail.message"]._read_group(
            [("model", "=", "res.partner"), ("res_id", "in", members.ids)],
            ["res_id"],
            ["date:max"],
        )
        activity = dict(rows)
        candidates = [
            {
                "id": m.id,
                "last_purchase": m.retail_last_purchase_date,
                "last_activity": activity.get(m.id),
                "name": m.name,
                "mobile": m.mobile,
                "email": m.email,
                "birthday": m.retail_birthday,
                "gender": m.retail_gender,
                "unionid": m.retail_wechat_unionid,
                "user_id": m.user_id.id,
                "tags": m.category_id.ids,
            }
            for m in members
        ]
        return members.browse(propose_master(candidates)["id"])

    def action_merge_all(self):
        self.ensure_one()
        self._check_hq()
        merged = 0
        for group in self.group_ids.filtered(lambda g: g.state == "todo"):
            merged += group._merge()
        self.merged_count += merged
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Find Duplicate Members"),
        }
