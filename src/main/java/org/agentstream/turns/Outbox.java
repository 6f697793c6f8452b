package org.agentstream.turns;

import org.agentstream.streaming.ReplySink;
import org.agentstream.wire.OutboundFrame;

/** Where one connection's frames go, in call order: its replies' frames and every answer to a request. */
public interface Outbox extends ReplySink {

    void send(OutboundFrame frame);
}
