/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {patch} from "@web/core/utils/patch";
import {PosStore} from "@point_of_sale/app/store/pos_store";
import {ResPartner} from "@point_of_sale/app/models/res_partner";

patch(ResPartner.prototype, {
    get searchString() {
        const code = this.retail_member_code || "";
        return code
            ? `${super.searchString} ${code.toLowerCase()}`
            : super.searchString;
    },
    exactMatch(searchWord) {
        const code = (this.retail_member_code || "").toLowerCase();
        return (code && code === searchWord) || super.exactMatch(searchWord);
    },
});

patch(PosStore.prototype, {
    /** Load members returned by the server (POS data) into the session. */
    async retailLoadPartners(records) {
        if (!records?.length) {
            return [];
        }
        const data = await this.data.missingRecursive({"res.partner": records});
        const loaded = this.models.loadData(data, [], false);
        return loaded["res.partner"] || [];
    },
    /** Members of the chain matching ``query``, fetched from the server. */
    async retailSearchMembers(query) {
        const records = await this.data.call("res.partner", "retail_pos_search", [
            query,
            this.config.id,
        ]);
        return this.retailLoadPartners(records);
    },
});
