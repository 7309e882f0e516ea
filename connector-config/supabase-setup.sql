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

-- 2. A BEFORE UPDATE trigger keeps updated_at moving on both tables. clock_timestamp() (not now())
--    so two updates of one row in one transaction get different versions, and never less than
--    the old value plus 1 µs, so a clock stepping back cannot make an edit look older.
create or replace function public.aligner_sync_touch_updated_at() returns trigger
language plpgsql as $$
begin
  if row(new.*) is distinct from row(old.*) then
    new.updated_at := greatest(clock_timestamp(), old.updated_at + interval '1 microsecond');
  end if;
  return new;
end
$$;

create or replace trigger aligner_sync_touch_updated_at
  before update on public.aligner_notes
  for each row execute function public.aligner_sync_touch_updated_at();

create or replace trigger aligner_sync_touch_updated_at
  before update on public.aligner_batches
  for each row execute function public.aligner_sync_touch_updated_at();

-- 3. REPLICA IDENTITY FULL: an update carries the old row (the old days) and a delete carries
--    the whole old row (note_type, updated_at), not only the key.
alter table public.aligner_notes replica identity full;
alter table public.aligner_batches replica identity full;

-- 4. Heartbeat table. With cdc.heartbeat-action-query set, the daemon writes one row here at every
--    heartbeat, so an idle database still produces a change the slot can confirm and WAL is released.
create table if not exists public.aligner_sync_heartbeat (
  id      integer primary key,
  beat_at timestamptz not null default now()
);
-- Not for the REST API: row-level security on, and no policy.
alter table public.aligner_sync_heartbeat enable row level security;

-- 5. The publication the engine reads (cdc.publication-name, default aligner_sync_pub).
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

-- 6. Indexes for the poller's keyset cursors: where (updated_at, key) > (:v, :k) order by updated_at, key.
create index if not exists aligner_notes_updated_at_note_id_idx
  on public.aligner_notes (updated_at, note_id);
create index if not exists aligner_batches_updated_at_batch_id_idx
  on public.aligner_batches (updated_at, aligner_batch_id);
