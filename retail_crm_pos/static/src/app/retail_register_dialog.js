/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {_t} from "@web/core/l10n/translation";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";
import {usePos} from "@point_of_sale/app/store/pos_hook";
import {uuidv4} from "@point_of_sale/utils";
import {RetailMemberInfo} from "./retail_member_info";

/**
 * Quick registration of a member at the till. The server checks the mobile
 * first: an existing member is offered instead of a duplicate. Offline, the
 * registration is kept on the current order and registered when it syncs.
 */
export class RetailRegisterDialog extends Component {
    static template = "retail_crm_pos.RetailRegisterDialog";
    static components = {Dialog, RetailMemberInfo};
    static props = {
        initialQuery: {type: String, optional: true},
        onSelect: Function,
        onOffline: {type: Function, optional: true},
        close: Function,
    };

    setup() {
        this.pos = usePos();
        const query = (this.props.initialQuery || "").trim();
        const isPhone = /^[+\d\s\-()]+$/.test(query);
        this.state = useState({
            name: isPhone ? "" : query,
            mobile: isPhone ? query : "",
            birthday: "",
            consent: false,
            referral: "",
            error: "",
            info: "",
            existing: null,
            busy: false,
        });
        // the same key for every attempt of this registration: the server
        // returns the member created by the first one
        this.uuid = uuidv4();
    }

    get values() {
        return {
            uuid: this.uuid,
            name: this.state.name.trim(),
            mobile: this.state.mobile.trim(),
            birthday: this.state.birthday || false,
            consent: this.state.consent,
            referral_code: this.state.referral.trim(),
        };
    }

    async confirm() {
        const values = this.values;
        this.state.error = "";
        this.state.existing = null;
        if (!values.name) {
            this.state.error = _t("Enter the name of the new member.");
            return;
        }
        if (!values.mobile) {
            this.state.error = _t(
                "The mobile number is required to register a member."
            );
            return;
        }
        this.state.busy = true;
        try {
            const result = await this.pos.data.call(
                "res.partner",
                "retail_pos_register",
                [values, this.pos.config.id]
            );
            const [partner] = await this.pos.retailLoadPartners([result.partner]);
            if (result.status === "existing") {
                this.state.existing = partner;
                return;
            }
            this.select(partner);
        } catch (error) {
            if (error instanceof ConnectionLostError) {
                this.keepOffline(values);
            } else if (error instanceof RPCError) {
                this.state.error = error.data?.message || error.message;
            } else {
                throw error;
            }
        } finally {
            this.state.busy = false;
        }
    }

    /** No network: the registration travels with the current order. */
    keepOffline(values) {
        const order = this.pos.get_order();
        if (!order) {
            this.state.error = _t("No connection and no open order: try again later.");
            return;
        }
        order.retail_pos_registration = JSON.stringify(values);
        this.pos.notification.add(
            _t(
                "No connection: %(name)s will be registered when this order is synchronized.",
                {name: values.name}
            ),
            {type: "warning"}
        );
        this.props.close();
        this.props.onOffline?.();
    }

    select(partner) {
        this.props.onSelect(partner);
        this.props.close();
    }
}
