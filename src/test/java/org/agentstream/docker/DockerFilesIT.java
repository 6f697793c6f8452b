package org.agentstream.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Docker images without a Docker engine, after {@code mvn package}: every file a
 * Dockerfile copies exists, the images apply the same server-config scripts the build and the tests apply, and
 * their base image tags are the server versions the tests run on.
 */
class DockerFilesIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(\\S+)\\s+(\\S+)");

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    private static List<String> copied(String dockerfile) throws IOException {
        List<String> sources = new ArrayList<>();
        Matcher copy = COPY.matcher(read(dockerfile));
        while (copy.find()) {
            sources.add(copy.group(1));
        }
        return sources;
    }

    @Test
    void everyFileTheDockerfilesCopyExistsAfterPackage() throws IOException {
        for (String dockerfile : List.of("docker/wildfly/Dockerfile", "docker/payara/Dockerfile")) {
            List<String> sources = copied(dockerfile);
            assertTrue(sources.contains("target/agent-stream.war"), dockerfile + " copies the WAR");
            for (String source : sources) {
                assertTrue(Files.isRegularFile(ROOT.resolve(source)), dockerfile + " copies " + source
                        + ", which must exist after mvn package");
            }
        }
    }

    @Test
    void theImagesApplyTheScriptsTheTestsApply() throws IOException {
        String pom = read("pom.xml");
        assertTrue(copied("docker/wildfly/Dockerfile").contains("server-config/wildfly/configure.cli"));
        assertTrue(pom.contains("${project.basedir}/server-config/wildfly/configure.cli"),
                "the build configures the WildFly the tests run on with the same script");
        assertTrue(read("docker/wildfly/Dockerfile").contains("standalone-microprofile.xml"),
                "the image runs the configuration the tests' one is copied from");

        assertTrue(copied("docker/payara/Dockerfile").contains("server-config/payara/configure.asadmin"));
        assertTrue(read("docker/payara/Dockerfile").contains("--postbootcommandfile"));
        assertTrue(pom.contains(
                "<payara.script>${project.basedir}/server-config/payara/configure.asadmin</payara.script>"),
                "the build configures the Payara Server the tests run on with the same script");
    }

    @Test
    void theBaseImagesAreTheServerVersionsTheTestsRunOn() throws IOException {
        String wildfly = System.getProperty("wildfly.version");
        String payara = System.getProperty("payara.version");
        assertNotNull(wildfly, "the build passes wildfly.version");
        assertNotNull(payara, "the build passes payara.version");
        assertEquals("quay.io/wildfly/wildfly:" + wildfly + "-jdk17", from("docker/wildfly/Dockerfile"));
        assertEquals("payara/micro:" + payara + "-jdk17", from("docker/payara/Dockerfile"));
    }

    @Test
    void composeStartsEitherServerFromItsDockerfile() throws IOException {
        String compose = read("docker/compose.yaml");
        assertTrue(compose.contains("dockerfile: docker/wildfly/Dockerfile"));
        assertTrue(compose.contains("dockerfile: docker/payara/Dockerfile"));
        assertTrue(compose.contains("profiles: [\"wildfly\"]") && compose.contains("profiles: [\"payara\"]"));
    }

    private static String from(String dockerfile) throws IOException {
        Matcher from = FROM.matcher(read(dockerfile));
        assertTrue(from.find(), dockerfile + " has a FROM line");
        return from.group(1);
    }
}
