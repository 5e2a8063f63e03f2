# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.retail_crm.tools.phone import try_normalize_mobile

from ..tools import wxclient
from .retail_wechat_welcome import WELCOME_STATES

_logger = logging.getLogger(__name__)

WECOM_GENDERS = {1: "male", 2: "female"}


class RetailWechatEvent(models.Model):
    """A callback event received from WeCom or the Official Account.

    Recorded once (unique key per company and source) by the callback
    controller, which answers at once; the work is done by a job.
    """

    _name = "retail.wechat.event"
    _description = "WeChat Callback Event"
    _order = "id desc"
    _rec_name = "key"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    source = fields.Selection(
        [("wecom", "WeCom"), ("oa", "Official Account")],
        required=True,
        readonly=True,
    )
    key = fields.Char(required=True, readonly=True, index=True)
    msg_type = fields.Char(string="Message Type", readonly=True)
    event = fields.Char(readonly=True)
    change_type = fields.Char(readonly=True)
    payload = fields.Text(readonly=True, groups="base.group_system")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Done"),
            ("ignored", "Ignored"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    result = fields.Text(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    welcome_state = fields.Selection(
        WELCOME_STATES, compute="_compute_welcome_state", string="Welcome Message"
    )

    _sql_constraints = [
        (
            "key_uniq",
            "unique(company_id, source, key)",
            "Each event is recorded once.",
        )
    ]

    def _compute_welcome_state(self):
        # sudo: a technical log of the event, shown with it
        welcomes = {
            w.event_id.id: w.state
            for w in self.env["retail.wechat.welcome"]
            .sudo()
            .search([("event_id", "in", self.ids)])
        }
        for event in self:
            event.welcome_state = welcomes.get(event.id, "none")

    # ------------------------------------------------------------------
    # Reception (callback controller)
    # ------------------------------------------------------------------
    @api.model
    def _retail_event_key(self, values):
        """Messages have a MsgId; events are identified by their content (a
        retried callback carries the same decrypted message)."""
        if values.get("MsgId"):
            return "msg:" + values["MsgId"][:64]
        canonical = json.dumps(values, sort_keys=True, ensure_ascii=False)
        return "evt:" + hashlib.sha256(canonical.encode()).hexdigest()

    @api.model
    def _retail_receive(self, company, source, values):
        """Record the event once and enqueue its processing.

        Returns the new event, or an empty recordset for a duplicate.
        """
        key = self._retail_event_key(values)
        self.env.cr.execute(
            SQL(
                "INSERT INTO retail_wechat_event (company_id, source, key, "
                "msg_type, event, change_type, payload, state, "
                "create_date, write_date, create_uid, write_uid) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, 'pending', "
                "now() at time zone 'UTC', now() at time zone 'UTC', %s, %s) "
                "ON CONFLICT (company_id, source, key) DO NOTHING RETURNING id",
                company.id,
                source,
                key,
                values.get("MsgType"),
                values.get("Event"),
                values.get("ChangeType"),
                json.dumps(values, ensure_ascii=False),
                self.env.uid,
                self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.browse()
        # jobs run as the superuser: callbacks have no user, the event is
        # authenticated by its signature and decrypted by the controller.
        event = self.with_user(SUPERUSER_ID).browse(row[0])
        # one job per event (a job costs more than the rest of the callback);
        # new contacts first: their welcome code is valid for 20 seconds
        adding = values.get("ChangeType") in (
            "add_external_contact",
            "add_half_external_contact",
        )
        self._retail_enqueue(event, priority=1 if adding else 5)
        return event

    @api.model
    def _retail_enqueue(self, event, priority):
        """Queue the processing job of a new event with one INSERT.

        The row is the one ``with_delay()`` writes (the values of a queue_job
        ``Job``, converted by the fields of ``queue.job``), without the ORM
        create of ``queue.job`` (mail thread, access checks, ...) nor the
        search of a job with the same identity key: the event was inserted
        in this transaction, it has no job yet. queue_job's trigger notifies
        the job runner as for any new job.
        """
        job = Job(
            event._retail_process,
            priority=priority,
            description=f"WeChat event {event.id}",
            identity_key=f"retail_wechat_event:{event.id}",
        )
        Jobs = self.env["queue.job"].sudo()
        vals = job._store_values(create=True)
        columns, values = [], []
        for name, value in vals.items():
            field = Jobs._fields[name]
            if not (field.store and field.column_type):
                continue
            columns.append(SQL.identifier(name))
            values.append(field.convert_to_column_insert(value, Jobs, vals))
        if Jobs._log_access:
            columns += [SQL.identifier(c) for c in ("create_uid", "write_uid")]
            values += [self.env.uid, self.env.uid]
            columns += [SQL.identifier(c) for c in ("create_date", "write_date")]
            values += [SQL("now() at time zone 'UTC'")] * 2
        self.env.cr.execute(
            SQL(
                "INSERT INTO queue_job (%s) VALUES (%s)",
                SQL(", ").join(columns),
                SQL(", ").join(values),
            )
        )
        return job.uuid

    def _retail_values(self):
        self.ensure_one()
        # sudo: the payload holds personal data, readable by administrators
        return json.loads(self.sudo().payload or "{}")

    # ------------------------------------------------------------------
    # Processing (jobs)
    # ------------------------------------------------------------------
    def _retail_process(self):
        """Process pending events (job). Idempotent: done events are skipped."""
        for event in self:
            values = event._retail_values()
            if event.welcome_state == "none" and values.get("WelcomeCode"):
                # first, and guarded: sent once even if the job is retried
                event._retail_wecom_send_welcome()
            if event.state != "pending":
                continue
            handler = event._retail_handler(values)
            if not handler:
                event.write({"state": "ignored"})
                continue
            try:
                result = handler(values)
            except wxclient.WeChatApiError as exc:
                event.write({"state": "failed", "result": str(exc)})
                continue
            event.write({"state": "done", "result": result or False})

    def _retail_handler(self, values):
        self.ensure_one()
        if self.source == "wecom" and values.get("Event") == "change_external_contact":
            return {
                "add_external_contact": self._retail_wecom_add,
                "add_half_external_contact": self._retail_wecom_add,
                "edit_external_contact": self._retail_wecom_edit,
                "del_external_contact": self._retail_wecom_deleted,
                "del_follow_user": self._retail_wecom_deleted,
            }.get(values.get("ChangeType"))
        if self.source == "oa" and values.get("Event") in ("subscribe", "SCAN"):
            return self._retail_oa_follow
        if self.source == "oa" and values.get("Event") == "unsubscribe":
            return self._retail_oa_unfollow
        return None

    def _retail_wecom_fetch(self, external_userid):
        return self.env["retail.wechat.api"]._retail_call(
            self.company_id,
            "wecom_contact",
            "GET",
            "cgi-bin/externalcontact/get",
            params={"external_userid": external_userid},
        )

    def _retail_wecom_find_member(self, contact, follow):
        """The member of a WeCom contact: by unionid, then external userid,
        then the mobiles noted by the associate."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        base = [
            ("company_id", "=", self.company_id.id),
            ("is_retail_member", "=", True),
        ]
        unionid = contact.get("unionid")
        if unionid:
            member = Partner.search(
                [*base, ("retail_wechat_unionid", "=", unionid)], limit=1
            )
            if member:
                return member
        member = Partner.search(
            [
                *base,
                ("retail_wecom_external_userid", "=", contact["external_userid"]),
            ],
            limit=1,
        )
        if member:
            return member
        region = self.company_id.retail_phone_region or "CN"
        for mobile in self._retail_remark_mobiles(follow):
            normalized = try_normalize_mobile(mobile, region)
            if normalized:
                member = Partner.search(
                    [*base, ("retail_mobile", "=", normalized)], limit=1
                )
                if member:
                    return member
        return Partner

    @api.model
    def _retail_remark_mobiles(self, follow):
        # older payloads: numeric mobiles, or one string
        mobiles = follow.get("remark_mobiles") or []
        if not isinstance(mobiles, list):
            mobiles = [mobiles]
        return [str(m) for m in mobiles if m]

    def _retail_wecom_add(self, values):
        external_userid = values.get("ExternalUserID")
        staff_userid = values.get("UserID")
        if not external_userid:
            return self.env._("No external contact in the event.")
        data = self._retail_wecom_fetch(external_userid)
        contact = dict(data.get("external_contact") or {})
        contact.setdefault("external_userid", external_userid)
        follow = next(
            (
                f
                for f in data.get("follow_user") or []
                if f.get("userid") == staff_userid
            ),
            {},
        )
        state = values.get("State") or follow.get("state")
        way = self.env["retail.wecom.contact.way"]
        if state:
            way = way.search(
                [("state_code", "=", state), ("company_id", "=", self.company_id.id)],
                limit=1,
            )
        staff = self.env["res.users"].search(
            [
                ("retail_wecom_userid", "=", staff_userid),
                ("company_ids", "in", self.company_id.ids),
            ],
            limit=1,
        )
        member = self._retail_wecom_find_member(contact, follow)
        link_vals = {
            "retail_wecom_external_userid": external_userid,
            "retail_wecom_follow_userid": staff_userid,
            "retail_wecom_status": "active",
        }
        if contact.get("unionid"):
            link_vals["retail_wechat_unionid"] = contact["unionid"]
        if member:
            member.write(link_vals)
            result = self.env._("Linked to the existing member.")
        else:
            store = way.store_id or staff.retail_default_store_id
            if not store:
                return self.env._(
                    "No store for this contact: the QR code is unknown and the "
                    "associate has no default store."
                )
            associate = way.user_id or staff
            if associate not in store.staff_user_ids:
                associate = self.env["res.users"]
            region = self.company_id.retail_phone_region or "CN"
            mobiles = [
                m
                for m in self._retail_remark_mobiles(follow)
                if try_normalize_mobile(m, region)
            ]
            member = (
                self.env["res.partner"]
                .with_context(retail_channel="wecom")
                .create(
                    dict(
                        link_vals,
                        name=contact.get("name") or follow.get("remark") or "WeCom",
                        mobile=mobiles[0] if mobiles else False,
                        is_retail_member=True,
                        company_id=self.company_id.id,
                        retail_store_id=store.id,
                        user_id=associate.id,
                        retail_channel="wecom",
                        retail_gender=WECOM_GENDERS.get(contact.get("gender")),
                        retail_wecom_contact_way_id=way.id,
                    )
                )
            )
            result = self.env._("New member created.")
        self.partner_id = member
        tags = way.tag_ids | self._retail_wecom_mapped_tags(follow)
        if tags - member.category_id:
            member.write({"category_id": [Command.link(t.id) for t in tags]})
        return result

    @api.model
    def _retail_wecom_mapped_tags(self, follow):
        tag_ids = [
            t.get("tag_id")
            for t in follow.get("tags") or []
            if t.get("tag_id") and t.get("type", 1) == 1
        ]
        if not tag_ids:
            return self.env["res.partner.category"]
        return self.env["res.partner.category"].search(
            [("retail_wecom_tag_id", "in", tag_ids)]
        )

    def _retail_wecom_edit(self, values):
        external_userid = values.get("ExternalUserID")
        member = self.env["res.partner"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("retail_wecom_external_userid", "=", external_userid),
            ],
            limit=1,
        )
        if not member:
            return self.env._("Unknown external contact.")
        data = self._retail_wecom_fetch(external_userid)
        follow = next(
            (
                f
                for f in data.get("follow_user") or []
                if f.get("userid") == values.get("UserID")
            ),
            {},
        )
        wanted = self._retail_wecom_mapped_tags(follow)
        current = member.category_id.filtered("retail_wecom_tag_id")
        commands = [Command.unlink(t.id) for t in current - wanted] + [
            Command.link(t.id) for t in wanted - current
        ]
        self.partner_id = member
        if commands:
            # the tags come from WeCom: do not push them back
            member.with_context(retail_wecom_no_push=True).write(
                {"category_id": commands}
            )
        return self.env._("Tags updated from WeCom.")

    def _retail_wecom_deleted(self, values):
        member = self.env["res.partner"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("retail_wecom_external_userid", "=", values.get("ExternalUserID")),
            ],
            limit=1,
        )
        if not member:
            return self.env._("Unknown external contact.")
        self.partner_id = member
        if values.get("Source") == "DELETE_BY_TRANSFER":
            return self.env._("Removed by a transfer.")
        by_customer = values.get("ChangeType") == "del_follow_user"
        member.retail_wecom_status = (
            "deleted_by_customer" if by_customer else "deleted_by_staff"
        )
        manager = member.retail_store_id.manager_id
        summary = (
            self.env._("The customer deleted the associate on WeCom")
            if by_customer
            else self.env._("The associate deleted the customer on WeCom")
        )
        member.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=(manager or member.user_id or self.env.user).id,
            summary=summary,
            note=self.env._(
                "WeCom contact of %(member)s lost (associate %(userid)s). "
                "Contact the customer again.",
                member=member.display_name,
                userid=values.get("UserID") or "-",
            ),
        )
        return summary

    def _retail_oa_follow(self, values):
        """A follower subscribed or scanned a store QR code: link them to
        their member by unionid."""
        openid = values.get("FromUserName")
        if not openid:
            return self.env._("No follower in the event.")
        info = self.env["retail.wechat.api"]._retail_call(
            self.company_id,
            "oa",
            "GET",
            "cgi-bin/user/info",
            params={"openid": openid, "lang": "zh_CN"},
        )
        unionid = info.get("unionid")
        Partner = self.env["res.partner"]
        base = [
            ("company_id", "=", self.company_id.id),
            ("is_retail_member", "=", True),
        ]
        member = Partner.search([*base, ("retail_oa_openid", "=", openid)], limit=1)
        if not member and unionid:
            member = Partner.search(
                [*base, ("retail_wechat_unionid", "=", unionid)], limit=1
            )
        if not member:
            store = self._retail_oa_scene_store(values)
            self.with_delay(
                priority=3,
                identity_key=f"retail_oa_register_link:{self.id}",
                description=f"Registration link of WeChat event {self.id}",
            )._retail_oa_send_register_link(openid, store.id)
            return self.env._(
                "The follower is not a member yet (store: %(store)s): "
                "registration link queued.",
                store=store.display_name or "-",
            )
        member.write({"retail_oa_openid": openid, "retail_oa_status": "subscribed"})
        self.partner_id = member
        return self.env._("Follower linked to the member.")

    def _retail_oa_unfollow(self, values):
        """The follower unfollowed: template messages cannot reach them."""
        member = self.env["res.partner"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("retail_oa_openid", "=", values.get("FromUserName") or "-"),
            ],
            limit=1,
        )
        if not member:
            return self.env._("Unknown follower.")
        self.partner_id = member
        member.retail_oa_status = "unsubscribed"
        return self.env._("The member unfollowed the Official Account.")

    def _retail_oa_send_register_link(self, openid, store_id):
        """Send the registration link to a follower who is not a member
        (job): an Official Account customer-service text message, answering
        their subscribe/SCAN. Sent once: claimed like the welcome message
        of WeCom, never re-sent blindly."""
        self.ensure_one()
        store = self.env["retail.store"].browse(store_id).exists()
        url = self.env["retail.wechat.register"]._retail_register_url(
            self.company_id, openid, store
        )
        if not self._retail_welcome_move("none", "sending"):
            return "not sent again"
        lang = self.company_id.partner_id.lang or "zh_CN"
        text = self.with_context(lang=lang).env._(
            'Welcome! Become a member: <a href="%(url)s">register here</a>.',
            url=url,
        )
        try:
            self.env["retail.wechat.api"]._retail_call(
                self.company_id,
                "oa",
                "POST",
                "cgi-bin/message/custom/send",
                payload={
                    "touser": openid,
                    "msgtype": "text",
                    "text": {"content": text},
                },
                idempotent=False,
            )
            state = "sent"
        except RetryableJobError:
            self._retail_welcome_move("sending", "none")
            raise
        except wxclient.WeChatApiError as exc:
            state = "failed"
            _logger.info("Registration link of event %s: %s", self.id, exc)
        except wxclient.WeChatTransportError as exc:
            state = "unknown"
            _logger.info("Registration link of event %s: %s", self.id, exc)
        self._retail_welcome_move("sending", state)
        return state

    def _retail_oa_scene_store(self, values):
        """The store of the QR code scanned: EventKey "qrscene_rcstore<id>"
        (subscribe) or "rcstore<id>" (SCAN)."""
        scene = (values.get("EventKey") or "").removeprefix("qrscene_")
        store_id = scene.removeprefix("rcstore")
        if not scene.startswith("rcstore") or not store_id.isdigit():
            return self.env["retail.store"]
        return self.env["retail.store"].search(
            [("id", "=", int(store_id)), ("company_id", "=", self.company_id.id)]
        )

    # ------------------------------------------------------------------
    # Welcome message (job, non-idempotent)
    # ------------------------------------------------------------------
    def _retail_welcome_move(self, from_state, to_state):
        self.ensure_one()
        return self.env["retail.wechat.welcome"]._retail_move(
            self, from_state, to_state
        )

    def _retail_wecom_send_welcome(self):
        """Send the welcome message of an add_external_contact event, once.

        Never re-sent: the event is claimed ("sending", committed) before the
        call, so a job restarted after a crash or run twice does not send
        again; 41051 (already sent) and other errors are final. Only a rate
        limit (refused, not delivered) gives the claim back for a retry.
        """
        self.ensure_one()
        values = self._retail_values()
        text = self.company_id.retail_wecom_welcome_text
        if not text or not values.get("WelcomeCode"):
            return "none"
        if not self._retail_welcome_move("none", "sending"):
            return "not sent again"
        try:
            self.env["retail.wechat.api"]._retail_call(
                self.company_id,
                "wecom_contact",
                "POST",
                "cgi-bin/externalcontact/send_welcome_msg",
                payload={
                    "welcome_code": values["WelcomeCode"],
                    "text": {"content": text},
                },
                idempotent=False,
            )
            state = "sent"
        except RetryableJobError:
            self._retail_welcome_move("sending", "none")
            raise
        except wxclient.WeChatApiError as exc:
            state = "already_sent" if exc.errcode == 41051 else "failed"
            _logger.info("WeCom welcome message of event %s: %s", self.id, exc)
        except wxclient.WeChatTransportError as exc:
            state = "unknown"
            _logger.info("WeCom welcome message of event %s: %s", self.id, exc)
        self._retail_welcome_move("sending", state)
        return state
