package org.agentstream.testing;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every IT stands on: the application ({@link Deployments#war()}) deployed on the server under test, which
 * the test reaches from outside as a client does, at {@link #base}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public abstract class DeployedApp {

    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.war();
    }
}
