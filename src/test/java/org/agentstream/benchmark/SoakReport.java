package org.agentstream.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What a soak writes: a CSV row per reading, an SVG plot of heap after GC, threads and replies a second over the
 * minutes (plain SVG text, drawn here), and the table of the end checks.
 */
final class SoakReport {

    /** When a reading was made: before the mix (idle), once a minute during it, after it (idle again). */
    enum Phase {
        IDLE_BEFORE, MIX, IDLE_AFTER
    }

    /** One reading, with the replies the clients saw end since the previous one. */
    record Row(Phase phase, int minute, double elapsedS, ServerGauges.Reading reading, long repliesEnded,
            double repliesPerSecond) {
    }

    /** One end check: what was measured, against what, and whether it holds. */
    record Check(String name, String figure, String limit, boolean passed) {
    }

    private static final int WIDTH = 880;
    private static final int PANEL_HEIGHT = 170;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 64;
    private static final int GAP = 40;
    /** Five steps divide a scale of 1, 2 or 5 times a power of ten into round figures. */
    private static final int GRID_LINES = 5;
    private static final double CHECK_BAND = 0.10;

    private SoakReport() {
    }

    static void writeCsv(Path file, List<Row> rows) throws IOException {
        StringBuilder csv = new StringBuilder("phase,minute,elapsed_s,heap_after_gc_mb,threads,open_files,rss_mb,"
                + "active_replies,replies_ended,replies_per_s,server_completed,conversations,messages,reply_chunks\n");
        for (Row row : rows) {
            ServerGauges.Reading reading = row.reading();
            csv.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.1f,%d,%d,%.1f,%d,%d,%.2f,%d,%d,%d,%d%n",
                    row.phase().name().toLowerCase(Locale.ROOT).replace('_', '-'), row.minute(), row.elapsedS(),
                    reading.heapAfterGcMb(), reading.threads(), reading.openFiles(), reading.rssMb(),
                    reading.activeReplies(), row.repliesEnded(), row.repliesPerSecond(), reading.completedReplies(),
                    reading.conversations(), reading.messages(), reading.replyChunks()));
        }
        Files.writeString(file, csv);
    }

    /**
     * Three panels over the minutes of the mix, the idle reading before it at minute 0: heap after a full GC and
     * threads, each with the band of the check (the first minute's figure, plus or minus 10%), and replies a second.
     */
    static void writeSvg(Path file, String title, List<Row> rows) throws IOException {
        List<Row> plotted = rows.stream().filter(row -> row.phase() != Phase.IDLE_AFTER).toList();
        Row first = plotted.stream().filter(row -> row.phase() == Phase.MIX).findFirst().orElse(null);
        int height = TOP + 3 * PANEL_HEIGHT + 3 * GAP;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH,
                height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"26\" font-size=\"16\">%s</text>%n", LEFT,
                escape(title)));
        panel(svg, 0, "heap after full GC (MB)", plotted, row -> row.reading().heapAfterGcMb(), first, "#1f77b4");
        panel(svg, 1, "server threads", plotted, row -> row.reading().threads(), first, "#d62728");
        panel(svg, 2, "replies a second (seen ending by the clients)", plotted, Row::repliesPerSecond, null,
                "#2ca02c");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">minutes (0: idle "
                + "before the mix)</text>%n", LEFT + (WIDTH - LEFT - RIGHT) / 2, height - 8));
        svg.append("</svg>\n");
        Files.writeString(file, svg);
    }

    private static void panel(StringBuilder svg, int index, String name, List<Row> rows,
            ToDoubleFunction<Row> value, Row bandAround, String colour) {
        int top = TOP + index * (PANEL_HEIGHT + GAP);
        int bottom = top + PANEL_HEIGHT;
        int right = WIDTH - RIGHT;
        int lastMinute = Math.max(1, rows.get(rows.size() - 1).minute());
        double max = rows.stream().mapToDouble(value).max().orElse(1);
        if (bandAround != null) {
            max = Math.max(max, value.applyAsDouble(bandAround) * (1 + CHECK_BAND));
        }
        double scaleTop = niceCeiling(max);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", LEFT,
                top - 8, escape(name)));
        for (int i = 0; i <= GRID_LINES; i++) {
            double figure = scaleTop * i / GRID_LINES;
            double y = bottom - (double) PANEL_HEIGHT * i / GRID_LINES;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "stroke=\"#ddd\"/>%n<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, right,
                    y, LEFT - 6, y + 4, label(figure)));
        }
        if (bandAround != null) {
            double centre = value.applyAsDouble(bandAround);
            double high = bottom - PANEL_HEIGHT * centre * (1 + CHECK_BAND) / scaleTop;
            double low = bottom - PANEL_HEIGHT * centre * (1 - CHECK_BAND) / scaleTop;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
                    + "fill=\"%s\" fill-opacity=\"0.12\"/>%n<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
                    + "fill=\"#555\">first minute ±10%%</text>%n", LEFT, high, right - LEFT, low - high, colour,
                    right - 4, high - 3));
        }
        int step = lastMinute <= 15 ? 1 : lastMinute <= 60 ? 5 : 10;
        for (int minute = 0; minute <= lastMinute; minute += step) {
            double x = LEFT + (double) (right - LEFT) * minute / lastMinute;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x,
                    bottom + 15, minute));
        }
        StringBuilder points = new StringBuilder();
        for (Row row : rows) {
            double x = LEFT + (double) (right - LEFT) * row.minute() / lastMinute;
            double y = bottom - PANEL_HEIGHT * value.applyAsDouble(row) / scaleTop;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", x, y,
                    colour));
        }
        svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                + "stroke-width=\"2\"/>%n", points.toString().trim(), colour));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n",
                LEFT, bottom, right, bottom));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}: the top of a panel's scale. */
    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= value) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static String label(double figure) {
        return BigDecimal.valueOf(figure).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The verdict as a Markdown table. */
    static void printChecks(PrintStream out, List<Check> checks) {
        out.println("| Check | Measured | Must be | Verdict |");
        out.println("|---|---|---|---|");
        for (Check check : checks) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", check.name(), check.figure(), check.limit(),
                    check.passed() ? "pass" : "FAIL");
        }
    }
}
