/* Copyright 2026 Retail CRM developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

// The member analytics dashboard opens with its blocks rendered.
registry.category("web_tour.tours").add("retail_crm_dashboard_tour", {
    steps: () => [
        {
            content: "Member KPIs per store (pivot)",
            trigger: ".o-dashboard-action:contains(Member KPIs per Store) .o_pivot",
        },
        {
            content: "Follow-ups done vs overdue per associate (pivot)",
            trigger:
                ".o-dashboard-action:contains(Follow-ups Done vs Overdue per Associate) .o_pivot",
        },
        {
            content: "Tier distribution (graph)",
            trigger:
                ".o-dashboard-action:contains(Tier Distribution) .o_graph_renderer",
        },
        {
            content: "Top members (list)",
            trigger: ".o-dashboard-action:contains(Top Members) .o_list_renderer",
        },
        {
            content: "Data completeness per associate (pivot), the last block",
            trigger:
                ".o-dashboard-action:contains(Data Completeness per Associate) .o_pivot",
        },
        {
            content: "Every block is a valid action",
            trigger: ".o_dashboard:not(:has(.text-warning))",
        },
    ],
});
