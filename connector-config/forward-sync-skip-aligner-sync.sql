-- aligner-sync: let the clinic's forward-sync triggers skip the writes aligner-sync makes.
--
-- Why: aligner-sync writes a change into SQL Server only because the portal already holds it.
-- Forwarding that write back to the portal changes nothing there but its updated_at, and costs
-- a round trip that returns through every input of aligner-sync (an "echo"). aligner-sync
-- recognises echoes without this (docs/two-way.md, "What wins when both sides edit"), but
-- skipping them at the source saves the writes and the round trips.
--
-- How: every SQL Server session of aligner-sync runs
--     EXEC sp_set_session_context @key = N'aligner_sync', @value = 1;
-- when its connection opens (SQL Server 2016 or later). A trigger reads it with
-- SESSION_CONTEXT(N'aligner_sync'); in every other session it is NULL.
--
-- Install: put the two lines marked "aligner-sync" at the top of the body of each trigger of
-- dbo.tblAlignerBatches and dbo.tblAlignerNotes that forwards changes to the portal, before any
-- other statement (after SET NOCOUNT ON). Only those triggers: a trigger that audits or
-- validates must keep firing for aligner-sync's writes too. aligner-sync never writes any
-- batch column but Days, nor any note column but NoteText, IsEdited, EditedAt, IsRead (and
-- whole Doctor notes on insert/delete), so nothing the clinic changed is held back.
--
-- Example: a forward-sync trigger with the check (the body below it is the clinic's own).

CREATE OR ALTER TRIGGER dbo.trg_tblAlignerBatches_ForwardSync
ON dbo.tblAlignerBatches
AFTER INSERT, UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;

    -- aligner-sync: this change came from the portal; do not send it back.
    IF CAST(SESSION_CONTEXT(N'aligner_sync') AS int) = 1
        RETURN;

    -- ... the clinic's existing forward-sync logic, unchanged, e.g.:
    -- INSERT INTO dbo.PortalOutbox (TableName, RowKey, QueuedAt)
    -- SELECT N'aligner_batches', i.AlignerBatchID, SYSUTCDATETIME()
    -- FROM inserted i
    -- LEFT JOIN deleted d ON d.AlignerBatchID = i.AlignerBatchID
    -- WHERE d.AlignerBatchID IS NULL OR EXISTS (SELECT i.Days EXCEPT SELECT d.Days);
END;
GO

-- To check a session (for example from SSMS, which is not aligner-sync): returns NULL.
-- SELECT SESSION_CONTEXT(N'aligner_sync') AS aligner_sync;
