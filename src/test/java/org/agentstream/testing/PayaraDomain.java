package org.agentstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Build step, not a test: makes a Payara Server domain the way an admin does, with the distribution the build
 * unpacked ({@code create-domain} with an admin password the build generates, {@code start-domain},
 * {@code server-config/payara/configure.asadmin} through {@code asadmin multimode}, the {@link BuildUsers} in the
 * file realm with {@code create-file-user}, {@code stop-domain}). A domain made from the same script, admin password
 * and users is kept as it is. {@code run} then starts it in the foreground with the WAR deployed, until Ctrl-C.
 *
 * <p>Arguments: {@code prepare|run}; system properties {@code payara.home}, {@code payara.domain},
 * {@code payara.script}, {@code build.secrets} (the folder of the generated passwords) and, for {@code run},
 * {@code payara.war}.
 */
public final class PayaraDomain {

    private static final Logger LOG = Logger.getLogger(PayaraDomain.class.getName());
    static final String ADMIN = "payara-admin";
    /** The application as domain.xml lists it once deployed. */
    private static final Pattern DEPLOYED_APPLICATION = Pattern.compile("<application [^>]*name=\"agent-stream\"");

    private final Path home;
    private final String name;
    private final Path script;
    private final BuildUsers users;
    private final Path passwordFile;

    private PayaraDomain(Path home, String name, Path script, Path secrets) throws IOException {
        this.home = home;
        this.name = name;
        this.script = script;
        this.users = new BuildUsers(secrets);
        this.passwordFile = secrets.resolve("payara-admin.password");
    }

    public static void main(String[] args) throws Exception {
        PayaraDomain domain = new PayaraDomain(Path.of(required("payara.home")), required("payara.domain"),
                Path.of(required("payara.script")), Path.of(required("build.secrets")));
        String mode = args.length == 0 ? "prepare" : args[0];
        switch (mode) {
            case "prepare" -> domain.prepare(false);
            case "prepare-for-tests" -> domain.prepare(true);
            case "run" -> {
                domain.prepare(false);
                domain.run(Path.of(required("payara.war")));
            }
            default -> throw new IllegalArgumentException("prepare, prepare-for-tests or run, not " + mode);
        }
    }

    /**
     * Makes the domain unless one made from the same script, admin password and users is there already (and, for
     * tests, has no application deployed: a build stopped halfway leaves its test deployment behind).
     */
    void prepare(boolean forTests) throws IOException, InterruptedException {
        writePasswordFile(Map.of());
        Path stamp = home.resolve("glassfish/domains").resolve(name).resolve("agentstream-configured");
        String expected = sha256(Files.readString(script) + '\n' + users.password(ADMIN) + '\n' + users.fingerprint());
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(expected)
                && !(forTests && hasTheApplication(stamp.resolveSibling("config/domain.xml")))) {
            LOG.info(() -> "Payara domain " + name + " is configured by " + script.getFileName() + " already");
            return;
        }
        if (Files.isDirectory(stamp.getParent())) {
            asadmin(List.of("stop-domain", name), true);
            asadmin(List.of("delete-domain", name), false);
        }
        asadmin(List.of("--user", "admin", "--passwordfile", passwordFile.toString(), "create-domain", name), false);
        asadmin(List.of("start-domain", name), false);
        try {
            String output = asadmin(List.of("--user", "admin", "--passwordfile", passwordFile.toString(),
                    "multimode", "--file", script.toString()), false);
            List<String> failed = output.lines()
                    .filter(line -> line.startsWith("remote failure")
                            || line.startsWith("Command ") && line.endsWith(" failed.")).toList();
            if (!failed.isEmpty()) {
                throw new IOException(script + " did not apply to domain " + name + ":\n" + output);
            }
            addUsers();
        } finally {
            asadmin(List.of("stop-domain", name), true);
            writePasswordFile(Map.of());
        }
        Files.writeString(stamp, expected);
        LOG.info(() -> "Payara domain " + name + " created and configured by " + script.getFileName()
                + "; admin user admin, password in " + passwordFile);
    }

    private static boolean hasTheApplication(Path domainXml) throws IOException {
        return Files.isRegularFile(domainXml)
                && DEPLOYED_APPLICATION.matcher(Files.readString(domainXml)).find();
    }

    /** create-file-user for each of the build's users, in the domain's default file realm. */
    private void addUsers() throws IOException, InterruptedException {
        for (BuildUsers.User user : BuildUsers.USERS) {
            writePasswordFile(Map.of("AS_ADMIN_USERPASSWORD", users.password(user.name())));
            List<String> command = new ArrayList<>(List.of("--user", "admin", "--passwordfile",
                    passwordFile.toString(), "create-file-user"));
            if (!user.groups().isEmpty()) {
                command.addAll(List.of("--groups", String.join(":", user.groups())));
            }
            command.add(user.name());
            asadmin(command, false);
        }
    }

    /** The password file asadmin reads: the admin's password, and whatever else a command asks for. */
    private void writePasswordFile(Map<String, String> more) throws IOException {
        String admin = users.password(ADMIN);
        BuildUsers.writeOwnerOnly(passwordFile, out -> {
            out.write("AS_ADMIN_PASSWORD=" + admin + '\n');
            for (Map.Entry<String, String> entry : more.entrySet()) {
                out.write(entry.getKey() + '=' + entry.getValue() + '\n');
            }
        });
    }

    /** start-domain in the foreground with the WAR deployed at /agent-stream; Ctrl-C stops both. */
    private void run(Path war) throws IOException, InterruptedException {
        Path deploy = passwordFile.resolveSibling("run-payara.asadmin");
        Files.writeString(deploy, "deploy --force=true --name agent-stream --contextroot agent-stream "
                + war.toAbsolutePath() + '\n');
        LOG.info(() -> "Payara Server admin console: http://localhost:4848 (user admin, password in " + passwordFile
                + ")");
        LOG.info(users.signInLine("Payara Server"));
        ProcessBuilder builder = new ProcessBuilder(command(List.of("start-domain", "--verbose",
                "--postbootcommandfile", deploy.toString(), name))).inheritIO();
        builder.environment().put("AS_JAVA", System.getProperty("java.home"));
        Process server = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        int exit = server.waitFor();
        if (exit != 0) {
            throw new IOException("start-domain " + name + " ended with exit code " + exit);
        }
    }

    /** Runs asadmin to its end; fails with its output unless it exits 0 (or {@code mayFail}). */
    private String asadmin(List<String> arguments, boolean mayFail) throws IOException, InterruptedException {
        return Commands.run(command(arguments), Map.of("AS_JAVA", System.getProperty("java.home")), mayFail);
    }

    private List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/asadmin").toString());
        command.addAll(arguments);
        return command;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + property + " is not set");
        }
        return value;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
