# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_service_request_ids = fields.One2many(
        "retail.service.request",
        "partner_id",
        string="Open Service Requests",
        domain=[("state", "!=", "closed")],
    )
    retail_service_open_count = fields.Integer(
        string="Open Requests", compute="_compute_retail_service_stats"
    )
    retail_service_avg_response_hours = fields.Float(
        string="Average Response (hours)",
        compute="_compute_retail_service_stats",
        digits=(16, 1),
        help="Average time to the first response over the member's requests.",
    )

    def _compute_retail_service_stats(self):
        Request = self.env["retail.service.request"]
        ids = [pid for pid in self.ids if pid]
        open_counts = dict(
            Request._read_group(
                [("partner_id", "in", ids), ("state", "!=", "closed")],
                ["partner_id"],
                ["__count"],
            )
        )
        averages = dict(
            Request._read_group(
                [("partner_id", "in", ids), ("response_date", "!=", False)],
                ["partner_id"],
                ["response_hours:avg"],
            )
        )
        for partner in self:
            partner.retail_service_open_count = open_counts.get(partner, 0)
            partner.retail_service_avg_response_hours = averages.get(partner, 0.0)

    def action_retail_service_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_service_request"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_open": 1,
        }
        return action
