package org.agentstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Build step, not a test: makes a Payara Server domain the way an admin does, with the distribution the build
 * unpacked ({@code create-domain} with an admin password the build generates, {@code start-domain},
 * {@code server-config/payara/configure.asadmin} through {@code asadmin multimode}, {@code stop-domain}). A domain
 * made from the same script and password is kept as it is. {@code run} then starts it in the foreground with the
 * WAR deployed, until Ctrl-C.
 *
 * <p>Arguments: {@code prepare|run}; system properties {@code payara.home}, {@code payara.domain},
 * {@code payara.script}, {@code payara.secrets} (the folder of the generated password) and, for {@code run},
 * {@code payara.war}.
 */
public final class PayaraDomain {

    private static final Logger LOG = Logger.getLogger(PayaraDomain.class.getName());
    private static final long COMMAND_MINUTES = 5;

    private final Path home;
    private final String name;
    private final Path script;
    private final Path passwordFile;
    private final Path passwordProperties;

    private PayaraDomain(Path home, String name, Path script, Path secrets) {
        this.home = home;
        this.name = name;
        this.script = script;
        this.passwordFile = secrets.resolve("payara-admin.password");
        this.passwordProperties = secrets.resolve("payara-admin.properties");
    }

    public static void main(String[] args) throws Exception {
        PayaraDomain domain = new PayaraDomain(Path.of(required("payara.home")), required("payara.domain"),
                Path.of(required("payara.script")), Path.of(required("payara.secrets")));
        String mode = args.length == 0 ? "prepare" : args[0];
        switch (mode) {
            case "prepare" -> domain.prepare();
            case "run" -> {
                domain.prepare();
                domain.run(Path.of(required("payara.war")));
            }
            default -> throw new IllegalArgumentException("prepare or run, not " + mode);
        }
    }

    /** Makes the domain unless one made from the same script and admin password is there already. */
    void prepare() throws IOException, InterruptedException {
        String password = adminPassword();
        Path stamp = home.resolve("glassfish/domains").resolve(name).resolve("agentstream-configured");
        String expected = sha256(Files.readString(script) + '\n' + password);
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(expected)) {
            LOG.info(() -> "Payara domain " + name + " is configured by " + script.getFileName() + " already");
            return;
        }
        if (Files.isDirectory(stamp.getParent())) {
            asadmin(List.of("stop-domain", name));
            asadmin(List.of("delete-domain", name));
        }
        asadmin(List.of("--user", "admin", "--passwordfile", passwordFile.toString(), "create-domain", name));
        asadmin(List.of("start-domain", name));
        try {
            String output = asadmin(List.of("--user", "admin", "--passwordfile", passwordFile.toString(),
                    "multimode", "--file", script.toString()));
            List<String> failed = output.lines()
                    .filter(line -> line.startsWith("remote failure")
                            || line.startsWith("Command ") && line.endsWith(" failed.")).toList();
            if (!failed.isEmpty()) {
                throw new IOException(script + " did not apply to domain " + name + ":\n" + output);
            }
        } finally {
            asadmin(List.of("stop-domain", name));
        }
        Files.writeString(stamp, expected);
        LOG.info(() -> "Payara domain " + name + " created and configured by " + script.getFileName()
                + "; admin user admin, password in " + passwordFile);
    }

    /** start-domain in the foreground with the WAR deployed at /agent-stream; Ctrl-C stops both. */
    private void run(Path war) throws IOException, InterruptedException {
        Path deploy = passwordFile.resolveSibling("run-payara.asadmin");
        Files.writeString(deploy, "deploy --force=true --name agent-stream --contextroot agent-stream "
                + war.toAbsolutePath() + '\n');
        LOG.info(() -> "Payara Server admin console: http://localhost:4848 (user admin, password in " + passwordFile
                + ")");
        Process server = builder(List.of("start-domain", "--verbose", "--postbootcommandfile", deploy.toString(),
                name)).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        int exit = server.waitFor();
        if (exit != 0) {
            throw new IOException("start-domain " + name + " ended with exit code " + exit);
        }
    }

    /** The build's admin password, made once (random, owner-readable only) and kept in the secrets folder. */
    private String adminPassword() throws IOException {
        if (Files.isRegularFile(passwordFile) && Files.isRegularFile(passwordProperties)) {
            return Files.readString(passwordFile).strip().substring("AS_ADMIN_PASSWORD=".length());
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeSecret(passwordFile, "AS_ADMIN_PASSWORD=" + password + '\n');
        writeSecret(passwordProperties, "payara.adminPassword=" + password + '\n');
        return password;
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Runs asadmin to its end; fails with its output unless it exits 0. */
    private String asadmin(List<String> arguments) throws IOException, InterruptedException {
        Path output = Files.createTempFile("asadmin", ".out");
        try {
            Process process = builder(arguments).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("asadmin " + arguments + " still runs after " + COMMAND_MINUTES + " minutes");
            }
            return checked(arguments, process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String checked(List<String> arguments, int exit, String text) throws IOException {
        boolean harmless = arguments.get(0).equals("stop-domain");
        if (exit != 0 && !harmless) {
            throw new IOException("asadmin " + arguments + " failed (" + exit + "):\n" + text);
        }
        return text;
    }

    private ProcessBuilder builder(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/asadmin").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AS_JAVA", System.getProperty("java.home"));
        return builder;
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
