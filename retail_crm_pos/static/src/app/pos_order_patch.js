/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {patch} from "@web/core/utils/patch";
import {PosOrder} from "@point_of_sale/app/models/pos_order";

/** Points added on top of ``base`` by a tier ``multiplier`` (2 decimals),
 * as retail_crm_loyalty's tier_bonus. */
export function retailTierBonus(base, multiplier) {
    return Math.round(base * ((multiplier || 1) - 1) * 100) / 100;
}

patch(PosOrder.prototype, {
    /**
     * Chain points this order earns the member: the points of the chain
     * program computed by pos_loyalty, with the tier multiplier (the bonus
     * is added by the server when the order is confirmed).
     * ``null`` without a member or chain program.
     */
    retailPointsToEarn() {
        const partner = this.get_partner();
        if (!partner?.is_retail_member || !this.getLoyaltyPoints) {
            return null;
        }
        const stat = this.getLoyaltyPoints().find(
            (s) => s.program?.retail_chain_program
        );
        if (!stat) {
            return null;
        }
        const multiplier = partner.retail_pos_points_multiplier || 1;
        const base = stat.points.won || 0;
        const earned =
            Math.round((base + retailTierBonus(base, multiplier)) * 100) / 100;
        return {
            base,
            multiplier,
            earned,
            spent: stat.points.spent || 0,
            balance: stat.points.balance || 0,
            total: Math.round((stat.points.total + earned - base) * 100) / 100,
        };
    },
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        const partner = this.get_partner();
        if (partner?.is_retail_member) {
            const points = this.retailPointsToEarn();
            result.retailMember = {
                code: partner.retail_member_code,
                tier: partner.retail_pos_tier_name || "",
                multiplier: points ? points.multiplier : 1,
                earned: points ? points.earned : 0,
                // the card's balance once the order is confirmed (bonus included)
                balance: points ? points.balance : partner.retail_pos_points || 0,
            };
        }
        return result;
    },
});
