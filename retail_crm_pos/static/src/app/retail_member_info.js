/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component} from "@odoo/owl";
import {usePos} from "@point_of_sale/app/store/pos_hook";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {formatFloat} from "@web/core/utils/numbers";

/**
 * What the cashier needs to know about a member: tier badge (tier color),
 * member code, points and stored-value balances, top tags, last visit, birthday this month, marketing
 * consent, home store when it is not this till's store.
 */
export class RetailMemberInfo extends Component {
    static template = "retail_crm_pos.RetailMemberInfo";
    static props = {
        partner: Object,
        compact: {type: Boolean, optional: true},
    };

    setup() {
        this.pos = usePos();
    }

    get partner() {
        return this.props.partner;
    }

    get lastVisit() {
        const value = this.partner.retail_last_purchase_date;
        return value ? formatDate(deserializeDate(value)) : "";
    }

    /** The member's cards loaded by pos_loyalty (kept up to date by it). */
    cards(predicate) {
        const cards = this.pos.models["loyalty.card"];
        if (!cards) {
            return [];
        }
        return cards.filter(
            (card) =>
                card.id > 0 &&
                card.partner_id?.id === this.partner.id &&
                predicate(card.program_id)
        );
    }

    get points() {
        const [card] = this.cards((program) => program?.retail_chain_program);
        return card ? card.points : this.partner.retail_pos_points || 0;
    }

    get ewallet() {
        const cards = this.cards((program) => program?.program_type === "ewallet");
        return cards.length
            ? cards.reduce((total, card) => total + card.points, 0)
            : this.partner.retail_pos_ewallet || 0;
    }

    get pointsText() {
        return _t("%(points)s points", {
            points: formatFloat(this.points, {digits: [69, 2]}),
        });
    }

    get ewalletText() {
        return this.env.utils.formatCurrency(this.ewallet);
    }

    get otherStore() {
        const storeId = this.pos.config.raw?.retail_store_id;
        const home = this.partner.retail_pos_store_ref;
        return storeId && home && home !== storeId
            ? this.partner.retail_pos_store_name
            : "";
    }
}
