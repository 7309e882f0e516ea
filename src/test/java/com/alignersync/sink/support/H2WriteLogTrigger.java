package com.alignersync.sink.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** Logs every row a statement touches, as the clinic's forward-sync triggers would fire. */
public final class H2WriteLogTrigger implements Trigger {

    private String table;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
        this.table = tableName;
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        String op = oldRow == null ? "INSERT" : newRow == null ? "DELETE" : "UPDATE";
        Object key = (newRow != null ? newRow : oldRow)[0];
        try (PreparedStatement s = conn.prepareStatement("INSERT INTO dbo.WriteLog (TableName, RowKey, Op) VALUES (?, ?, ?)")) {
            s.setString(1, table);
            s.setObject(2, key);
            s.setString(3, op);
            s.executeUpdate();
        }
    }
}
