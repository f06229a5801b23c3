"""Public-hall PCs act through narrow functions; the code-guessing throttle in the database

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

A kiosk and a waiting-room display stand in the public hall. On PostgreSQL their logins
get no INSERT or UPDATE on ``ticket``, ``event``, ``appointment``, ``number_sequence``
or ``feedback`` (loket/db_roles.py). What a kiosk does is done by the functions below,
which run with the owner's rights (SECURITY DEFINER, with a fixed ``search_path``),
check their inputs and write their own events, so no PC can forge a call, a ticket
with another status, or a purge:

- ``loket_issue_walk_in``: a walk-in ticket, number drawn by ``loket_next_number``.
- ``loket_check_in``: a booked appointment of that day becomes a ticket.
- ``loket_give_feedback``: one rating for a ticket that was called.
- ``loket_raise_alert``: a device alert (printer, scanner, ...) with short facts only.
- ``loket_pin_salt`` / ``loket_login_pin`` / ``loket_login_card``: a team leader unlocks
  the kiosk without the kiosk reading ``staff``: the kiosk computes the scrypt hash of
  the PIN with the salt it is given, the function compares it with the stored one and
  counts failures; a card's fingerprint is computed here with the card key, which the
  kiosk cannot read.

The Python services decide first (opening hours, messages for the visitor); on
PostgreSQL the write then goes through these functions for every PC, on SQLite (one
PC, no roles) the same rows are written by Python (loket/hall.py). The functions repeat
the checks that protect the data, not the ones that only serve the visitor.

Numbering repairs itself: ``loket_next_number`` (and ``queue._next_sequence`` on
SQLite) never hands out a number at or below the highest ticket of that letter, so a
damaged ``number_sequence`` row cannot stop issuing.

``code_throttle``: failed code attempts per kiosk and per branch, so a restart or
another process does not start afresh (loket/throttle.py). On both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from loket.migrations._definer import create_functions, drop_functions

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Whether the caller logs in as a public-hall PC (direct member of those groups). The
# groups may not exist yet (``loket db roles`` creates them), so look them up by name.
_PUBLIC_CALLER = """
CREATE OR REPLACE FUNCTION loket_public_caller() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM pg_auth_members m
    JOIN pg_roles g ON g.oid = m.roleid
    JOIN pg_roles u ON u.oid = m.member
    WHERE u.rolname = session_user AND g.rolname IN ('loket_kiosk', 'loket_display'))
$$;
"""

_NOTIFY_EVENT = """
CREATE OR REPLACE FUNCTION loket_event(
  p_at timestamp, p_kind text, p_branch integer, p_ticket integer, p_appointment integer,
  p_staff integer, p_workstation text, p_data jsonb
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_id integer;
BEGIN
  INSERT INTO event (at, kind, branch_id, ticket_id, appointment_id, counter_id, staff_id,
                     workstation, data)
  VALUES (p_at, p_kind, p_branch, p_ticket, p_appointment, NULL,
          CASE WHEN loket_public_caller() THEN NULL ELSE p_staff END,
          left(coalesce(p_workstation, ''), 60), p_data::json)
  RETURNING id INTO v_id;
  PERFORM pg_notify('loket_events', v_id::text);
  RETURN v_id;
END $$;
"""

_NEXT_NUMBER = """
CREATE OR REPLACE FUNCTION loket_next_number(p_branch integer, p_day date, p_prefix text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_last integer;
  v_high integer;
BEGIN
  -- The row lock of the upsert lasts until commit: the next caller waits, then sees
  -- this transaction's ticket in the max() below.
  INSERT INTO number_sequence AS s (branch_id, day, prefix, last)
  VALUES (p_branch, p_day, p_prefix, 1)
  ON CONFLICT (branch_id, day, prefix) DO UPDATE SET last = s.last + 1
  RETURNING s.last INTO v_last;
  SELECT coalesce(max(sequence), 0) INTO v_high FROM ticket
  WHERE branch_id = p_branch AND day = p_day AND prefix = p_prefix;
  IF v_last <= v_high THEN
    v_last := v_high + 1;
    UPDATE number_sequence SET last = v_last
    WHERE branch_id = p_branch AND day = p_day AND prefix = p_prefix;
  END IF;
  RETURN v_last;
END $$;
"""

# The one place on PostgreSQL that inserts a ticket: number, row and its event.
_NEW_TICKET = """
CREATE OR REPLACE FUNCTION loket_new_ticket(
  p_branch integer, p_service integer, p_kind text, p_at timestamp, p_wait_from timestamp,
  p_needs_assistance boolean, p_appointment integer, p_predicted integer,
  p_staff integer, p_workstation text, p_extra jsonb
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_service service%ROWTYPE;
  v_number integer;
  v_id integer;
  v_appointment_at timestamp;
BEGIN
  SELECT * INTO v_service FROM service WHERE id = p_service AND active;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'loket: unknown service' USING ERRCODE = 'LK001';
  END IF;
  IF p_appointment IS NOT NULL THEN
    SELECT start INTO v_appointment_at FROM appointment WHERE id = p_appointment;
  END IF;
  v_number := loket_next_number(p_branch, p_at::date, v_service.prefix);
  INSERT INTO ticket (branch_id, service_id, day, prefix, sequence, kind, status, issued_at,
                      wait_from, appointment_at, call_count, predicted_wait_seconds,
                      needs_assistance, appointment_id, printed)
  VALUES (p_branch, p_service, p_at::date, v_service.prefix, v_number, p_kind, 'waiting',
          p_at, p_wait_from, v_appointment_at, 0,
          CASE WHEN p_predicted BETWEEN 0 AND 86400 THEN p_predicted END,
          coalesce(p_needs_assistance, false), p_appointment, false)
  RETURNING id INTO v_id;
  PERFORM loket_event(p_at, 'ticket.issued', p_branch, v_id, p_appointment, p_staff,
    p_workstation,
    jsonb_build_object('number', v_service.prefix || ' ' || v_number,
                       'service', v_service.code, 'kind', p_kind, 'status', 'waiting',
                       'predicted_wait_seconds',
                       CASE WHEN p_predicted BETWEEN 0 AND 86400 THEN p_predicted END)
    || p_extra);
  RETURN v_id;
END $$;
"""

_ISSUE_WALK_IN = """
CREATE OR REPLACE FUNCTION loket_issue_walk_in(
  p_branch integer, p_service integer, p_at timestamp, p_needs_assistance boolean,
  p_predicted integer, p_staff integer, p_workstation text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_at IS NULL OR NOT EXISTS (
    SELECT 1 FROM branch_service o JOIN service s ON s.id = o.service_id
    WHERE o.branch_id = p_branch AND o.service_id = p_service AND o.walk_in AND s.active
  ) THEN
    RAISE EXCEPTION 'loket: no walk-in for this service here' USING ERRCODE = 'LK001';
  END IF;
  RETURN loket_new_ticket(p_branch, p_service, 'walk_in', p_at, p_at, p_needs_assistance,
    NULL, p_predicted, p_staff, p_workstation,
    jsonb_build_object('needs_assistance', coalesce(p_needs_assistance, false)));
END $$;
"""

_CHECK_IN = """
CREATE OR REPLACE FUNCTION loket_check_in(
  p_appointment integer, p_branch integer, p_at timestamp, p_predicted integer,
  p_staff integer, p_workstation text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_a appointment%ROWTYPE;
  v_m municipality%ROWTYPE;
  v_late boolean;
  v_service text;
BEGIN
  SELECT * INTO v_a FROM appointment WHERE id = p_appointment FOR UPDATE;
  SELECT * INTO v_m FROM municipality ORDER BY id LIMIT 1;
  IF NOT FOUND OR v_a.id IS NULL OR p_at IS NULL THEN
    RAISE EXCEPTION 'loket: no such appointment' USING ERRCODE = 'LK001';
  END IF;
  IF p_branch IS NOT NULL AND v_a.branch_id <> p_branch THEN
    RAISE EXCEPTION 'loket: other branch' USING ERRCODE = 'LK001';
  END IF;
  IF v_a.status <> 'booked' THEN
    RAISE EXCEPTION 'loket: appointment is %', v_a.status USING ERRCODE = 'LK002';
  END IF;
  IF v_a.start::date <> p_at::date
     OR p_at < v_a.start - make_interval(mins => v_m.early_checkin_minutes) THEN
    RAISE EXCEPTION 'loket: not the time to check in' USING ERRCODE = 'LK001';
  END IF;
  v_late := p_at > v_a.start + make_interval(mins => v_m.late_minutes);
  UPDATE appointment SET status = 'checked_in', checked_in_at = p_at WHERE id = v_a.id;
  SELECT code INTO v_service FROM service WHERE id = v_a.service_id;
  PERFORM loket_event(p_at, 'appointment.checked_in', v_a.branch_id, NULL, v_a.id, p_staff,
    p_workstation,
    jsonb_build_object('reference', v_a.reference, 'service', v_service,
                       'start', to_char(v_a.start, 'YYYY-MM-DD"T"HH24:MI'),
                       'status', 'checked_in', 'late', v_late));
  RETURN loket_new_ticket(v_a.branch_id, v_a.service_id,
    CASE WHEN v_late THEN 'walk_in' ELSE 'appointment' END, p_at,
    CASE WHEN v_late THEN p_at ELSE greatest(p_at, v_a.start) END,
    v_a.needs_assistance, v_a.id, p_predicted, p_staff, p_workstation,
    jsonb_build_object('late', v_late, 'reference', v_a.reference));
END $$;
"""

_GIVE_FEEDBACK = """
CREATE OR REPLACE FUNCTION loket_give_feedback(
  p_ticket integer, p_at timestamp, p_score integer, p_friendliness integer,
  p_speed integer, p_expertise integer, p_workstation text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_t ticket%ROWTYPE;
  v_id integer;
  v_service text;
BEGIN
  SELECT * INTO v_t FROM ticket WHERE id = p_ticket FOR UPDATE;
  IF NOT FOUND OR p_at IS NULL OR v_t.first_called_at IS NULL OR v_t.day <> p_at::date THEN
    RAISE EXCEPTION 'loket: this ticket cannot be rated' USING ERRCODE = 'LK001';
  END IF;
  IF EXISTS (SELECT 1 FROM feedback WHERE ticket_id = p_ticket) THEN
    RAISE EXCEPTION 'loket: already rated' USING ERRCODE = 'LK002';
  END IF;
  IF p_score IS NULL OR p_score NOT BETWEEN 1 AND 10
     OR p_friendliness NOT BETWEEN 1 AND 5 OR p_speed NOT BETWEEN 1 AND 5
     OR p_expertise NOT BETWEEN 1 AND 5 THEN
    RAISE EXCEPTION 'loket: rating out of range' USING ERRCODE = 'LK001';
  END IF;
  INSERT INTO feedback (ticket_id, branch_id, service_id, at, score, friendliness, speed,
                        expertise, comment)
  VALUES (v_t.id, v_t.branch_id, v_t.service_id, p_at, p_score, p_friendliness, p_speed,
          p_expertise, NULL)
  RETURNING id INTO v_id;
  SELECT code INTO v_service FROM service WHERE id = v_t.service_id;
  PERFORM loket_event(p_at, 'feedback.given', v_t.branch_id, v_t.id, NULL, NULL,
    p_workstation,
    jsonb_build_object('number', v_t.prefix || ' ' || v_t.sequence, 'service', v_service,
                       'score', p_score, 'friendliness', p_friendliness, 'speed', p_speed,
                       'expertise', p_expertise));
  RETURN v_id;
END $$;
"""

_RAISE_ALERT = """
CREATE OR REPLACE FUNCTION loket_raise_alert(
  p_kind text, p_branch integer, p_at timestamp, p_workstation text, p_data jsonb
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_key text;
  v_value jsonb;
  v_clean jsonb := '{}'::jsonb;
BEGIN
  IF p_kind IS NULL OR p_kind NOT IN ('printer', 'scanner', 'assistance', 'kiosk',
                                      'code_guessing') OR p_at IS NULL THEN
    RAISE EXCEPTION 'loket: unknown alert' USING ERRCODE = 'LK001';
  END IF;
  IF p_data IS NOT NULL THEN
    IF jsonb_typeof(p_data) <> 'object' OR
       (SELECT count(*) FROM jsonb_object_keys(p_data)) > 10 THEN
      RAISE EXCEPTION 'loket: alert data' USING ERRCODE = 'LK001';
    END IF;
    FOR v_key, v_value IN SELECT key, value FROM jsonb_each(p_data) LOOP
      IF v_key !~ '^[a-z_]{1,30}$'
         OR jsonb_typeof(v_value) NOT IN ('string', 'number', 'boolean', 'null') THEN
        RAISE EXCEPTION 'loket: alert data' USING ERRCODE = 'LK001';
      END IF;
      IF jsonb_typeof(v_value) = 'string' THEN
        v_value := to_jsonb(left(v_value #>> '{}', 60));
      END IF;
      v_clean := v_clean || jsonb_build_object(v_key, v_value);
    END LOOP;
  END IF;
  RETURN loket_event(p_at, 'alert.' || p_kind, p_branch, NULL, NULL, NULL, p_workstation,
                     v_clean);
END $$;
"""

_HMAC = """
CREATE OR REPLACE FUNCTION loket_hmac_sha256(p_key bytea, p_message bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  k bytea := p_key;
  ipad bytea;
  opad bytea;
BEGIN
  IF length(k) > 64 THEN k := sha256(k); END IF;
  k := k || decode(repeat('00', 64 - length(k)), 'hex');
  ipad := k;
  opad := k;
  FOR i IN 0..63 LOOP
    ipad := set_byte(ipad, i, get_byte(k, i) # 54);
    opad := set_byte(opad, i, get_byte(k, i) # 92);
  END LOOP;
  RETURN sha256(opad || sha256(ipad || p_message));
END $$;
"""

# Who may do this login: from a public-hall PC only a team leader or administrator
# (the kiosk unlock); from a staff PC anyone active.
_MAY_LOG_IN = """
CREATE OR REPLACE FUNCTION loket_may_log_in(p_roles json) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT NOT loket_public_caller() OR EXISTS (
    SELECT 1 FROM json_array_elements_text(p_roles) r WHERE r IN ('manager', 'admin'))
$$;
"""

_PIN_SALT = """
CREATE OR REPLACE FUNCTION loket_pin_salt(p_code text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_hash text;
BEGIN
  SELECT pin_hash INTO v_hash FROM staff
  WHERE code = lower(p_code) AND active AND loket_may_log_in(roles::json);
  IF v_hash IS NULL OR split_part(v_hash, '$', 1) <> 'scrypt' THEN
    -- The same shape for an unknown name: nobody learns who exists.
    RETURN 'scrypt$16384$8$1$' || rtrim(encode(substr(sha256(
      convert_to('loket/no-such-staff/' || coalesce(p_code, ''), 'UTF8')), 1, 16),
      'base64'), '=');
  END IF;
  RETURN split_part(v_hash, '$', 1) || '$' || split_part(v_hash, '$', 2) || '$'
      || split_part(v_hash, '$', 3) || '$' || split_part(v_hash, '$', 4) || '$'
      || split_part(v_hash, '$', 5);
END $$;
"""

_LOGIN_PIN = """
CREATE OR REPLACE FUNCTION loket_login_pin(
  p_code text, p_digest text, p_at timestamp, p_workstation text
) RETURNS TABLE (outcome text, staff_id integer, staff_code text, staff_name text,
                 staff_roles text, wait_minutes integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_s staff%ROWTYPE;
BEGIN
  SELECT * INTO v_s FROM staff WHERE code = lower(p_code) AND active FOR UPDATE;
  IF NOT FOUND OR v_s.pin_hash IS NULL OR NOT loket_may_log_in(v_s.roles::json)
     OR p_at IS NULL THEN
    RETURN QUERY SELECT 'wrong', NULL::integer, NULL::text, NULL::text, NULL::text, 0;
    RETURN;
  END IF;
  IF v_s.locked_until IS NOT NULL AND v_s.locked_until > p_at THEN
    RETURN QUERY SELECT 'locked', NULL::integer, NULL::text, NULL::text, NULL::text,
      greatest(1, round(extract(epoch FROM v_s.locked_until - p_at) / 60))::integer;
    RETURN;
  END IF;
  IF p_digest IS NULL OR split_part(v_s.pin_hash, '$', 6) <> p_digest THEN
    IF v_s.failed_logins + 1 >= 5 THEN
      UPDATE staff SET failed_logins = 0, locked_until = p_at + interval '5 minutes'
      WHERE id = v_s.id;
      PERFORM loket_event(p_at, 'staff.locked', NULL, NULL, NULL, NULL, p_workstation,
                          jsonb_build_object('staff', v_s.code));
      RETURN QUERY SELECT 'locked', NULL::integer, NULL::text, NULL::text, NULL::text, 5;
      RETURN;
    END IF;
    UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = v_s.id;
    RETURN QUERY SELECT 'wrong', NULL::integer, NULL::text, NULL::text, NULL::text, 0;
    RETURN;
  END IF;
  UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = v_s.id;
  INSERT INTO event (at, kind, staff_id, workstation, data)
  VALUES (p_at, 'staff.login', v_s.id, left(coalesce(p_workstation, ''), 60),
          '{"method": "pin"}'::json);
  RETURN QUERY SELECT 'ok', v_s.id, v_s.code::text, v_s.name::text, v_s.roles::text, 0;
END $$;
"""

_LOGIN_CARD = """
CREATE OR REPLACE FUNCTION loket_login_card(
  p_uid bytea, p_at timestamp, p_workstation text
) RETURNS TABLE (outcome text, staff_id integer, staff_code text, staff_name text,
                 staff_roles text, wait_minutes integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_key bytea;
  v_s staff%ROWTYPE;
BEGIN
  SELECT secret INTO v_key FROM signing_key WHERE purpose = 'card' AND key_id = 1;
  IF v_key IS NOT NULL AND p_uid IS NOT NULL AND length(p_uid) BETWEEN 1 AND 32
     AND p_at IS NOT NULL THEN
    SELECT * INTO v_s FROM staff
    WHERE card_hash = encode(loket_hmac_sha256(v_key,
            convert_to('loket/card-uid', 'UTF8') || '\\x00'::bytea || p_uid), 'hex')
      AND active AND loket_may_log_in(roles::json);
  END IF;
  IF v_s.id IS NULL THEN
    PERFORM loket_event(p_at, 'staff.card_unknown', NULL, NULL, NULL, NULL, p_workstation,
                        '{}'::jsonb);
    RETURN QUERY SELECT 'unknown', NULL::integer, NULL::text, NULL::text, NULL::text, 0;
    RETURN;
  END IF;
  INSERT INTO event (at, kind, staff_id, workstation, data)
  VALUES (p_at, 'staff.login', v_s.id, left(coalesce(p_workstation, ''), 60),
          '{"method": "card"}'::json);
  RETURN QUERY SELECT 'ok', v_s.id, v_s.code::text, v_s.name::text, v_s.roles::text, 0;
END $$;
"""

FUNCTIONS = (
    ("loket_public_caller()", _PUBLIC_CALLER),
    (
        "loket_event(timestamp, text, integer, integer, integer, integer, text, jsonb)",
        _NOTIFY_EVENT,
    ),
    ("loket_next_number(integer, date, text)", _NEXT_NUMBER),
    (
        "loket_new_ticket(integer, integer, text, timestamp, timestamp, boolean, integer, "
        "integer, integer, text, jsonb)",
        _NEW_TICKET,
    ),
    (
        "loket_issue_walk_in(integer, integer, timestamp, boolean, integer, integer, text)",
        _ISSUE_WALK_IN,
    ),
    ("loket_check_in(integer, integer, timestamp, integer, integer, text)", _CHECK_IN),
    (
        "loket_give_feedback(integer, timestamp, integer, integer, integer, integer, text)",
        _GIVE_FEEDBACK,
    ),
    ("loket_raise_alert(text, integer, timestamp, text, jsonb)", _RAISE_ALERT),
    ("loket_hmac_sha256(bytea, bytea)", _HMAC),
    ("loket_may_log_in(json)", _MAY_LOG_IN),
    ("loket_pin_salt(text)", _PIN_SALT),
    ("loket_login_pin(text, text, timestamp, text)", _LOGIN_PIN),
    ("loket_login_card(bytea, timestamp, text)", _LOGIN_CARD),
)


def upgrade() -> None:
    op.create_table(
        "code_throttle",
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_code_throttle")),
    )
    create_functions(FUNCTIONS)


def downgrade() -> None:
    drop_functions(FUNCTIONS)
    op.drop_table("code_throttle")
