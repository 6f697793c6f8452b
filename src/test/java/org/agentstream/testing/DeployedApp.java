package org.agentstream.testing;

import java.io.IOException;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every IT stands on: the application ({@link Deployments#war()}) deployed on the server under test, which
 * the test reaches from outside as a client does, at {@link #base}. The chat lets anonymous owners in
 * ({@code agentstream.chat.sign-in=off}, set once through the server's admin interface), since most ITs are about
 * streaming, and hundreds of their connections and messages as one signed-in user would meet the per-user limits;
 * {@code SignInIT} and the page's sign-in test turn sign-in on for themselves and off again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public abstract class DeployedApp {

    public static final String SIGN_IN = "agentstream.chat.sign-in";
    private static volatile boolean anonymousChat;

    @ArquillianResource
    protected URL base;

    /** Each test class has a deployment of its own, and a new deployment has none of the last one's sessions. */
    @BeforeAll
    static void newDeploymentNewSessions() {
        SignIn.forget();
    }

    @BeforeEach
    void letAnonymousOwnersChat() throws IOException {
        if (!anonymousChat) {
            try (ServerAdmin admin = ServerAdmin.of(base)) {
                admin.setSetting(SIGN_IN, "off");
            }
            anonymousChat = true;
        }
    }

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.war();
    }
}
