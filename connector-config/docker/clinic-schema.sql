-- The clinic database for docker-compose: the clinic's tables exactly as in production.
IF DB_ID(N'Clinic') IS NULL CREATE DATABASE Clinic;
GO
USE Clinic;
GO
IF OBJECT_ID(N'dbo.tblAlignerNotes', N'U') IS NULL
CREATE TABLE dbo.tblAlignerNotes (
  NoteID       int IDENTITY(1,1) NOT NULL PRIMARY KEY,
  AlignerSetID int           NOT NULL,
  NoteType     varchar(20)   NOT NULL,
  NoteText     nvarchar(max) NOT NULL,
  CreatedAt    datetime      NULL,
  IsEdited     bit           NULL,
  EditedAt     datetime      NULL,
  IsRead       bit           NOT NULL
);
GO
IF OBJECT_ID(N'dbo.tblAlignerBatches', N'U') IS NULL
CREATE TABLE dbo.tblAlignerBatches (
  AlignerBatchID            int IDENTITY(1,1) NOT NULL PRIMARY KEY,
  AlignerSetID              int           NOT NULL,
  BatchSequence             int           NULL,
  UpperAlignerCount         int           NULL,
  LowerAlignerCount         int           NULL,
  UpperAlignerStartSequence int           NULL,
  UpperAlignerEndSequence   int           NULL,
  LowerAlignerStartSequence int           NULL,
  LowerAlignerEndSequence   int           NULL,
  ManufactureDate           date          NULL,
  DeliveredToPatientDate    date          NULL,
  Days                      int           NULL,
  ValidityPeriod            int           NULL,
  NextBatchReadyDate        date          NULL,
  Notes                     nvarchar(max) NULL,
  IsActive                  bit           NULL
);
GO
-- The clinic's side of the sample data (src/main/resources/embedded/portal-sample-data.sql):
-- the same batches, and the Lab note that originated here.
IF NOT EXISTS (SELECT 1 FROM dbo.tblAlignerBatches)
BEGIN
  SET IDENTITY_INSERT dbo.tblAlignerBatches ON;
  INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, UpperAlignerCount, LowerAlignerCount, Days, IsActive)
  VALUES (12044, 3187, 3, 5, 5, 14, 1), (12045, 3187, 4, 5, 5, 14, 0), (12051, 3190, 1, 6, 6, 7, 1);
  SET IDENTITY_INSERT dbo.tblAlignerBatches OFF;
  SET IDENTITY_INSERT dbo.tblAlignerNotes ON;
  INSERT INTO dbo.tblAlignerNotes (NoteID, AlignerSetID, NoteType, NoteText, IsRead)
  VALUES (90001, 3187, 'Lab', N'Batch 3 shipped with refined attachments.', 1);
  SET IDENTITY_INSERT dbo.tblAlignerNotes OFF;
END
GO
