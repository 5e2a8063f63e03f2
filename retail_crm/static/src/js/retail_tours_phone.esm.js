/* Copyright 2026 Retail CRM developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/* Phone check (tests): the associate screens fit 390 px without scrolling
 * sideways. Not a user tour. */
function noHorizontalScroll() {
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1) {
        throw new Error(
            `Horizontal scrolling: ${root.scrollWidth}px wide for ${window.innerWidth}px`
        );
    }
}

tours.add("retail_crm_tour_phone_member", {
    url: "/odoo/retail-members",
    steps: () => [
        {
            trigger: ".o_kanban_view, .o_list_view",
            run: noHorizontalScroll,
        },
        {
            trigger: ".o_control_panel .o-kanban-button-new, .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: noHorizontalScroll,
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Phone Member",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=mobile] input",
            run: "edit 13955506789",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
            run: noHorizontalScroll,
        },
    ],
});

tours.add("retail_crm_tour_phone_check", {
    steps: () => [
        {
            trigger: ".o_kanban_view, .o_list_view, .o_form_view",
            run: noHorizontalScroll,
        },
    ],
});

/* Tests: the associate's challenge progress shows on My Follow-ups. */
tours.add("retail_crm_tour_progress_check", {
    steps: () => [
        {
            trigger: ".o_retail_goal_progress .progress-bar",
        },
        {
            trigger: ".o_retail_goal_progress .o_retail_goal_leaderboard",
            run: "click",
        },
        {
            trigger: ".o_list_view :is(.o_group_header, .o_data_row)",
        },
    ],
});
