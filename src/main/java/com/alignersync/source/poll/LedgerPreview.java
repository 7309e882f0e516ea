package com.alignersync.source.poll;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.DedupRules;
import com.alignersync.sink.LedgerEntry;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What the sink would decide for a page, read-only: each event against the ledger entry of its
 * key with {@link DedupRules}, without locks and without touching the clinic's tables. It
 * cannot foresee what only the write finds out (a batch whose Days already match: UNCHANGED;
 * an unknown batch or a key conflict: DEAD_LETTER), so "would apply" is an upper bound.
 */
final class LedgerPreview {

    private static final String SELECT = "SELECT AppliedVersion, ContentHash, IsTombstone FROM " + SqlDialect.LEDGER
            + " WHERE SourceTable = ? AND SourceKey = ?";

    private final DataSource dataSource;

    LedgerPreview(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Outcome> decide(List<ChangeEvent> events) throws SQLException {
        List<Outcome> out = new ArrayList<>(events.size());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(SELECT)) {
            connection.setReadOnly(true);
            for (ChangeEvent event : events) {
                if (event.table() == SourceTable.ALIGNER_NOTES && !"Doctor".equals(event.after().text("note_type"))) {
                    out.add(Outcome.IGNORED);
                    continue;
                }
                select.setString(1, event.table().tableName());
                select.setLong(2, event.key());
                LedgerEntry entry = null;
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        entry = new LedgerEntry(rs.getLong(1), rs.getString(2), rs.getBoolean(3));
                    }
                }
                out.add(switch (DedupRules.decide(entry, event.version(), event.contentHash())) {
                    case APPLY, APPLY_CONFLICT_WINNER -> Outcome.APPLIED;
                    case DUPLICATE -> Outcome.DUPLICATE;
                    case STALE -> Outcome.STALE;
                    case CONFLICT_LOSER -> Outcome.CONFLICT;
                });
            }
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        }
        return out;
    }
}
