-- The clinic's tables for the embedded H2 target (MODE=MSSQLServer), as in SQL Server.
CREATE SCHEMA IF NOT EXISTS dbo;
CREATE TABLE IF NOT EXISTS dbo.tblAlignerNotes (
  NoteID       int IDENTITY(1,1) NOT NULL PRIMARY KEY,
  AlignerSetID int           NOT NULL,
  NoteType     varchar(20)   NOT NULL,
  NoteText     nvarchar(max) NOT NULL,
  CreatedAt    datetime      NULL,
  IsEdited     bit           NULL,
  EditedAt     datetime      NULL,
  IsRead       bit           NOT NULL
);
CREATE TABLE IF NOT EXISTS dbo.tblAlignerBatches (
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
