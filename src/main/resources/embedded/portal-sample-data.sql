-- Sample portal data for the embedded default: two aligner sets, their batches (forward-synced
-- from the clinic) and a few notes. Inserted once, when the embedded portal is created.
insert into public.aligner_batches (aligner_batch_id, aligner_set_id, batch_sequence, upper_aligner_count, lower_aligner_count, days, is_active)
values (12044, 3187, 3, 5, 5, 14, true),
       (12045, 3187, 4, 5, 5, 14, false),
       (12051, 3190, 1, 6, 6, 7, true)
on conflict do nothing;

insert into public.aligner_notes (note_id, aligner_set_id, note_type, note_text, created_at, is_edited, is_read)
values (90001, 3187, 'Lab', 'Batch 3 shipped with refined attachments.', now() - interval '3 days', false, true),
       (90002, 3187, 'Doctor', 'Please check the fit of UL3 before batch 4.', now() - interval '2 days', false, false)
on conflict do nothing;
