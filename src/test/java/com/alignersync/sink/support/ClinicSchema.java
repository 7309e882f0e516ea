package com.alignersync.sink.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The clinic's tables, from the schema the embedded default uses too (plain CREATE TABLE, valid on H2 and SQL Server). */
public final class ClinicSchema {

    private ClinicSchema() {
    }

    public static List<String> clinicTables() {
        try (InputStream in = ClinicSchema.class.getResourceAsStream("/embedded/clinic-schema.sql")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            return Arrays.stream(text.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
