package com.alignersync.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusDiagnosisTest {

    private static List<String> warningsOf(Map<String, Object> liveStatus) {
        Map<String, Object> report = Map.of("daemon", Map.of("state", "running",
                "live", Map.of("state", "reachable", "status", liveStatus)));
        return new StatusDiagnosis(new OperatorStatus.Result(report, List.of(), List.of(), true)).warnings().stream()
                .map(StatusWarning::text).toList();
    }

    @Test
    void theSinksNotReadyWarningIsSaidOnceAsNotReadyWithWhatToDo() {
        List<String> warnings = warningsOf(Map.of(
                "summary", Map.of("notReadyReason", "SQL Server refused the login",
                        "warnings", List.of("sink: " + SinkStatus.unavailableWarning("SQL Server refused the login"),
                                "cdc: replica identity is DEFAULT -> run connector-config/supabase-setup.sql")),
                "sink", Map.of("state", "unavailable", "reason", "SQL Server refused the login")));
        assertEquals(List.of("not ready: SQL Server refused the login -> check that SQL Server is up; the inputs hold their"
                        + " positions and resume by themselves",
                "cdc: replica identity is DEFAULT -> run connector-config/supabase-setup.sql"), warnings);
    }

    @Test
    void aSinkWarningOtherThanNotReadyIsPassedOnWithWhereToLook() {
        List<String> warnings = warningsOf(Map.of(
                "summary", Map.of("warnings", List.of("sink: 2 equal-version conflict(s) decided by a tie-break, last: note 7")),
                "sink", Map.of("state", "reachable")));
        assertEquals(List.of("sink: 2 equal-version conflict(s) decided by a tie-break, last: note 7 -> see the daemon's log"), warnings);
    }
}
