/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {ConnectionLostError} from "@web/core/network/rpc";

function openPartnerList() {
    return [
        {
            content: "open the customer list",
            trigger: ".product-screen .set-partner",
            run: "click",
        },
        {
            content: "customer list is shown",
            trigger: ".modal .partner-list",
        },
    ];
}

function searchPartner(query) {
    return {
        content: `search customers with "${query}"`,
        trigger: ".modal-dialog .input-group input",
        run: `edit ${query}`,
    };
}

function memberLine(name, extra = "") {
    return {
        content: `member ${name} is listed ${extra}`,
        trigger: `.modal .partner-list .partner-info:contains("${name}") ${extra}`,
    };
}

function clickMember(name) {
    return {
        content: `select member ${name}`,
        trigger: `.modal .partner-list .partner-info:contains("${name}") b:contains("${name}")`,
        run: "click",
    };
}

function selectedMember(name, tier) {
    return {
        content: `${name} (${tier}) is the customer of the order`,
        trigger: `.product-screen .set-partner:contains("${name}") .o_retail_tier_badge:contains("${tier}")`,
    };
}

function fill(selector, value) {
    return {
        content: `fill ${selector}`,
        trigger: `.modal ${selector}`,
        run: `edit ${value}`,
    };
}

registry.category("web_tour.tours").add("RetailPosLookupTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            openPartnerList(),
            // preloaded member, typed with spaces
            searchPartner("138 0013 8000"),
            memberLine("Lin Yi", ".o_retail_tier_badge:contains('Basic')"),
            // member of another store: only on the server
            searchPartner("+86 139 0013 9000"),
            memberLine("Wang San", ".o_retail_other_store:contains('POS Store Two')"),
            clickMember("Wang San"),
            selectedMember("Wang San", "Basic"),
            // scan of a member card
            scan_barcode("M900000001"),
            selectedMember("Lin Yi", "Basic"),
            // scan of a code that is no member's card
            scan_barcode("M999999999"),
            {
                content: "clear message for an unknown member card",
                trigger:
                    ".o_notification:contains('M999999999 is not the card of a member')",
            },
            Chrome.endTour(),
        ].flat(),
});

registry.category("web_tour.tours").add("RetailPosRegisterTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            openPartnerList(),
            {
                content: "open the registration",
                trigger: ".modal .o_retail_register_button",
                run: "click",
            },
            fill(".o_retail_reg_name", "Zhao Liu"),
            fill(".o_retail_reg_mobile", "136 0013 6000"),
            {
                content: "tick the consent",
                trigger: ".modal .o_retail_reg_consent",
                run: "click",
            },
            // an unknown referral code: clear inline message, nothing created
            fill(".o_retail_reg_referral", "R2222"),
            {
                content: "register",
                trigger: ".modal .o_retail_reg_confirm",
                run: "click",
            },
            {
                content: "inline error for the referral code",
                trigger:
                    ".modal .o_retail_reg_error:contains('R2222 is not a valid referral code')",
            },
            {
                content: "type the referral code of Lin Yi",
                trigger: ".modal .o_retail_reg_referral",
                run: function () {
                    const linYi = window.posmodel.models["res.partner"].find(
                        (p) => p.name === "Lin Yi"
                    );
                    this.anchor.value = linYi.retail_referral_code;
                    this.anchor.dispatchEvent(new Event("input", {bubbles: true}));
                },
            },
            {
                content: "register again",
                trigger: ".modal .o_retail_reg_confirm",
                run: "click",
            },
            {
                content: "the new member (no purchase yet: no tier) is the customer",
                trigger:
                    ".product-screen .set-partner:contains('Zhao Liu') .o_retail_member_code:contains('M')",
            },
            // the mobile of an existing member: offered instead of a duplicate
            openPartnerList(),
            {
                content: "open the registration again",
                trigger: ".modal .o_retail_register_button",
                run: "click",
            },
            fill(".o_retail_reg_name", "Somebody Else"),
            fill(".o_retail_reg_mobile", "+86 13900139000"),
            {
                content: "register",
                trigger: ".modal .o_retail_reg_confirm",
                run: "click",
            },
            {
                content: "the existing member is offered",
                trigger: ".modal .o_retail_reg_existing:contains('Wang San')",
            },
            {
                content: "select the existing member",
                trigger: ".modal .o_retail_select_existing",
                run: "click",
            },
            selectedMember("Wang San", "Basic"),
            // bad input: a clear inline message
            openPartnerList(),
            {
                content: "open the registration a third time",
                trigger: ".modal .o_retail_register_button",
                run: "click",
            },
            fill(".o_retail_reg_name", "Bad Phone"),
            fill(".o_retail_reg_mobile", "12345"),
            {
                content: "register",
                trigger: ".modal .o_retail_reg_confirm",
                run: "click",
            },
            {
                content: "inline error",
                trigger:
                    ".modal .o_retail_reg_error:contains('12345 is not a valid phone number')",
            },
            Chrome.endTour(),
        ].flat(),
});

registry.category("web_tour.tours").add("RetailPosOrderTierTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode("M900000001"),
            selectedMember("Lin Yi", "Basic"),
            {
                content: "the member's points balance is shown",
                trigger: ".product-screen .set-partner .o_retail_points:contains('10')",
            },
            ProductScreen.clickDisplayedProduct("Retail Tea"),
            ProductScreen.clickDisplayedProduct("Retail Tea"),
            {
                content: "points to earn with the Basic multiplier: 120 x 1.5",
                trigger:
                    ".o_retail_points_to_earn:has(.o_retail_points_multiplier:contains('x1.5')) .o_retail_points_earned:contains('+180')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt shows the member code",
                trigger: ".pos-receipt .o_retail_receipt_code:contains('M900000001')",
            },
            {
                content: "the order made Lin Yi Gold",
                trigger: ".pos-receipt .o_retail_receipt_tier:contains('Gold')",
            },
            {
                content: "x2 (Gold) on this order: 240 points earned",
                trigger: ".pos-receipt .o_retail_receipt_earned:contains('240')",
            },
            {
                content: "new balance: 10 + 240",
                trigger: ".pos-receipt .o_retail_receipt_balance:contains('250')",
            },
            ReceiptScreen.clickNextOrder(),
            // the upgrade of this order is visible on the next order
            scan_barcode("M900000001"),
            selectedMember("Lin Yi", "Gold"),
            {
                content: "the new points balance is shown",
                trigger:
                    ".product-screen .set-partner .o_retail_points:contains('250')",
            },
            // the tier pricelist (10 % off) prices the tea
            ProductScreen.clickDisplayedProduct("Retail Tea", true, "1.0", "54.00"),
            Chrome.endTour(),
        ].flat(),
});

registry.category("web_tour.tours").add("RetailPosOfflineRegisterTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Retail Tea"),
            {
                content: "the connection is lost during the registration",
                trigger: "body",
                run: () => {
                    const data = window.posmodel.data;
                    const call = data.call.bind(data);
                    data.call = async (model, method, ...args) => {
                        if (method === "retail_pos_register") {
                            data.call = call;
                            throw new ConnectionLostError("/web/dataset/call_kw");
                        }
                        return call(model, method, ...args);
                    };
                },
            },
            openPartnerList(),
            {
                content: "open the registration",
                trigger: ".modal .o_retail_register_button",
                run: "click",
            },
            fill(".o_retail_reg_name", "Offline Zhou"),
            fill(".o_retail_reg_mobile", "136 0013 6009"),
            {
                content: "register",
                trigger: ".modal .o_retail_reg_confirm",
                run: "click",
            },
            {
                content: "the cashier is told the member is registered with the order",
                trigger:
                    ".o_notification:contains('will be registered when this order is synchronized')",
            },
            {
                content: "back on the order, without customer for now",
                trigger:
                    ".product-screen:not(:has(.modal)) .set-partner:contains('Customer')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the same order is sent a second time (double sync)",
                trigger: ".receipt-screen",
                run: async () => {
                    const pos = window.posmodel;
                    const order = pos.models["pos.order"].find((o) => o.finalized);
                    const data = order.serialize({orm: true});
                    data.id = undefined;
                    await pos.data.call("pos.order", "sync_from_ui", [[data]]);
                    document.body.classList.add("o_retail_resent");
                },
            },
            {
                content: "second sync done",
                trigger: "body.o_retail_resent",
            },
            Chrome.endTour(),
        ].flat(),
});
