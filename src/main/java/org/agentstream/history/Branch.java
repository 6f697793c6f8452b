package org.agentstream.history;

/**
 * What a regenerate or an edit made of a conversation: the turn to answer (the new reply's reserved place and the
 * earlier turns of the current branch), the user message it answers with its text, and the agent to ask; or, with
 * nothing changed, why not.
 */
public record Branch(Refusal refused, UserTurn turn, String userMessageId, String question, String agent) {

    /** Why nothing was made. */
    public enum Refusal {
        /** An edit's conversation is unknown, deleted or another owner's. */
        UNKNOWN_CONVERSATION,
        /**
         * The reply (regenerate) or user message (edit) is unknown, another owner's, not of that conversation, not of
         * the right role, or left the conversation's current branch already.
         */
        UNKNOWN_MESSAGE,
        /** The reply is not the last message of its conversation's current branch. */
        NOT_LAST_REPLY,
        /** A reply of the conversation is still streaming. */
        REPLY_STREAMING,
        /** The agent that made the reply is gone ({@link #agent} names it). */
        UNKNOWN_AGENT
    }

    public static Branch refused(Refusal why) {
        return new Branch(why, null, null, null, null);
    }

    /** The reply's agent, {@code agent}, is gone. */
    static Branch agentGone(String agent) {
        return new Branch(Refusal.UNKNOWN_AGENT, null, null, null, agent);
    }

    public static Branch made(UserTurn turn, String userMessageId, String question, String agent) {
        return new Branch(null, turn, userMessageId, question, agent);
    }

    public boolean isRefused() {
        return refused != null;
    }
}
