/** @odoo-module */
// Copyright 2026 Retail CRM developers
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {PartnerLine} from "@point_of_sale/app/screens/partner_list/partner_line/partner_line";
import {SelectPartnerButton} from "@point_of_sale/app/screens/product_screen/control_buttons/select_partner_button/select_partner_button";
import {RetailMemberInfo} from "./retail_member_info";

PartnerLine.components = {...PartnerLine.components, RetailMemberInfo};
SelectPartnerButton.components = {
    ...(SelectPartnerButton.components || {}),
    RetailMemberInfo,
};
