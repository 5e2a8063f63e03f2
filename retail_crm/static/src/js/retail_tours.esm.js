/* Copyright 2026 Retail CRM developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/**
 * A menu of Retail CRM: in the navbar, in a dropdown of the navbar, or in its
 * "More" dropdown when the screen is too narrow for all the sections.
 */
function menu(xmlid) {
    return `[data-menu-xmlid='retail_crm.${xmlid}']`;
}

/** The navbar section ``xmlid``, or the "More" dropdown that holds it. */
function section(xmlid) {
    return `.o_menu_sections ${menu(xmlid)}, .o_menu_sections_more > button`;
}

/* Sales associate: register a member, log a follow-up, find today's tasks */
tours.add("retail_crm_tour_associate", {
    url: "/odoo/retail-members",
    steps: () => [
        {
            trigger: ".o_list_button_add",
            content: _t("Register a new member: click New."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            content: _t("Type the name of the customer."),
            tooltipPosition: "bottom",
            run: "edit Tour Member",
        },
        {
            trigger: ".o_field_widget[name=mobile] input",
            content: _t("Type the mobile number: one member per mobile."),
            tooltipPosition: "bottom",
            run: "edit 13955501234",
        },
        {
            trigger: ".o_form_button_save",
            content: _t("Save the member."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_saved button[name=action_retail_log_followup]",
            content: _t("After a call or a visit, log the follow-up here."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=outcome] textarea",
            content: _t("Write what the member said."),
            tooltipPosition: "bottom",
            run: "edit Interested in the new season",
        },
        {
            trigger: ".modal button[name=action_log]",
            content: _t("Log it: the next follow-up is scheduled for you."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) :is(${section(
                "menu_retail_my_followups"
            )})`,
            content: _t("Your tasks of today and overdue ones are in My Follow-ups."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_my_followups"),
            content: _t("Open My Follow-ups."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_list_view, .o_kanban_view",
            content: _t("Start your day here."),
        },
    ],
});

/* Store manager: reassign members, review the team */
tours.add("retail_crm_tour_manager", {
    url: "/odoo/retail-members",
    steps: () => [
        {
            trigger: section("menu_retail_config"),
            content: _t("Your stores are in Configuration."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_store"),
            content: _t("Open the stores."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_data_cell",
            content: _t("Open your store."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button:contains(Reassign Members)",
            content: _t(
                "When an associate leaves or is away, reassign their members here."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view",
            content: _t("Choose the associates to take over the members."),
        },
        {
            trigger: ".modal .modal-footer button:not(.btn-primary)",
            content: _t("Close this window for now."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) :is(${section(
                "menu_retail_followup_overview"
            )})`,
            content: _t(
                "Review the follow-ups of your team: overdue, today, upcoming."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_followup_overview"),
            content: _t("Open the Follow-up Overview."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_pivot_view, .o_list_view",
            content: _t("One line per associate."),
        },
        {
            trigger: section("menu_retail_pioneer"),
            content: _t("The Digital Pioneer challenge of your associates."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_leaderboard"),
            content: _t("Their ranking this month."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_list_view",
            content: _t("Congratulate the best!"),
        },
    ],
});

/* HQ: tiers, segments, import */
tours.add("retail_crm_tour_hq", {
    url: "/odoo/retail-members",
    steps: () => [
        {
            trigger: section("menu_retail_config"),
            content: _t("The chain's set-up is in Configuration."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_tier_program"),
            content: _t("Member tiers: the levels members reach by spending."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_list_view, .o_kanban_view, .o_form_view",
            content: _t("Define the tiers and their thresholds here."),
        },
        {
            trigger: section("menu_retail_segment"),
            content: _t("Segments: saved groups of members for campaigns."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_segment"),
            content: _t("Open the segments."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_list_view, .o_kanban_view",
            content: _t("Create a segment from filters on the members."),
        },
        {
            trigger: section("menu_retail_member_import_root"),
            content: _t("Bring your existing customers in."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: menu("menu_retail_member_import"),
            content: _t("Import members from a spreadsheet."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_list_view, .o_form_view, .o_kanban_view",
            content: _t("Upload the file, check the preview, then import."),
        },
    ],
});
