package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package arrows point one way (issue 22): from {@code cli}/{@code app} down to the inputs,
 * to the sink, and to {@code event}/{@code config}/{@code state}. Read from the imports of
 * src/main, so a new cycle fails here before it spreads.
 */
class PackageDependencyTest {

    private static final Path MAIN = Path.of("src/main/java/com/alignersync");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?com\\.alignersync\\.([a-z.]+)\\.[A-Z]", Pattern.MULTILINE);

    /** Arrows that must never exist, whatever else changes: what each rule protects is in its message. */
    private static final Map<String, String> FORBIDDEN = Map.of(
            "source.* -> ops", "an input reaches up into the operator tools",
            "* -> app", "only cli may start the daemon",
            "sink -> source.*", "the sink knows no input",
            "event -> *", "the change event is a leaf");

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg)) {
                        deps.add(target);
                    }
                }
            }
        }
        return graph;
    }

    /** The inputs, reconcile and verify know the sink by its interface, not by the SQL Server class behind it. */
    @Test
    void theInputsDependOnTheSinkInterfaceNotItsImplementation() throws IOException {
        List<String> concrete = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                if ((pkg.startsWith("source") || pkg.equals("reconcile")) && Files.readString(file).contains("SqlServerSink")) {
                    concrete.add(MAIN.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), concrete);
    }

    @Test
    void thePackagesHaveNoCycle() throws IOException {
        assertEquals(List.of(), cycles(graph()), "package cycles (each a strongly connected set of packages)");
    }

    @Test
    void noPackageTakesAForbiddenArrow() throws IOException {
        List<String> broken = new ArrayList<>();
        graph().forEach((from, deps) -> deps.forEach(to -> FORBIDDEN.forEach((rule, why) -> {
            String[] ends = rule.split(" -> ");
            if (matches(ends[0], from) && matches(ends[1], to) && !(to.equals("app") && from.equals("cli"))) {
                broken.add(from + " -> " + to + ": " + why);
            }
        })));
        assertEquals(List.of(), broken);
    }

    private static boolean matches(String pattern, String pkg) {
        return pattern.equals("*") || pattern.equals(pkg) || (pattern.endsWith(".*") && pkg.startsWith(pattern.substring(0, pattern.length() - 1)));
    }

    /** Tarjan's strongly connected components of more than one package. */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> found, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, found, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
