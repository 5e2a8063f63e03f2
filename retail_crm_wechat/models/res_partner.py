# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_wecom_external_userid = fields.Char(
        string="WeCom External User ID",
        index=True,
        copy=False,
        help="The customer's id in the company's WeCom (external_userid).",
    )
    retail_wecom_follow_userid = fields.Char(
        string="WeCom Associate ID",
        copy=False,
        help="WeCom user id of the associate the customer added.",
    )
    retail_wecom_status = fields.Selection(
        [
            ("active", "Connected"),
            ("deleted_by_customer", "Deleted by the customer"),
            ("deleted_by_staff", "Deleted by the associate"),
        ],
        string="WeCom Contact",
        copy=False,
        tracking=True,
    )
    retail_wecom_contact_way_id = fields.Many2one(
        "retail.wecom.contact.way",
        string="WeCom QR Code",
        copy=False,
        ondelete="set null",
    )
    retail_oa_openid = fields.Char(
        string="Official Account OpenID", index=True, copy=False
    )
    retail_mp_openid = fields.Char(string="Mini-program OpenID", index=True, copy=False)
    retail_oa_status = fields.Selection(
        [("subscribed", "Following"), ("unsubscribed", "Unfollowed")],
        string="Official Account",
        copy=False,
        help="Whether the member still follows the Official Account: template "
        "messages reach followers only.",
    )

    def write(self, vals):
        if "category_id" not in vals or self.env.context.get("retail_wecom_no_push"):
            return super().write(vals)
        linked = self.filtered(
            lambda p: (
                p.retail_wecom_external_userid and p.retail_wecom_status == "active"
            )
        )
        before = {p: p.category_id.filtered("retail_wecom_tag_id") for p in linked}
        res = super().write(vals)
        for partner, old in before.items():
            new = partner.category_id.filtered("retail_wecom_tag_id")
            added = (new - old).mapped("retail_wecom_tag_id")
            removed = (old - new).mapped("retail_wecom_tag_id")
            if added or removed:
                partner.with_delay(
                    description=f"WeCom tags of member {partner.id}"
                )._retail_wecom_mark_tag(added, removed)
        return res

    def _retail_wecom_mark_tag(self, add_tag_ids, remove_tag_ids):
        """Push tag changes of a member to WeCom (job)."""
        self.ensure_one()
        if not (self.retail_wecom_external_userid and self.retail_wecom_follow_userid):
            return "not linked"
        self.env["retail.wechat.api"]._retail_call(
            self.company_id,
            "wecom_contact",
            "POST",
            "cgi-bin/externalcontact/mark_tag",
            payload={
                "userid": self.retail_wecom_follow_userid,
                "external_userid": self.retail_wecom_external_userid,
                "add_tag": list(add_tag_ids),
                "remove_tag": list(remove_tag_ids),
            },
        )
        return "ok"

    def _retail_wecom_transfer(self, handover_userid, takeover_userid):
        """Ask WeCom to transfer these customers to another associate (job)."""
        external_ids = self.mapped("retail_wecom_external_userid")
        if not external_ids:
            return "nothing to transfer"
        company = self.company_id[:1]
        data = self.env["retail.wechat.api"]._retail_call(
            company,
            "wecom_contact",
            "POST",
            "cgi-bin/externalcontact/transfer_customer",
            payload={
                "handover_userid": handover_userid,
                "takeover_userid": takeover_userid,
                "external_userid": external_ids,
            },
        )
        failed = {
            c.get("external_userid")
            for c in data.get("customer") or []
            if c.get("errcode")
        }
        done = self.filtered(lambda p: p.retail_wecom_external_userid not in failed)
        done.write({"retail_wecom_follow_userid": takeover_userid})
        if done:
            done._message_log_batch(
                bodies=dict.fromkeys(
                    done.ids,
                    self.env._(
                        "WeCom transfer to %(userid)s requested.",
                        userid=takeover_userid,
                    ),
                )
            )
        return f"{len(done)} transferred, {len(failed)} failed"
