package com.alignersync.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The unauthenticated status never repeats SQL Server's message text, which may quote row values. */
class SinkStatusReasonTest {

    @Test
    void aSqlServerRefusalKeepsItsNumberAndLeavesTheQuotedValueInTheFile() {
        String reason = SinkStatus.publicReason("SQL Server refused the write (error 2628, SQLState S0001): String or binary data would be"
                + " truncated in table 'Clinic.dbo.tblAlignerNotes', column 'NoteType'. Truncated value: 'Patient Jane Doe'.");

        assertEquals("SQL Server refused the write (error 2628, SQLState S0001); SQL Server's message is in the dead-letter file"
                + " ('aligner-sync dead-letters list')", reason);
        assertFalse(reason.contains("Jane"));
    }

    @Test
    void theSinksOwnReasonsStayAsTheyAre() {
        assertEquals("unknown batch: AlignerBatchID 77 is not in SQL Server", SinkStatus.publicReason("unknown batch: AlignerBatchID 77 is not in SQL Server"));
    }
}
