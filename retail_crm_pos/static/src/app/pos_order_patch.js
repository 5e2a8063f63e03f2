/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {patch} from "@web/core/utils/patch";
import {PosOrder} from "@point_of_sale/app/models/pos_order";

patch(PosOrder.prototype, {
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        const partner = this.get_partner();
        if (partner?.is_retail_member) {
            result.retailMember = {
                code: partner.retail_member_code,
                tier: partner.retail_pos_tier_name || "",
            };
        }
        return result;
    },
});
