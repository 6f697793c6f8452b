package org.agentstream.testing;

import java.io.IOException;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/** Changes settings the way an admin does in the console: through WildFly's management API. */
public final class WildFlyAdmin {

    private final ManagementClient client;

    public WildFlyAdmin(ManagementClient client) {
        this.client = client;
    }

    /** Sets a system property resource (console: Configuration → System Properties). */
    public void setSystemProperty(String name, String value) throws IOException {
        removeSystemProperty(name);
        ModelNode add = Operations.createAddOperation(Operations.createAddress("system-property", name));
        add.get("value").set(value);
        execute(add);
    }

    public void removeSystemProperty(String name) throws IOException {
        ModelNode address = Operations.createAddress("system-property", name);
        ModelNode read = client.getControllerClient().execute(Operations.createReadResourceOperation(address));
        if (Operations.isSuccessfulOutcome(read)) {
            execute(Operations.createRemoveOperation(address));
        }
    }

    private void execute(ModelNode operation) throws IOException {
        ModelNode result = client.getControllerClient().execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IOException(Operations.getFailureDescription(result).asString());
        }
    }
}
