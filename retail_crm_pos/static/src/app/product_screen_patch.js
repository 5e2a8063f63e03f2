/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {patch} from "@web/core/utils/patch";
import {_t} from "@web/core/l10n/translation";
import {ProductScreen} from "@point_of_sale/app/screens/product_screen/product_screen";
import {useBarcodeReader} from "@point_of_sale/app/barcode/barcode_reader_hook";

patch(ProductScreen.prototype, {
    setup() {
        super.setup(...arguments);
        useBarcodeReader({retail_member: this._retailMemberCardAction});
    },
    /** A scanned member card selects the member (preloaded or on the server). */
    async _retailMemberCardAction(code) {
        const value = (code.code || "").toUpperCase();
        let partner = this.pos.models["res.partner"].find(
            (p) => p.retail_member_code === value
        );
        if (!partner) {
            try {
                const found = await this.pos.retailSearchMembers(value);
                partner = found.find((p) => p.retail_member_code === value);
            } catch {
                this.notification.add(
                    _t("No connection: the member card %(code)s cannot be checked.", {
                        code: value,
                    }),
                    {type: "warning"}
                );
                return;
            }
        }
        if (!partner) {
            this.notification.add(
                _t("%(code)s is not the card of a member of this chain.", {
                    code: value,
                }),
                {type: "danger", title: _t("Unknown member card")}
            );
            return;
        }
        if (this.currentOrder.get_partner() !== partner) {
            this.currentOrder.set_partner(partner);
        }
    },
});
