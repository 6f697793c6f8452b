package org.agentstream.metrics;

/** What a connection's outbox counts of the frames it sends: error frames by code, and chunks sent again. */
public interface FrameMeters {

    /** Counts nothing. */
    FrameMeters NONE = new FrameMeters() {
        @Override
        public void errorSent(String code) {
        }

        @Override
        public void replayedChunk() {
        }
    };

    /** An error frame with {@code code} went to a client. */
    void errorSent(String code);

    /** A chunk was sent again to a client that resumed. */
    void replayedChunk();
}
