package org.agentstream.testing;

import java.io.File;
import org.agentstream.testagents.EndlessAgent;
import org.agentstream.testsupport.SettingProbeServlet;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The deployment every IT uses: the WAR that {@code mvn package} built, plus the test-only agents. */
public final class Deployments {

    private Deployments() {
    }

    /** Test agents and server-side test support are added; they never ship in the product WAR. */
    public static WebArchive war() {
        File built = new File("target/agent-stream.war");
        if (!built.isFile()) {
            throw new IllegalStateException(built + " is missing: the ITs run after mvn package");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, built)
                .addPackage(EndlessAgent.class.getPackage())
                .addPackage(SettingProbeServlet.class.getPackage());
    }
}
