/* Copyright 2026 Retail CRM developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {Component, onWillStart, useState} from "@odoo/owl";
import {KanbanController} from "@web/views/kanban/kanban_controller";
import {ListController} from "@web/views/list/list_controller";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {listView} from "@web/views/list/list_view";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/** The associate's progress in the running Digital Pioneer challenges. */
export class RetailGoalProgress extends Component {
    static template = "retail_crm.GoalProgress";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({challenges: []});
        onWillStart(async () => {
            this.state.challenges = await this.orm.call(
                "gamification.goal",
                "retail_my_progress",
                []
            );
        });
    }

    formatValue(value) {
        return Math.round(value * 10) / 10;
    }

    openLeaderboard() {
        this.action.doAction("retail_crm.action_retail_leaderboard");
    }
}

export class RetailFollowupListController extends ListController {
    static template = "retail_crm.FollowupListView";
    static components = {...ListController.components, RetailGoalProgress};
}

export class RetailFollowupKanbanController extends KanbanController {
    static template = "retail_crm.FollowupKanbanView";
    static components = {...KanbanController.components, RetailGoalProgress};
}

registry.category("views").add("retail_followup_list", {
    ...listView,
    Controller: RetailFollowupListController,
});
registry.category("views").add("retail_followup_kanban", {
    ...kanbanView,
    Controller: RetailFollowupKanbanController,
});
