package org.agentstream.agent;

/**
 * What one call of a remote model tells the server's metrics and traces: when its first token came, the tokens it
 * used (from the model's usage report) and how it ended. Called on the thread that reads the model's stream.
 */
public interface ModelObserver {

    /** An observer that records nothing. */
    ModelObserver NONE = new ModelObserver() {
    };

    /** The model's first token came {@code nanos} after it was called. */
    default void firstToken(long nanos) {
    }

    /** The model reported the tokens of its input and of its output. */
    default void usage(long inputTokens, long outputTokens) {
    }

    /** The call is over: {@code failure} null when the model completed. */
    default void ended(Throwable failure) {
    }

    /** Makes one observer per model call. */
    interface Factory {
        Factory NONE = (agent, model) -> ModelObserver.NONE;

        ModelObserver call(String agent, String model);
    }
}
