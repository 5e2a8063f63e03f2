# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    retail_wecom_group_id = fields.Char(
        string="WeCom Tag Group ID",
        copy=False,
        index=True,
        help="On a parent tag: the WeCom corp tag group it is synchronised with.",
    )
    retail_wecom_tag_id = fields.Char(
        string="WeCom Tag ID",
        copy=False,
        index=True,
        help="On a child tag: the WeCom corp tag it is synchronised with.",
    )
    retail_wecom_sync = fields.Boolean(
        string="Sync with WeCom",
        help="On a parent tag: create it and its child tags in WeCom as a corp "
        "tag group at the next tag synchronisation.",
    )

    @api.model
    def _retail_wecom_sync_tags(self, company):
        """Synchronise the corp tags of WeCom with parent/child tags (job).

        Pull: each WeCom tag group is a parent tag, each of its tags a child.
        Push: new child tags of a synchronised parent, and parents marked
        "Sync with WeCom" that have no group yet, are created in WeCom.
        """
        Api = self.env["retail.wechat.api"]
        data = Api._retail_call(
            company,
            "wecom_contact",
            "POST",
            "cgi-bin/externalcontact/get_corp_tag_list",
            payload={},
        )
        for group in data.get("tag_group") or []:
            if group.get("deleted"):
                continue
            self._retail_wecom_pull_group(group)
        parents = self.search(
            [
                "|",
                ("retail_wecom_group_id", "!=", False),
                ("retail_wecom_sync", "=", True),
            ]
        )
        for parent in parents:
            new_tags = parent.child_ids.filtered(lambda c: not c.retail_wecom_tag_id)
            if not new_tags:
                continue
            payload = {"tag": [{"name": t.name[:30]} for t in new_tags]}
            if parent.retail_wecom_group_id:
                payload["group_id"] = parent.retail_wecom_group_id
            else:
                payload["group_name"] = parent.name[:30]
            group = Api._retail_call(
                company,
                "wecom_contact",
                "POST",
                "cgi-bin/externalcontact/add_corp_tag",
                payload=payload,
                idempotent=False,
            ).get("tag_group", {})
            self._retail_wecom_pull_group(group, parent=parent)
        return "ok"

    @api.model
    def _retail_wecom_pull_group(self, group, parent=None):
        parent = parent or self.search(
            [("retail_wecom_group_id", "=", group.get("group_id"))], limit=1
        )
        if not parent:
            parent = self.search(
                [
                    ("name", "=", group.get("group_name")),
                    ("parent_id", "=", False),
                    ("retail_wecom_group_id", "=", False),
                ],
                limit=1,
            ) or self.create({"name": group.get("group_name")})
        parent.write({"retail_wecom_group_id": group.get("group_id")})
        for tag in group.get("tag") or []:
            if tag.get("deleted"):
                continue
            child = self.search([("retail_wecom_tag_id", "=", tag["id"])], limit=1)
            if not child:
                child = self.search(
                    [
                        ("parent_id", "=", parent.id),
                        ("name", "=", tag.get("name")),
                        ("retail_wecom_tag_id", "=", False),
                    ],
                    limit=1,
                ) or self.create({"name": tag.get("name"), "parent_id": parent.id})
                child.retail_wecom_tag_id = tag["id"]
        return parent

    @api.model
    def action_retail_wecom_sync_tags(self):
        """Button: queue the tag synchronisation of the current company."""
        self.with_delay(
            description="WeCom tag synchronisation"
        )._retail_wecom_sync_tags(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("The WeCom tag synchronisation is queued."),
                "type": "success",
            },
        }
