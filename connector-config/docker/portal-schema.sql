-- Portal tables as the daemon sees them (PostgreSQL 15+).
create table if not exists public.aligner_notes (
  note_id        integer primary key,
  aligner_set_id integer not null,
  note_type      text    not null check (note_type in ('Doctor', 'Lab')),
  note_text      text    not null,
  created_at     timestamptz not null default now(),
  is_edited      boolean not null default false,
  edited_at      timestamptz,
  is_read        boolean not null default false
);

create table if not exists public.aligner_batches (
  aligner_batch_id             integer primary key,
  aligner_set_id               integer not null,
  batch_sequence               integer,
  upper_aligner_count          integer default 0,
  lower_aligner_count          integer default 0,
  upper_aligner_start_sequence integer,
  upper_aligner_end_sequence   integer,
  lower_aligner_start_sequence integer,
  lower_aligner_end_sequence   integer,
  manufacture_date             date,
  delivered_to_patient_date    date,
  days                         integer,
  validity_period              integer,
  next_batch_ready_date        date,
  notes                        text,
  is_active                    boolean,
  created_at                   timestamptz not null default now(),
  updated_at                   timestamptz not null default now()
);

-- Sample portal data matching the clinic's (docker-compose only).
insert into public.aligner_batches (aligner_batch_id, aligner_set_id, batch_sequence, days)
values (12044, 3187, 3, 14), (12051, 3190, 1, 7)
on conflict do nothing;
