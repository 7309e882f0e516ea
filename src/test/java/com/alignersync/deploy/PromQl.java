package com.alignersync.deploy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL to check the shipped rules and dashboard without a Prometheus binary:
 * brackets balance, functions are real PromQL functions, and which metric names an expression
 * reads. Not a parser: it strips strings, label matchers, ranges and grouping clauses, and
 * what is left that is not a function, keyword or number is a metric name.
 */
final class PromQl {

    static final Set<String> FUNCTIONS = Set.of(
            // aggregations
            "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
            // functions used by rules and dashboards
            "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "time", "timestamp", "absent",
            "absent_over_time", "histogram_quantile", "clamp_min", "clamp_max", "abs", "ceil", "floor", "round", "scalar", "vector",
            "min_over_time", "max_over_time", "avg_over_time", "sum_over_time", "count_over_time", "last_over_time",
            "label_replace", "label_join", "predict_linear", "sort", "sort_desc");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");

    private PromQl() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression */
    static Set<String> metricNames(String expr) {
        String text = STRING.matcher(expr).replaceAll("\"\"");
        checkBalanced(expr, text);
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(text);
        while (m.find()) {
            String word = m.group();
            char before = m.start() == 0 ? ' ' : text.charAt(m.start() - 1);
            if (Character.isDigit(before) || before == '.' || before == '$') {
                continue; // 1e9, 5m, a Grafana variable
            }
            int next = m.end();
            while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
                next++;
            }
            boolean call = next < text.length() && text.charAt(next) == '(';
            if (call) {
                if (!FUNCTIONS.contains(word)) {
                    throw new IllegalArgumentException("unknown PromQL function " + word + " in: " + expr);
                }
            } else if (!KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("reads no metric: " + expr);
        }
        return names;
    }

    private static void checkBalanced(String original, String text) {
        Deque<Character> open = new ArrayDeque<>();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '(', '[', '{' -> open.push(c);
                case ')', ']', '}' -> {
                    char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
                    if (open.isEmpty() || open.pop() != expected) {
                        throw new IllegalArgumentException("unbalanced '" + c + "' in: " + original);
                    }
                }
                default -> {
                }
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("unclosed '" + open.peek() + "' in: " + original);
        }
    }
}
