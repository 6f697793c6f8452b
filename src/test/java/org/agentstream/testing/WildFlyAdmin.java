package org.agentstream.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.wildfly.plugin.tools.ServerHelper;

/** WildFly's management API: what the console and jboss-cli use. */
public final class WildFlyAdmin implements ServerAdmin {

    private final ModelControllerClient client;

    private WildFlyAdmin(ModelControllerClient client) {
        this.client = client;
    }

    public static WildFlyAdmin connect() throws IOException {
        int port = Integer.getInteger("it.management.port", 9990);
        return new WildFlyAdmin(ModelControllerClient.Factory.create(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * Console: Configuration → System Properties; CLI: /system-property=NAME:write-attribute(name=value,value=V)
     * when the property exists (server-config/ creates them all), else /system-property=NAME:add(value=V).
     */
    @Override
    public void setSetting(String name, String value) throws IOException {
        ModelNode address = Operations.createAddress("system-property", name);
        if (exists(address)) {
            execute(Operations.createWriteAttributeOperation(address, "value", value));
        } else {
            ModelNode add = Operations.createAddOperation(address);
            add.get("value").set(value);
            execute(add);
        }
    }

    private boolean exists(ModelNode address) throws IOException {
        return Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(address)));
    }

    @Override
    public void removeSetting(String name) throws IOException {
        ModelNode address = Operations.createAddress("system-property", name);
        if (exists(address)) {
            execute(Operations.createRemoveOperation(address));
        }
    }

    /** In the server's data directory ({@code jboss.server.data.dir}), where configure.cli puts it. */
    @Override
    public Path historyDatabase() throws IOException {
        ModelNode resolve = Operations.createOperation("resolve-expression");
        resolve.get("expression").set("${jboss.server.data.dir}");
        return Path.of(execute(resolve).asString(), "agentstream", "history.mv.db");
    }

    /**
     * CLI {@code :reload}: every service of the server stops and starts again in the same JVM (deployments,
     * datasources, the application's beans); returns once the server runs again, or fails after {@code timeout}.
     */
    @Override
    public void restart(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        ServerHelper.executeReload(client, Operations.createOperation("reload"));
        SignIn.forget();
        ServerHelper.waitForStandalone(client, timeout.toSeconds());
    }

    /** Runs a jboss-cli style operation; fails with the server's own description. */
    ModelNode execute(ModelNode operation) throws IOException {
        ModelNode result = client.execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IOException(Operations.getFailureDescription(result).asString());
        }
        if (result.hasDefined("response-headers", "operation-requires-reload")) {
            throw new IOException(operation + " only applies after a reload: " + result);
        }
        return Operations.readResult(result);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
