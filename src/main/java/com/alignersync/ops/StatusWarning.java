package com.alignersync.ops;

/**
 * One problem the {@code status} table lists, with what to do about it.
 *
 * @param remedy what to do; null when the problem's own text already says it
 */
record StatusWarning(String problem, String remedy) {

    String text() {
        return remedy == null ? problem : problem + " -> " + remedy;
    }
}
