/* Copyright 2026 Retail CRM developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

// The marketing ROI dashboard opens with its blocks rendered.
registry.category("web_tour.tours").add("retail_crm_loyalty_roi_dashboard_tour", {
    steps: () => [
        {
            content: "ROI per automation and campaign (pivot)",
            trigger:
                ".o-dashboard-action:contains(ROI per Automation and Campaign) .o_pivot",
        },
        {
            content: "ROI per store and month (pivot)",
            trigger: ".o-dashboard-action:contains(ROI per Store and Month) .o_pivot",
        },
        {
            content: "Uplift vs holdout (graph)",
            trigger:
                ".o-dashboard-action:contains(Uplift vs Holdout) .o_graph_renderer",
        },
        {
            content: "Campaigns (list)",
            trigger: ".o-dashboard-action:contains(Campaigns) .o_list_renderer",
        },
        {
            content: "Every block is a valid action",
            trigger: ".o_dashboard:not(:has(.text-warning))",
        },
    ],
});
