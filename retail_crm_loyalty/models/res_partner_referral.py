# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from datetime import datetime, time
from urllib.parse import urlencode

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.loyalty_rules import (
    normalize_referral_code,
    referral_code,
    referral_code_number,
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_referral_code = fields.Char(
        string="Referral Code",
        compute="_compute_retail_referral_code",
        search="_search_retail_referral_code",
        help="Given by the member to friends: a new member registering with "
        "it brings a reward to both when their first order is paid.",
    )
    retail_referral_link = fields.Char(
        string="Share Link", compute="_compute_retail_referral_link"
    )
    retail_referral_qr_url = fields.Char(
        string="Share QR Code",
        compute="_compute_retail_referral_link",
        help="QR code of the share link, to show on a phone or print.",
    )
    retail_referral_code_used = fields.Char(
        string="Referred with Code",
        compute="_compute_retail_referral_code_used",
        inverse="_inverse_retail_referral_code_used",
        help="The referral code given by the new member when registering.",
    )
    retail_referred_by_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        compute="_compute_retail_referral_code_used",
    )
    retail_referral_ids = fields.One2many(
        "retail.referral", "referrer_id", string="Referrals", readonly=True
    )
    retail_referral_count = fields.Integer(
        string="Referred Members", compute="_compute_retail_referral_count"
    )

    def _compute_retail_referral_code(self):
        # derived from the id: unique without storage, readable without a
        # lookup table (see tools.loyalty_rules.referral_code)
        for partner in self:
            partner_id = partner._origin.id
            partner.retail_referral_code = (
                referral_code(partner_id)
                if partner.is_retail_member and partner_id
                else False
            )

    def _search_retail_referral_code(self, operator, value):
        if operator != "=":
            raise UserError(self.env._("Search a referral code with '=' only."))
        number = referral_code_number(value)
        if not number:
            return expression.FALSE_DOMAIN
        return [("id", "=", number), ("is_retail_member", "=", True)]

    @api.depends("is_retail_member")
    def _compute_retail_referral_link(self):
        template = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(
                "retail_crm_loyalty.referral_link",
                "{base_url}/web/signup?retail_referral_code={code}",
            )
        )
        base_url = self.get_base_url() if self else ""
        for partner in self:
            code = partner.retail_referral_code
            link = template.format(base_url=base_url, code=code) if code else False
            partner.retail_referral_link = link
            partner.retail_referral_qr_url = link and "/report/barcode/?" + urlencode(
                {"barcode_type": "QR", "value": link, "width": 200, "height": 200}
            )

    def _compute_retail_referral_code_used(self):
        # sudo: the referral chain is shown on the member; the referrer may
        # belong to another store.
        referrals = (
            self.env["retail.referral"]
            .sudo()
            .search([("referee_id", "in", self.ids)])
            .grouped("referee_id")
        )
        for partner in self:
            referral = referrals.get(partner.sudo(), self.env["retail.referral"])[:1]
            partner.retail_referral_code_used = referral.code
            partner.retail_referred_by_id = referral.referrer_id.with_env(self.env)

    def _inverse_retail_referral_code_used(self):
        for partner in self:
            if partner.retail_referral_code_used:
                partner._retail_apply_referral_code(partner.retail_referral_code_used)

    def _compute_retail_referral_count(self):
        counts = dict(
            self.env["retail.referral"]
            .sudo()
            ._read_group(
                [("referrer_id", "in", self.ids)], ["referrer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.retail_referral_count = counts.get(partner.sudo(), 0)

    @api.model
    def _retail_local_midnight_utc(self, company, day):
        """UTC datetime (naive) of local midnight of ``day`` for ``company``."""
        tz = pytz.timezone(company.retail_timezone or "Asia/Shanghai")
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _retail_apply_referral_code(self, code):
        """Register that this new member came with the referral ``code``.

        The one entry point of every channel (member form, create vals via
        ``retail_referral_code_used``, POS, WeCom). Raises a translated
        :class:`UserError` for a bad code: unknown or mistyped code, the
        member's own code, a member already referred or who already ordered,
        the referrer's own mobile or WeChat unionid, a mobile or unionid
        that was already referred once. Returns the ``retail.referral``.
        """
        self.ensure_one()
        normalized = normalize_referral_code(code)
        if not normalized:
            raise UserError(
                self.env._("%(code)s is not a valid referral code.", code=code)
            )
        # sudo: the referrer is usually a member of another store.
        Referral = self.env["retail.referral"].sudo()
        member = self.sudo()
        referrer = member.search(
            [
                ("retail_referral_code", "=", normalized),
                ("is_retail_member", "=", True),
                ("company_id", "=", member.company_id.id),
            ],
            limit=1,
        )
        if not referrer:
            raise UserError(
                self.env._("No member has the referral code %(code)s.", code=normalized)
            )
        if not member.is_retail_member:
            raise UserError(
                self.env._("Only members can register with a referral code.")
            )
        if referrer == member:
            raise UserError(self.env._("A member cannot use their own referral code."))
        if Referral.search_count([("referee_id", "=", member.id)]):
            raise UserError(
                self.env._(
                    "%(name)s was already referred by a member.", name=member.name
                )
            )
        if member.retail_order_count:
            raise UserError(
                self.env._(
                    "%(name)s already ordered: referral codes are for new "
                    "members only.",
                    name=member.name,
                )
            )
        mobile, unionid = member.retail_mobile, member.retail_wechat_unionid
        if (mobile and mobile == referrer.retail_mobile) or (
            unionid and unionid == referrer.retail_wechat_unionid
        ):
            raise UserError(
                self.env._(
                    "The new member has the same mobile or WeChat account as "
                    "the referrer: a member cannot refer themselves."
                )
            )
        same_person = []
        if mobile:
            same_person.append([("mobile", "=", mobile)])
        if unionid:
            same_person.append([("unionid", "=", unionid)])
        if same_person and Referral.search_count(
            expression.AND(
                [
                    [("company_id", "=", member.company_id.id)],
                    expression.OR(same_person),
                ]
            )
        ):
            raise UserError(
                self.env._(
                    "This mobile number or WeChat account was already referred "
                    "once: a referral counts only once per person."
                )
            )
        return Referral.create(
            {
                "referrer_id": referrer.id,
                "referee_id": member.id,
                "company_id": member.company_id.id,
                "code": normalized,
                "mobile": mobile,
                "unionid": unionid,
            }
        )

    def _retail_on_purchase_stats_changed(self):
        res = super()._retail_on_purchase_stats_changed()
        buyers = self.filtered(lambda p: p.retail_order_count > 0)
        if buyers:
            # sudo: the reward follows the referee's first order, whoever
            # confirms it.
            pending = (
                self.env["retail.referral"]
                .sudo()
                .search([("referee_id", "in", buyers.ids), ("state", "=", "pending")])
            )
            pending._retail_reward()
        return res

    def action_retail_open_referrals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Referrals of %(name)s", name=self.name),
            "res_model": "retail.referral",
            "view_mode": "list,form",
            "domain": [("referrer_id", "=", self.id)],
        }
