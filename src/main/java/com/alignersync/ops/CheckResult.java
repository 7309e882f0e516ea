package com.alignersync.ops;

/**
 * One preflight check's verdict, printed as {@code STATUS  name: detail}.
 *
 * @param detail what was found and, for WARN and FAIL, the fix; never a secret
 */
public record CheckResult(Status status, String name, String detail) {

    /** FAIL stops the daemon from working; WARN works but deserves a look; SKIP was not checked (input disabled, or an earlier check failed). */
    public enum Status {
        OK, WARN, FAIL, SKIP
    }

    public static CheckResult ok(String name, String detail) {
        return new CheckResult(Status.OK, name, detail);
    }

    public static CheckResult warn(String name, String detail) {
        return new CheckResult(Status.WARN, name, detail);
    }

    public static CheckResult fail(String name, String detail) {
        return new CheckResult(Status.FAIL, name, detail);
    }

    public static CheckResult skip(String name, String detail) {
        return new CheckResult(Status.SKIP, name, detail);
    }

    public String line() {
        return String.format("%-4s  %s: %s", status, name, detail);
    }
}
