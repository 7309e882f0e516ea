package com.alignersync.config;

/**
 * One configuration key, declared once with everything about it: property name, the
 * environment variable that overrides it, default, whether it is a secret, and the doc
 * line that error messages and {@code --help} quote.
 *
 * @param defaultValue null when the key has no default
 */
public record ConfigKey(String property, String env, String defaultValue, boolean secret, String doc) {

    /** The environment variable derived from the property: {@code sink.notes.delete-mode} to {@code SINK_NOTES_DELETE_MODE}. */
    public static String envNameOf(String property) {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /** How messages name this key, so a reader knows both ways to set it. */
    public String label() {
        return property + " (env " + env + ")";
    }
}
