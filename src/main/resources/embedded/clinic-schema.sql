-- The clinic's tables exactly as in SQL Server 2019+ (the daemon never alters them). Used for the
-- embedded H2 clinic (MODE=MSSQLServer) and by the tests, on H2 and on SQL Server alike.
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
