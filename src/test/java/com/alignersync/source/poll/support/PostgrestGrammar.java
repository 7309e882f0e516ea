package com.alignersync.source.poll.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the part of PostgREST's query grammar the fake server answers: column filters
 * {@code col=[not.]op.value}, logic trees {@code or=(a.gt.1,and(b.eq."x,y",c.lt.3))} with
 * double-quoted values and backslash escapes, {@code in.(1,2)}, and {@code order}.
 * Malformed input throws {@link ParseError}, answered as PGRST100.
 */
final class PostgrestGrammar {

    static final List<String> OPERATORS = List.of("eq", "neq", "gt", "gte", "lt", "lte", "is", "in");

    /** A filter tree: either a leaf condition or an and/or of children. */
    sealed interface Node permits Condition, Logic {
    }

    record Condition(String column, boolean negated, String operator, List<String> values) implements Node {
    }

    record Logic(String operator, boolean negated, List<Node> children) implements Node {
    }

    record OrderTerm(String column, boolean descending, Boolean nullsFirst) {
    }

    static final class ParseError extends Exception {
        ParseError(String message) {
            super(message);
        }
    }

    private PostgrestGrammar() {
    }

    /** {@code col=value} where value is {@code [not.]op.operand}. */
    static Condition columnFilter(String column, String value) throws ParseError {
        return condition(column, value);
    }

    /** {@code or=(...)}/{@code and=(...)} with {@code value} the parenthesised list. */
    static Logic logic(String operator, boolean negated, String value) throws ParseError {
        Cursor cursor = new Cursor(value);
        Logic logic = logicBody(operator, negated, cursor);
        if (!cursor.atEnd()) {
            throw new ParseError("unexpected \"" + cursor.rest() + "\" after the closing parenthesis");
        }
        return logic;
    }

    static List<OrderTerm> order(String value) throws ParseError {
        List<OrderTerm> terms = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String[] bits = part.split("\\.");
            if (bits.length == 0 || bits[0].isEmpty() || bits.length > 3) {
                throw new ParseError("failed to parse order (" + value + ")");
            }
            boolean desc = false;
            Boolean nullsFirst = null;
            for (int i = 1; i < bits.length; i++) {
                switch (bits[i]) {
                    case "asc" -> desc = false;
                    case "desc" -> desc = true;
                    case "nullsfirst" -> nullsFirst = true;
                    case "nullslast" -> nullsFirst = false;
                    default -> throw new ParseError("failed to parse order (" + value + ")");
                }
            }
            terms.add(new OrderTerm(bits[0], desc, nullsFirst));
        }
        return terms;
    }

    private static Logic logicBody(String operator, boolean negated, Cursor cursor) throws ParseError {
        cursor.expect('(');
        List<Node> children = new ArrayList<>();
        do {
            children.add(item(cursor));
        } while (cursor.accept(','));
        cursor.expect(')');
        return new Logic(operator, negated, children);
    }

    private static Node item(Cursor cursor) throws ParseError {
        for (String prefix : List.of("not.and(", "not.or(", "and(", "or(")) {
            if (cursor.startsWith(prefix)) {
                cursor.skip(prefix.length() - 1);
                boolean negated = prefix.startsWith("not.");
                return logicBody(prefix.contains("and") ? "and" : "or", negated, cursor);
            }
        }
        // column.[not.]op.operand, where operand is "quoted", (a list) or bare up to , or )
        StringBuilder head = new StringBuilder();
        int dots = 0;
        while (!cursor.atEnd()) {
            char c = cursor.peek();
            if (c == '.') {
                dots++;
                String soFar = head.toString();
                head.append(c);
                cursor.skip(1);
                // After "col.op." (or "col.not.op.") the operand starts.
                String[] bits = soFar.split("\\.");
                boolean operatorSeen = bits.length >= 2 && OPERATORS.contains(bits[bits.length - 1]);
                if (operatorSeen) {
                    break;
                }
                continue;
            }
            if (c == ',' || c == ')' || c == '(' || c == '"') {
                throw new ParseError("failed to parse logic tree: unexpected \"" + c + "\" in \"" + head + "\"");
            }
            head.append(c);
            cursor.skip(1);
        }
        String operand = operand(cursor);
        String text = head + operand;
        int firstDot = head.indexOf(".");
        if (firstDot <= 0) {
            throw new ParseError("failed to parse logic tree: \"" + text + "\" is not column.operator.value");
        }
        return condition(head.substring(0, firstDot), head.substring(firstDot + 1) + operand, true);
    }

    private static String operand(Cursor cursor) throws ParseError {
        StringBuilder out = new StringBuilder();
        if (cursor.accept('"')) {
            out.append('"');
            while (true) {
                if (cursor.atEnd()) {
                    throw new ParseError("failed to parse logic tree: unterminated quoted value");
                }
                char c = cursor.next();
                if (c == '\\') {
                    if (cursor.atEnd()) {
                        throw new ParseError("failed to parse logic tree: dangling escape");
                    }
                    out.append('\\').append(cursor.next());
                } else if (c == '"') {
                    out.append('"');
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
        }
        if (cursor.startsWith("(")) {
            int depth = 0;
            boolean quoted = false;
            while (!cursor.atEnd()) {
                char c = cursor.next();
                out.append(c);
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == '(') {
                    depth++;
                } else if (!quoted && c == ')' && --depth == 0) {
                    return out.toString();
                }
            }
            throw new ParseError("failed to parse logic tree: unbalanced parentheses");
        }
        while (!cursor.atEnd() && cursor.peek() != ',' && cursor.peek() != ')') {
            out.append(cursor.next());
        }
        return out.toString();
    }

    private static Condition condition(String column, String value) throws ParseError {
        return condition(column, value, false);
    }

    /** @param inTree values inside a logic tree may be double-quoted; a plain column filter takes them literally */
    private static Condition condition(String column, String value, boolean inTree) throws ParseError {
        String rest = value;
        boolean negated = false;
        if (rest.startsWith("not.")) {
            negated = true;
            rest = rest.substring(4);
        }
        int dot = rest.indexOf('.');
        String operator = dot < 0 ? rest : rest.substring(0, dot);
        if (dot < 0 || !OPERATORS.contains(operator)) {
            throw new ParseError("failed to parse filter (" + value + ")");
        }
        String operand = rest.substring(dot + 1);
        List<String> values = new ArrayList<>();
        if (operator.equals("in")) {
            if (!operand.startsWith("(") || !operand.endsWith(")")) {
                throw new ParseError("failed to parse filter (" + value + ")");
            }
            for (String item : splitList(operand.substring(1, operand.length() - 1))) {
                values.add(unquote(item));
            }
        } else if (operator.equals("is")) {
            if (!List.of("null", "not_null", "true", "false", "unknown").contains(operand.toLowerCase())) {
                throw new ParseError("failed to parse filter (" + value + ")");
            }
            values.add(operand.toLowerCase());
        } else {
            values.add(inTree ? unquote(operand) : operand);
        }
        return new Condition(column, negated, operator, values);
    }

    private static List<String> splitList(String list) throws ParseError {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '\\' && quoted && i + 1 < list.length()) {
                current.append(c).append(list.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == ',' && !quoted) {
                items.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new ParseError("failed to parse list: unterminated quoted value");
        }
        items.add(current.toString());
        return items;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    c = value.charAt(++i);
                }
                out.append(c);
            }
            return out.toString();
        }
        return value;
    }

    private static final class Cursor {
        private final String text;
        private int at;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return at >= text.length();
        }

        char peek() {
            return text.charAt(at);
        }

        char next() {
            return text.charAt(at++);
        }

        void skip(int n) {
            at += n;
        }

        boolean startsWith(String prefix) {
            return text.startsWith(prefix, at);
        }

        boolean accept(char c) {
            if (!atEnd() && peek() == c) {
                at++;
                return true;
            }
            return false;
        }

        void expect(char c) throws ParseError {
            if (!accept(c)) {
                throw new ParseError("failed to parse logic tree (" + text + "): expected \"" + c + "\" at position " + (at + 1));
            }
        }

        String rest() {
            return text.substring(at);
        }
    }
}
