package com.alignersync.ops;

/** How the ops commands quote an exception: one line, and the innermost cause when a wrapper hides it. */
final class ErrorText {

    private ErrorText() {
    }

    /** The first line of the message: enough to act on, without a driver's multi-line detail. */
    static String of(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /**
     * The message with the innermost cause appended: a pool's "connection is not available"
     * hides why (login refused, database not found), and that is what the operator must fix.
     */
    static String withRootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? of(e) : of(e) + " (cause: " + of(root) + ")";
    }
}
