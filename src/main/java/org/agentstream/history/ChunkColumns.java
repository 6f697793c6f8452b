package org.agentstream.history;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Lob;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where each chunk of a reply ends in its text and when each was sent, as two text columns of {@link StoredChunks}
 * and {@link ReplyProgress}: the ends comma-separated, and the send times the first in epoch microseconds and each
 * after it as the difference to the one before.
 */
@Embeddable
public class ChunkColumns {

    @Lob
    @Column(name = "chunk_ends")
    private String chunkEnds;

    @Lob
    @Column(name = "sent_at")
    private String sentAt;

    protected ChunkColumns() {
    }

    ChunkColumns(ReplyText text) {
        this.chunkEnds = ends(text);
        this.sentAt = sentAt(text);
    }

    /** The ends column of {@code text}. */
    static String ends(ReplyText text) {
        return Arrays.stream(text.chunkEnds()).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** The send times column of {@code text}. */
    static String sentAt(ReplyText text) {
        long[] sent = text.sentAtMicros();
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < sent.length; i++) {
            times.append(i == 0 ? "" : ",").append(i == 0 ? sent[0] : sent[i] - sent[i - 1]);
        }
        return times.toString();
    }

    /**
     * The chunks of {@code content} that {@code columns} (null when both columns are: no chunk) give, or the whole
     * of it as one chunk if they do not fit it.
     */
    static ReplyText text(ChunkColumns columns, String content, long createdAtMillis) {
        return text(columns == null ? null : columns.chunkEnds, columns == null ? null : columns.sentAt, content,
                createdAtMillis);
    }

    /** The chunks of {@code content} that the two columns give, or the whole of it as one chunk if they do not fit. */
    static ReplyText text(String chunkEnds, String sentAt, String content, long createdAtMillis) {
        int[] ends = chunkEnds == null || chunkEnds.isEmpty() ? new int[0]
                : Arrays.stream(chunkEnds.split(",")).mapToInt(Integer::parseInt).toArray();
        long[] sent = new long[ends.length];
        String[] times = sentAt == null || sentAt.isEmpty() ? new String[0] : sentAt.split(",");
        boolean fits = times.length == ends.length && (ends.length == 0 ? content.isEmpty()
                : ends[ends.length - 1] == content.length());
        for (int i = 0; fits && i < ends.length; i++) {
            fits = ends[i] >= (i == 0 ? 0 : ends[i - 1]);
            sent[i] = Long.parseLong(times[i]) + (i == 0 ? 0 : sent[i - 1]);
        }
        return fits ? new ReplyText(content, ends, sent) : ReplyText.whole(content, createdAtMillis * 1_000);
    }
}
