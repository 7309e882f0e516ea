package com.alignersync.sink.support;

import java.sql.SQLException;
import java.util.Map;

/**
 * SQL Server's errors as mssql-jdbc hands them to the sink: an exception whose
 * {@code getErrorCode()} is the server's error number (mssql-jdbc's SQLServerException
 * constructors are not public, and the sink reads nothing else) and whose SQLState follows the driver's
 * mapping ({@code SQLServerException.generateStateCode}: 1205 → 40001; 2627, 2601, 547, 515 →
 * 23000; 8152 → 22001; 208 → S0002; 207 → S0022; anything else S0001). Messages are the texts
 * of {@code sys.messages} with example names filled in.
 */
public enum SqlServerError {
    /** Transaction (Process ID n) was deadlocked ... and has been chosen as the deadlock victim. */
    DEADLOCK_VICTIM(1205, "40001", "Transaction (Process ID 61) was deadlocked on lock resources with another process and has been"
            + " chosen as the deadlock victim. Rerun the transaction."),
    /** Only raised when {@code SET LOCK_TIMEOUT} is set; the default is to wait forever. */
    LOCK_TIMEOUT(1222, "S0001", "Lock request time out period exceeded."),
    DUPLICATE_KEY(2627, "23000", "Violation of PRIMARY KEY constraint 'PK_tblAlignerNotes'. Cannot insert duplicate key in object"
            + " 'dbo.tblAlignerNotes'. The duplicate key value is (2)."),
    DUPLICATE_INDEX_KEY(2601, "23000", "Cannot insert duplicate key row in object 'dbo.tblAlignerNotes' with unique index"
            + " 'IX_tblAlignerNotes_Set'. The duplicate key value is (2)."),
    CONSTRAINT(547, "23000", "The INSERT statement conflicted with the FOREIGN KEY constraint \"FK_tblAlignerNotes_tblAlignerSets\"."
            + " The conflict occurred in database \"Clinic\", table \"dbo.tblAlignerSets\", column 'AlignerSetID'."),
    NULL_NOT_ALLOWED(515, "23000", "Cannot insert the value NULL into column 'NoteText', table 'Clinic.dbo.tblAlignerNotes';"
            + " column does not allow nulls. INSERT fails."),
    TRUNCATION(2628, "S0001", "String or binary data would be truncated in table 'Clinic.dbo.tblAlignerNotes', column 'NoteType'."
            + " Truncated value: 'Doctor'."),
    TRUNCATION_LEGACY(8152, "22001", "String or binary data would be truncated."),
    OVERFLOW(8115, "S0001", "Arithmetic overflow error converting expression to data type int."),
    /** A clinic trigger's {@code THROW 50000, ...} or {@code RAISERROR(..., 16, 1)}. */
    TRIGGER_THROW(50000, "S0001", "Notes of a closed aligner set cannot be changed (trg_tblAlignerNotes_guard)."),
    /** A clinic trigger's {@code THROW 51000, ...} that quotes the row: SQL Server's text can carry note text. */
    TRIGGER_THROW_QUOTING_ROW(51000, "S0001", "Note refused by trg_tblAlignerNotes_audit: 'PLANTED-PHI-7731 reports tightness'."),
    /** A trigger that ran {@code ROLLBACK TRANSACTION}. */
    TRANSACTION_ENDED_IN_TRIGGER(3609, "S0001", "The transaction ended in the trigger. The batch has been aborted."),
    /** Any statement in a transaction whose XACT_STATE() is -1. */
    UNCOMMITTABLE(3930, "S0001", "The current transaction cannot be committed and cannot support operations that write to the log"
            + " file. Roll back the transaction."),
    PERMISSION_DENIED(229, "S0001", "The UPDATE permission was denied on the object 'tblAlignerBatches', database 'Clinic', schema 'dbo'."),
    IDENTITY_INSERT_DENIED(1088, "S0001", "Cannot find the object \"dbo.tblAlignerNotes\" because it does not exist or you do not have"
            + " permissions."),
    INVALID_OBJECT(208, "S0002", "Invalid object name 'dbo.AlignerSyncLedger'."),
    LOGIN_FAILED(18456, "S0001", "Login failed for user 'aligner_sync'.");

    private static final Map<Integer, SqlServerError> BY_NUMBER = Map.ofEntries(
            java.util.Arrays.stream(values()).map(e -> Map.entry(e.number, e)).toArray(Map.Entry[]::new));

    public final int number;
    private final String sqlState;
    private final String message;

    SqlServerError(int number, String sqlState, String message) {
        this.number = number;
        this.sqlState = sqlState;
        this.message = message;
    }

    public static SqlServerError byNumber(int number) {
        SqlServerError error = BY_NUMBER.get(number);
        if (error == null) {
            throw new IllegalArgumentException("no emulation of SQL Server error " + number);
        }
        return error;
    }

    public SQLException exception() {
        return new SQLException(message, sqlState, number);
    }

    /** mssql-jdbc's client-side query timeout ({@code Statement.setQueryTimeout}): SQLState HY008, no server number. */
    public static SQLException queryTimeout() {
        return new SQLException("The query has timed out.", "HY008", 0);
    }
}
