/* Copyright 2026 Retail CRM developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

/**
 * Client action of the "Getting Started" menus: start the guided tour given
 * in the action's params, in interactive mode (the user clicks each step).
 */
function retailStartTour(env, action) {
    const tour = action.params && action.params.tour;
    if (tour) {
        env.services.tour_service.startTour(tour, {mode: "manual"});
    }
}

registry.category("actions").add("retail_crm_start_tour", retailStartTour);
