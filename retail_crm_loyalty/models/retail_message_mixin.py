# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What automations and campaigns share: the message, its channels, the
coupon and the holdout share, their checks, and the send by language."""

from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.messaging import MESSAGE_KINDS


class RetailMessageMixin(models.AbstractModel):
    """Shared settings; the models define ``name``, ``body`` and
    ``holdout_percent`` themselves (their help and limits differ)."""

    _name = "retail.message.mixin"
    _description = "Member Message Settings"

    message_kind = fields.Selection(
        MESSAGE_KINDS,
        required=True,
        default="marketing",
        help="Marketing needs the member's consent and counts in the contact "
        "cap and quiet hours; service messages do not.",
    )
    channel_sequence = fields.Char(
        string="Channels",
        required=True,
        default="sms,email",
        help="Channel codes in order of preference, separated by commas "
        "(email, sms, and the channels of installed addons): the first where "
        "the member has an address is used.",
    )
    subject = fields.Char(translate=True)
    coupon_program_id = fields.Many2one(
        "loyalty.program",
        domain="[('program_type', '=', 'coupons')]",
        help="One coupon of this program is issued to each contacted member.",
    )
    coupon_validity_days = fields.Integer(string="Coupon Valid (days)", default=30)

    def _retail_channels(self):
        self.ensure_one()
        return [
            c.strip() for c in (self.channel_sequence or "").split(",") if c.strip()
        ]

    def _retail_check_message(self, extra_placeholders=()):
        """Raise a ValidationError on a bad coupon program, channel list or
        template (unknown placeholders)."""
        self.ensure_one()
        if self.coupon_program_id and self.coupon_program_id.program_type != "coupons":
            raise ValidationError(
                self.env._(
                    "%(name)s: the coupon program must be of type Coupons.",
                    name=self.name,
                )
            )
        Touch = self.env["retail.touch"]
        try:
            Touch._retail_check_channels(self._retail_channels())
            Touch._retail_check_template([self.subject, self.body], extra_placeholders)
        except UserError as err:
            raise ValidationError(
                self.env._("%(name)s: %(error)s", name=self.name, error=err.args[0])
            ) from err

    def _retail_send_by_lang(self, partners, automation, period_keys, **kwargs):
        """Send this record's message to ``partners`` (grouped by language,
        the subject and body in each) through ``retail.touch._retail_send``;
        ``period_keys``: {partner id: key}; ``values_by_partner`` and other
        keyword arguments are passed on. Returns the touches."""
        self.ensure_one()
        Touch = self.env["retail.touch"].sudo()
        touches = Touch.browse()
        values = kwargs.pop("values_by_partner", None) or {}
        by_lang = defaultdict(list)
        for partner in partners:
            by_lang[partner.lang or "en_US"].append(partner.id)
        for lang, ids in by_lang.items():
            record = self.with_context(lang=lang)
            touches |= Touch._retail_send(
                partners.browse(ids),
                automation,
                self.message_kind,
                self._retail_channels(),
                record.subject or "",
                record.body or "",
                values_by_partner={pid: values.get(pid, {}) for pid in ids},
                period_key={pid: period_keys[pid] for pid in ids},
                coupon_program=self.coupon_program_id,
                coupon_validity_days=self.coupon_validity_days,
                holdout_percent=self.holdout_percent,
                res_model=self._name,
                res_id=self.id,
                **kwargs,
            )
        return touches
