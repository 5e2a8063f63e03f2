/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {patch} from "@web/core/utils/patch";
import {useEffect} from "@odoo/owl";
import {PartnerList} from "@point_of_sale/app/screens/partner_list/partner_list";
import {RetailRegisterDialog} from "./retail_register_dialog";

// Delay after the last keystroke before the server is asked.
const SERVER_SEARCH_DELAY = 250;

patch(PartnerList.prototype, {
    setup() {
        super.setup(...arguments);
        Object.assign(this.state, {retailServerIds: [], retailSearching: false});
        this.retailSearchToken = 0;
        useEffect(
            (query) => {
                const token = ++this.retailSearchToken;
                this.state.retailServerIds = [];
                if (!query || query.trim().length < 2) {
                    return;
                }
                const timer = setTimeout(
                    () => this.retailServerSearch(query, token),
                    SERVER_SEARCH_DELAY
                );
                return () => clearTimeout(timer);
            },
            () => [this.state.query]
        );
    },
    /** Members not preloaded are found on the server within the same search. */
    async retailServerSearch(query, token) {
        this.state.retailSearching = true;
        try {
            const partners = await this.pos.retailSearchMembers(query.trim());
            if (token === this.retailSearchToken) {
                this.state.retailServerIds = partners.map((p) => p.id);
            }
        } catch {
            // offline: the preloaded members are still searched locally
        } finally {
            if (token === this.retailSearchToken) {
                this.state.retailSearching = false;
            }
        }
    },
    getPartners() {
        const partners = super.getPartners(...arguments);
        if (!this.state.query || !this.state.retailServerIds.length) {
            return partners;
        }
        const shown = new Set(partners.map((p) => p.id));
        const extra = this.state.retailServerIds
            .filter((id) => !shown.has(id))
            .map((id) => this.pos.models["res.partner"].get(id))
            .filter(Boolean);
        return [...extra, ...partners];
    },
    retailRegister() {
        this.dialog.add(RetailRegisterDialog, {
            initialQuery: this.state.query || "",
            onSelect: (partner) => this.clickPartner(partner),
            onOffline: () => this.props.close(),
        });
    },
});
