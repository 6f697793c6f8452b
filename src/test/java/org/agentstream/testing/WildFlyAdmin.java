package org.agentstream.testing;

import java.io.IOException;
import java.net.InetAddress;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/** WildFly's management API: what the console and jboss-cli use. */
final class WildFlyAdmin implements ServerAdmin {

    private final ModelControllerClient client;

    private WildFlyAdmin(ModelControllerClient client) {
        this.client = client;
    }

    static WildFlyAdmin connect() throws IOException {
        int port = Integer.getInteger("it.management.port", 9990);
        return new WildFlyAdmin(ModelControllerClient.Factory.create(InetAddress.getLoopbackAddress(), port));
    }

    /** Console: Configuration → System Properties; CLI: /system-property=NAME:add(value=VALUE). */
    @Override
    public void setSystemProperty(String name, String value) throws IOException {
        removeSystemProperty(name);
        ModelNode add = Operations.createAddOperation(Operations.createAddress("system-property", name));
        add.get("value").set(value);
        execute(add);
    }

    @Override
    public void removeSystemProperty(String name) throws IOException {
        ModelNode address = Operations.createAddress("system-property", name);
        if (Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(address)))) {
            execute(Operations.createRemoveOperation(address));
        }
    }

    /** Runs a jboss-cli style operation; fails with the server's own description. */
    ModelNode execute(ModelNode operation) throws IOException {
        ModelNode result = client.execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IOException(Operations.getFailureDescription(result).asString());
        }
        return Operations.readResult(result);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
