package org.agentstream.history;

import java.util.List;
import org.agentstream.agent.Turn;

/** The user's message was stored: the position reserved for its reply, and the turns before it (oldest first). */
public record UserTurn(String conversationId, int replyPosition, List<Turn> earlier) {
}
