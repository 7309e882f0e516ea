-- The clinic's side of the sample data: the same batches, and the Lab note that originated here.
MERGE INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, UpperAlignerCount, LowerAlignerCount, Days, IsActive)
  KEY (AlignerBatchID) VALUES (12044, 3187, 3, 5, 5, 14, 1), (12045, 3187, 4, 5, 5, 14, 0), (12051, 3190, 1, 6, 6, 7, 1);
MERGE INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsRead)
  KEY (NoteID) VALUES (90001, 3187, 'Lab', 'Batch 3 shipped with refined attachments.', 1);
