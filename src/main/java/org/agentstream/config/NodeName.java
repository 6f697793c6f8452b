package org.agentstream.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The server's name for this node: WildFly's node name, Payara's instance name, else the host's. It names the node in
 * {@code /status} and marks the rows of replies this node is streaming, so that at its next start it finds its own.
 */
public final class NodeName {

    private NodeName() {
    }

    public static String ofThisServer() {
        for (String property : List.of("jboss.node.name", "com.sun.aas.instanceName")) {
            String name = System.getProperty(property);
            if (name != null && !name.isBlank()) {
                return name;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "this node";
        }
    }
}
