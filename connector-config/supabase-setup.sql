-- aligner-sync: source-side setup for the CDC input (logical replication) and the poller.
--
-- Idempotent: safe to run again after a portal migration. Needs no superuser: run it as the
-- role that owns the two tables and has REPLICATION (on Supabase, the `postgres` role), e.g.
--
--   psql "postgresql://postgres:<password>@db.<project-ref>.supabase.co:5432/postgres" \
--        -v ON_ERROR_STOP=1 -f connector-config/supabase-setup.sql
--
-- Use the DIRECT host (db.<ref>.supabase.co:5432), not the Supavisor pooler (*.pooler.supabase.com
-- or port 6543): replication connections do not work through the pooler. The role also needs
-- CREATE on the database (for the publication) and on schema public (for the trigger function).
-- PostgreSQL 14 or later (CREATE OR REPLACE TRIGGER).

-- 1. aligner_notes gets an updated_at column: the version every input agrees on. Existing rows
--    take coalesce(edited_at, created_at), the version the daemon derived before the column existed,
--    so nothing already synced looks newer than it is.
alter table public.aligner_notes add column if not exists updated_at timestamptz;
update public.aligner_notes set updated_at = coalesce(edited_at, created_at) where updated_at is null;
alter table public.aligner_notes alter column updated_at set default now();
alter table public.aligner_notes alter column updated_at set not null;

-- 2. Who made each change (docs/two-way.md). The clinic's forward sync copies
--    SQL Server's changes into these tables; aligner-sync must never write those back, and must
--    apply every doctor's edit whatever its value. So each change of a field that flows back is
--    stamped with when it changed and who changed it, from the writing session:
--      'clinic' when the session is the forward sync: its Postgres role is listed in
--               aligner_sync_settings.forward_sync_roles (service_role for a forward sync that
--               writes through Supabase's REST API with the service key), or it set
--               SET aligner_sync.origin = 'clinic' on its own connection;
--      'portal' for anyone else (doctors, through PostgREST as 'authenticated').
--    Name the forward sync's role when you run this script (kept for later runs without it):
--      PGOPTIONS='-c aligner_sync.forward_sync_role=service_role' psql ... -f supabase-setup.sql
--    or later: update public.aligner_sync_settings set forward_sync_roles = '{service_role}';
--    'aligner-sync check' shows the configured roles and the origin mix of recent changes.
create table if not exists public.aligner_sync_settings (
  id                 boolean primary key default true check (id),
  forward_sync_roles text[]  not null default '{}'
);
insert into public.aligner_sync_settings (id) values (true) on conflict (id) do nothing;
-- Not for the REST API: row-level security on, and no policy.
alter table public.aligner_sync_settings enable row level security;
do $$
declare
  named text := nullif(current_setting('aligner_sync.forward_sync_role', true), '');
begin
  if named is not null then
    update public.aligner_sync_settings set forward_sync_roles = string_to_array(replace(named, ' ', ''), ',');
  end if;
end
$$;

-- The configured roles, readable by every session's trigger whatever its row-level security.
create or replace function public.aligner_sync_forward_sync_roles() returns text[]
language sql stable security definer set search_path = public, pg_temp as $$
  select forward_sync_roles from public.aligner_sync_settings where id
$$;

create or replace function public.aligner_sync_origin() returns text
language plpgsql stable as $$
begin
  if current_setting('aligner_sync.origin', true) = 'clinic'
     or current_user::text = any (coalesce(public.aligner_sync_forward_sync_roles(), '{}')) then
    return 'clinic';
  end if;
  return 'portal';
end
$$;

-- The stamps: each field that flows back has its own time and origin, so a clinic marking a
-- note read while a doctor edits its text loses neither, and a change of another column (a
-- delivery date) carries nothing back.
alter table public.aligner_notes add column if not exists text_changed_at timestamptz;
alter table public.aligner_notes add column if not exists text_changed_by text;
alter table public.aligner_notes add column if not exists read_changed_at timestamptz;
alter table public.aligner_notes add column if not exists read_changed_by text;
alter table public.aligner_batches add column if not exists days_changed_at timestamptz;
alter table public.aligner_batches add column if not exists days_changed_by text;

-- 3. One BEFORE INSERT OR UPDATE trigger per table keeps the versions and the stamps. updated_at
--    is the portal's clock, never a client's: set on insert (a client cannot date a row in the
--    future), moved on every real update by clock_timestamp() (two updates in one transaction
--    differ) and never less than the old value plus 1 µs, so each row's versions only increase,
--    also for a row a client dated in the future before this script ran. A client's own values
--    in the stamp columns are replaced.
create or replace function public.aligner_sync_stamp_notes() returns trigger
language plpgsql as $$
declare
  origin text := public.aligner_sync_origin();
begin
  if tg_op = 'INSERT' then
    new.updated_at := clock_timestamp();
    new.text_changed_at := new.updated_at;  new.text_changed_by := origin;
    new.read_changed_at := new.updated_at;  new.read_changed_by := origin;
    return new;
  end if;
  new.text_changed_at := old.text_changed_at;  new.text_changed_by := old.text_changed_by;
  new.read_changed_at := old.read_changed_at;  new.read_changed_by := old.read_changed_by;
  new.updated_at := old.updated_at;
  if row(new.*) is distinct from row(old.*) then
    new.updated_at := greatest(clock_timestamp(), old.updated_at + interval '1 microsecond');
  end if;
  if (new.note_text, new.is_edited, new.edited_at) is distinct from (old.note_text, old.is_edited, old.edited_at) then
    new.text_changed_at := new.updated_at;  new.text_changed_by := origin;
  end if;
  if new.is_read is distinct from old.is_read then
    new.read_changed_at := new.updated_at;  new.read_changed_by := origin;
  end if;
  return new;
end
$$;

create or replace function public.aligner_sync_stamp_batches() returns trigger
language plpgsql as $$
declare
  origin text := public.aligner_sync_origin();
begin
  if tg_op = 'INSERT' then
    new.updated_at := clock_timestamp();
    new.days_changed_at := new.updated_at;  new.days_changed_by := origin;
    return new;
  end if;
  new.days_changed_at := old.days_changed_at;  new.days_changed_by := old.days_changed_by;
  new.updated_at := old.updated_at;
  if row(new.*) is distinct from row(old.*) then
    new.updated_at := greatest(clock_timestamp(), old.updated_at + interval '1 microsecond');
  end if;
  if new.days is distinct from old.days then
    new.days_changed_at := new.updated_at;  new.days_changed_by := origin;
  end if;
  return new;
end
$$;

-- The trigger of an earlier release, replaced by the two above.
drop trigger if exists aligner_sync_touch_updated_at on public.aligner_notes;
drop trigger if exists aligner_sync_touch_updated_at on public.aligner_batches;
drop function if exists public.aligner_sync_touch_updated_at();

create or replace trigger aligner_sync_stamp
  before insert or update on public.aligner_notes
  for each row execute function public.aligner_sync_stamp_notes();

create or replace trigger aligner_sync_stamp
  before insert or update on public.aligner_batches
  for each row execute function public.aligner_sync_stamp_batches();

-- 4. REPLICA IDENTITY FULL: an update carries the old row (the old days) and a delete carries
--    the whole old row (note_type, updated_at), not only the key.
alter table public.aligner_notes replica identity full;
alter table public.aligner_batches replica identity full;

-- 5. Heartbeat table. With cdc.heartbeat-action-query set, the daemon writes one row here at every
--    heartbeat, so an idle database still produces a change the slot can confirm and WAL is released.
create table if not exists public.aligner_sync_heartbeat (
  id      integer primary key,
  beat_at timestamptz not null default now()
);
-- Not for the REST API: row-level security on, and no policy.
alter table public.aligner_sync_heartbeat enable row level security;

-- 6. The publication the engine reads (cdc.publication-name, default aligner_sync_pub).
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'aligner_sync_pub') then
    create publication aligner_sync_pub
      for table public.aligner_notes, public.aligner_batches, public.aligner_sync_heartbeat;
  else
    alter publication aligner_sync_pub
      set table public.aligner_notes, public.aligner_batches, public.aligner_sync_heartbeat;
  end if;
end
$$;

-- 7. Indexes for the poller's keyset cursors: where (updated_at, key) > (:v, :k) order by updated_at, key.
create index if not exists aligner_notes_updated_at_note_id_idx
  on public.aligner_notes (updated_at, note_id);
create index if not exists aligner_batches_updated_at_batch_id_idx
  on public.aligner_batches (updated_at, aligner_batch_id);
