package org.agentstream.access;

/**
 * HTTP sessions that ended (signed out, invalidated, timed out) as every node of a cluster knows them: a node may still
 * hold its own copy of a session that ended on another (Payara's instances do), and a request with it must not go on
 * as that session's user. On one node the container's own knowledge is enough: {@link #ONE_NODE} knows of none.
 */
public interface EndedSessions {

    /** On one node: the container ends its sessions itself. */
    EndedSessions ONE_NODE = new EndedSessions() {
        @Override
        public void ended(String httpSessionId) {
            // the container knows
        }

        @Override
        public boolean hasEnded(String httpSessionId) {
            return false;
        }
    };

    /** The session ended on this node. */
    void ended(String httpSessionId);

    /** Whether the session ended on any node. */
    boolean hasEnded(String httpSessionId);
}
