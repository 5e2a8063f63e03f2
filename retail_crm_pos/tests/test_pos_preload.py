# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import RetailPosCommon


@tagged("post_install", "-at_install")
class TestRetailPosPreload(RetailPosCommon):
    def _preload(self, limit):
        self.env["ir.config_parameter"].set_param(
            "point_of_sale.limited_customer_count", limit
        )
        return [row[0] for row in self.config.get_limited_partners_loading()]

    def _full_sort(self, limit):
        """Every member of the store sorted: what the preload must return."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.id FROM res_partner p
              LEFT JOIN retail_member_stats s ON s.partner_id = p.id
             WHERE p.retail_store_id = %s AND p.is_retail_member AND p.active
             ORDER BY s.last_purchase_date DESC NULLS LAST, p.id DESC
             LIMIT %s
            """,
            [self.store1.id, limit],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def test_preload_recent_buyers_then_other_members(self):
        new = self._new_member
        recent_a = new("Zhao Yi", "138 0013 8101", self.store1)
        recent_b = new("Zhao Er", "138 0013 8102", self.store1)
        no_date = new("Zhao San", "138 0013 8103", self.store1)
        no_stats = new("Zhao Si", "138 0013 8104", self.store1)
        archived = new("Zhao Wu", "138 0013 8105", self.store1)
        archived.active = False
        Stats = self.env["retail.member.stats"].sudo()
        Stats.create(
            [
                {"partner_id": self.member1.id, "last_purchase_date": "2026-01-10"},
                # same day: the higher id first
                {"partner_id": recent_a.id, "last_purchase_date": "2026-03-10"},
                {"partner_id": recent_b.id, "last_purchase_date": "2026-03-10"},
                # a statistics row without purchase date is no buyer
                {"partner_id": no_date.id, "order_count": 0},
                # more recent, but archived / of another store: never loaded
                {"partner_id": archived.id, "last_purchase_date": "2026-05-01"},
                {"partner_id": self.member2.id, "last_purchase_date": "2026-06-01"},
            ]
        )
        expected = [
            recent_b.id,
            recent_a.id,
            self.member1.id,
            # the store's other members, most recent first
            no_stats.id,
            no_date.id,
            self.member1b.id,
        ]
        self.assertEqual(self._full_sort(10), expected)
        for limit in range(1, 9):
            # the buyers alone, buyers completed with others, every member
            self.assertEqual(self._preload(limit), expected[:limit], limit)

    def test_preload_store_without_buyers(self):
        """No purchase in the store yet: its members, most recent first."""
        expected = [self.member1b.id, self.member1.id]
        self.assertEqual(self._full_sort(5), expected)
        self.assertEqual(self._preload(5), expected)
