package org.agentstream.benchmark;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The comparison's Markdown table: a row per load and figure, a column per server, each cell the figure and its
 * ratio to the better of the two peers (lower is better for every figure).
 */
final class ComparisonTable {

    private record Figure(String name, String unit, ToDoubleFunction<LoadBenchmark.Figures> value, boolean ratio) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("time per chunk p50", "ms", LoadBenchmark.Figures::timePerChunkP50, true),
            new Figure("time per chunk p99", "ms", LoadBenchmark.Figures::timePerChunkP99, true),
            new Figure("first chunk p50", "ms", LoadBenchmark.Figures::firstChunkP50, true),
            new Figure("first chunk p99", "ms", LoadBenchmark.Figures::firstChunkP99, true),
            new Figure("lag p50", "ms", LoadBenchmark.Figures::lagP50, true),
            new Figure("lag p99", "ms", LoadBenchmark.Figures::lagP99, true),
            new Figure("server CPU per chunk", "µs", LoadBenchmark.Figures::serverCpuPerChunkMicros, true),
            new Figure("server threads at peak", "", LoadBenchmark.Figures::serverThreadsPeak, true),
            new Figure("server RSS at peak", "MB", LoadBenchmark.Figures::serverRssPeakMb, true),
            new Figure("load client CPU", "s", LoadBenchmark.Figures::clientCpuS, false));

    /** A load's results; {@code peersFrom} names the group whose peers its ratios are to (usually itself). */
    private record Group(String peersFrom, Map<ComparedServer, LoadBenchmark.Figures> results) {
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    void add(String group, String peersFrom, ComparedServer server, LoadBenchmark.Figures figures) {
        groups.computeIfAbsent(group, name -> new Group(peersFrom, new EnumMap<>(ComparedServer.class)))
                .results().put(server, figures);
    }

    void print(PrintStream out, List<ComparedServer> columns) {
        out.println("| Load | Figure | " + columns.stream().map(server -> server.title)
                .collect(Collectors.joining(" | ")) + " |");
        out.println("|---|---|" + "---|".repeat(columns.size()));
        groups.forEach((name, group) -> {
            Map<ComparedServer, LoadBenchmark.Figures> peers = groups.getOrDefault(group.peersFrom(), group).results();
            out.println("| " + name + " | replies complete / busy / lost | " + columns.stream()
                    .map(server -> replies(group.results().get(server))).collect(Collectors.joining(" | ")) + " |");
            for (Figure figure : FIGURES) {
                double best = Stream.of(ComparedServer.values()).filter(server -> server.peer)
                        .map(peers::get).filter(figures -> figures != null)
                        .mapToDouble(figure.value()).filter(value -> value > 0 && Double.isFinite(value)).min()
                        .orElse(Double.NaN);
                out.println("| " + name + " | " + figure.name() + " | " + columns.stream()
                        .map(server -> cell(figure, group.results().get(server), best))
                        .collect(Collectors.joining(" | ")) + " |");
            }
        });
    }

    static String replies(LoadBenchmark.Figures figures) {
        if (figures == null) {
            return "—";
        }
        return figures.complete() + " / " + figures.busy() + " / " + figures.lost()
                + (figures.other() > 0 ? " (+" + figures.other() + " other)" : "")
                + (figures.timedOut() ? " timed out" : "");
    }

    private static String cell(Figure figure, LoadBenchmark.Figures figures, double best) {
        if (figures == null) {
            return "—";
        }
        double value = figure.value().applyAsDouble(figures);
        if (!Double.isFinite(value) || value < 0) {
            return "n/a";
        }
        String text = number(value) + (figure.unit().isEmpty() ? "" : " " + figure.unit());
        if (figure.ratio() && Double.isFinite(best)) {
            text += String.format(Locale.ROOT, " (%.2f×)", value / best);
        }
        return text;
    }

    static String number(double value) {
        if (value >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }
}
