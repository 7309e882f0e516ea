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
-- Sample data the portal also has: one aligner set with a Lab note and two batches.
IF NOT EXISTS (SELECT 1 FROM dbo.tblAlignerBatches)
BEGIN
  SET IDENTITY_INSERT dbo.tblAlignerBatches ON;
  INSERT INTO dbo.tblAlignerBatches (AlignerBatchID, AlignerSetID, BatchSequence, Days, IsActive) VALUES (12044, 3187, 3, 14, 1), (12051, 3190, 1, 7, 1);
  SET IDENTITY_INSERT dbo.tblAlignerBatches OFF;
END
GO
