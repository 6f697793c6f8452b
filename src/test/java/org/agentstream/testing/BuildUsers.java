package org.agentstream.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The users the build puts in each server's own realm, and the passwords it makes for them (and for Payara's
 * admin): random, made once per build folder, kept in {@code target/build-passwords.properties} (owner-readable
 * only, as {@code password.<user>}, which the ITs read as system properties), never committed. {@code demo} is for
 * the run commands; the {@code it-*} users are the ITs'. As a build step ({@code main}) it adds them to WildFly's
 * application realm with {@code add-user.sh -a}, as an admin does; {@link PayaraDomain} adds them to Payara's file
 * realm.
 */
public final class BuildUsers {

    private static final Logger LOG = Logger.getLogger(BuildUsers.class.getName());
    static final String FILE = "build-passwords.properties";

    /** A user of the chat and their groups, which both servers map to the roles of the same names. */
    public record User(String name, List<String> groups) {
    }

    public static final String DEMO = "demo";
    /** Two users who may chat, to show that neither sees the other's conversations. */
    public static final String ALICE = "it-alice";
    public static final String BOB = "it-bob";
    /** May read /status, may not chat. */
    public static final String ADMIN = "it-admin";
    /** In the realm with no role at all. */
    public static final String NOBODY = "it-nobody";
    /** WildFly's management user (its ManagementRealm, for the console and jboss-cli), not a chat user. */
    public static final String CONSOLE_ADMIN = "console-admin";

    static final List<User> USERS = List.of(
            new User(DEMO, List.of("chat-user", "chat-admin")),
            new User(ALICE, List.of("chat-user")),
            new User(BOB, List.of("chat-user")),
            new User(ADMIN, List.of("chat-admin")),
            new User(NOBODY, List.of()));

    private final Path file;
    private final Properties passwords = new Properties();

    BuildUsers(Path secrets) throws IOException {
        this.file = secrets.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                passwords.load(in);
            }
        }
    }

    /** The build's password for {@code name} (a user, or {@code payara-admin}), made and kept the first time. */
    String password(String name) throws IOException {
        String key = "password." + name;
        String known = passwords.getProperty(key);
        if (known != null) {
            return known;
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String made = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        passwords.setProperty(key, made);
        writeOwnerOnly(file, out -> passwords.store(out, "made by the build; never commit"));
        return made;
    }

    /**
     * The password the build made for a user: a system property (failsafe passes the file as system properties to
     * the ITs), else read from {@code target/} (tools run from the project's folder, such as the benchmark).
     */
    public static String passwordOf(String user) {
        String password = System.getProperty("password." + user);
        if (password != null) {
            return password;
        }
        Path file = Path.of("target", FILE);
        try {
            if (Files.isRegularFile(file)) {
                return new BuildUsers(file.getParent()).password(user);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        throw new IllegalStateException("no password." + user + ": the build passes " + FILE + " (mvn package makes it)");
    }

    /** A text that changes whenever a user, their groups or their password does. */
    String fingerprint() throws IOException {
        StringBuilder text = new StringBuilder();
        for (User user : USERS) {
            text.append(user).append(password(user.name())).append('\n');
        }
        return text.toString();
    }

    interface Content {
        void writeTo(Writer out) throws IOException;
    }

    static void writeOwnerOnly(Path target, Content content) throws IOException {
        Files.createDirectories(target.getParent());
        Path fresh = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(fresh, StandardCharsets.UTF_8)) {
            content.writeTo(out);
        }
        Files.move(fresh, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Build step: adds every user to the application realm of the WildFly at {@code jboss.home} (system property),
     * with {@code add-user.sh -a} (which updates a user already there), and the console's management user with
     * {@code add-user.sh -m}, and says how to sign in as {@code demo}.
     */
    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("jboss.home"));
        BuildUsers users = new BuildUsers(Path.of(System.getProperty("build.secrets")));
        for (User user : USERS) {
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/add-user.sh").toString(), "-a", "-s",
                    "-u", user.name(), "-p", users.password(user.name())));
            if (!user.groups().isEmpty()) {
                command.addAll(List.of("-g", String.join(",", user.groups())));
            }
            Commands.run(command, Map.of("JAVA_HOME", System.getProperty("java.home")), false);
        }
        Commands.run(List.of(home.resolve("bin/add-user.sh").toString(), "-m", "-s", "-u", CONSOLE_ADMIN, "-p",
                users.password(CONSOLE_ADMIN)), Map.of("JAVA_HOME", System.getProperty("java.home")), false);
        LOG.info(users.signInLine("WildFly"));
        LOG.info("WildFly's console (http://localhost:9990): management user " + CONSOLE_ADMIN + ", password in "
                + users.file);
    }

    /** What the run log says so that whoever started the server can sign in. */
    String signInLine(String server) throws IOException {
        return "Sign in to the chat on " + server + " as " + DEMO + " with password " + password(DEMO)
                + " (made by the build, kept in " + file + ")";
    }
}
