package org.agentstream.benchmark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

/**
 * The comparison's Markdown table: a row per load and figure, a column per server, each cell the median of the
 * figure over the rounds run, its ratio to the best peer's median (lower is better for every figure), and, when
 * the rounds differ, the lowest and highest in brackets.
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

    /**
     * A load's results, each server's rounds in order; {@code peersFrom} names the group whose peers its ratios are
     * to (usually itself).
     */
    private record Group(String peersFrom, Map<ComparedServer, List<LoadBenchmark.Figures>> results) {
    }

    /** A figure over the rounds: the median and the lowest and highest value; NaN where no round had a value. */
    record Spread(double median, double low, double high) {

        static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN);

        static Spread of(double... values) {
            double[] sorted = DoubleStream.of(values).filter(value -> value >= 0 && Double.isFinite(value)).sorted()
                    .toArray();
            if (sorted.length == 0) {
                return NONE;
            }
            int middle = sorted.length / 2;
            double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
            return new Spread(median, sorted[0], sorted[sorted.length - 1]);
        }

        boolean known() {
            return Double.isFinite(median);
        }

        /** {@code 10.8 ms (1.04×) [10.6–11.1]}: the ratio when {@code best} is known, the range when it shows. */
        String text(String unit, double best) {
            if (!known()) {
                return "n/a";
            }
            String text = number(median) + (unit.isEmpty() ? "" : " " + unit);
            if (Double.isFinite(best)) {
                text += String.format(Locale.ROOT, " (%.2f×)", median / best);
            }
            String low = number(this.low);
            String high = number(this.high);
            return low.equals(high) ? text : text + " [" + low + "–" + high + "]";
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    /** Adds one round's figures of {@code server} under the load {@code group}. */
    void add(String group, String peersFrom, ComparedServer server, LoadBenchmark.Figures figures) {
        groups.computeIfAbsent(group, name -> new Group(peersFrom, new EnumMap<>(ComparedServer.class)))
                .results().computeIfAbsent(server, each -> new ArrayList<>()).add(figures);
    }

    void print(PrintStream out, List<ComparedServer> columns) {
        out.println("| Load | Figure | " + columns.stream().map(server -> server.title)
                .collect(Collectors.joining(" | ")) + " |");
        out.println("|---|---|" + "---|".repeat(columns.size()));
        groups.forEach((name, group) -> {
            Map<ComparedServer, List<LoadBenchmark.Figures>> peers =
                    groups.getOrDefault(group.peersFrom(), group).results();
            out.println("| " + name + " | replies complete / busy / lost | " + columns.stream()
                    .map(server -> replies(group.results().get(server))).collect(Collectors.joining(" | ")) + " |");
            for (Figure figure : FIGURES) {
                double best = Stream.of(ComparedServer.values()).filter(server -> server.peer)
                        .map(server -> spread(figure, peers.get(server))).filter(Spread::known)
                        .mapToDouble(Spread::median).filter(median -> median > 0).min().orElse(Double.NaN);
                out.println("| " + name + " | " + figure.name() + " | " + columns.stream()
                        .map(server -> cell(figure, group.results().get(server), best))
                        .collect(Collectors.joining(" | ")) + " |");
            }
        });
    }

    /** Each round's replies, once where all rounds had the same. */
    private static String replies(List<LoadBenchmark.Figures> rounds) {
        if (rounds == null) {
            return "—";
        }
        return rounds.stream().map(ComparisonTable::replies).distinct().count() == 1 ? replies(rounds.get(0))
                : rounds.stream().map(ComparisonTable::replies).collect(Collectors.joining("; "));
    }

    static String replies(LoadBenchmark.Figures figures) {
        if (figures == null) {
            return "—";
        }
        return figures.complete() + " / " + figures.busy() + " / " + figures.lost()
                + (figures.other() > 0 ? " (+" + figures.other() + " other)" : "")
                + (figures.timedOut() ? " timed out" : "");
    }

    private static Spread spread(Figure figure, List<LoadBenchmark.Figures> rounds) {
        return rounds == null ? Spread.NONE : Spread.of(rounds.stream().mapToDouble(figure.value()).toArray());
    }

    private static String cell(Figure figure, List<LoadBenchmark.Figures> rounds, double best) {
        if (rounds == null) {
            return "—";
        }
        return spread(figure, rounds).text(figure.unit(), figure.ratio() ? best : Double.NaN);
    }

    static String number(double value) {
        if (value >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }
}
