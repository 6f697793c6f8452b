package org.agentstream.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads one setting from the server's MicroProfile Config (system properties set in the admin console,
 * environment variables, config sources), so a change applies without a redeploy. A system property (how WildFly's
 * console and {@code configure.cli} set them) is read at the moment it is asked; anything else is looked up at most
 * once per {@link #LOOKUP_TTL_NANOS}, because a lookup in Payara's MicroProfile Config (with its own cache off, so
 * a console change applies at once) walks JNDI, the cluster's store and the domain's configuration: about a fifth of
 * the CPU of starting a reply in a JFR profile. A value that does not parse falls back to the default, with one
 * warning per setting and value.
 */
public final class ServerConfig {

    private static final Logger LOG = Logger.getLogger(ServerConfig.class.getName());
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    static final long LOOKUP_TTL_NANOS = 1_000_000_000L;
    private static final Map<String, Lookup> LOOKED_UP = new ConcurrentHashMap<>();

    /** A setting's value as MicroProfile Config gave it, and when. */
    private record Lookup(Optional<String> value, long at) {
    }

    private ServerConfig() {
    }

    public static long getLong(String name, long defaultValue) {
        return get(name, Long::parseLong, defaultValue);
    }

    public static int getInt(String name, int defaultValue) {
        return get(name, Integer::parseInt, defaultValue);
    }

    /** A decimal setting; {@code defaultValue} (which may be null) when it is absent or does not parse. */
    public static Double getDouble(String name, Double defaultValue) {
        return get(name, Double::valueOf, defaultValue);
    }

    public static boolean getBoolean(String name, boolean defaultValue) {
        return get(name, text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        }, defaultValue);
    }

    public static Optional<String> getString(String name) {
        String live = System.getProperty(name);
        Optional<String> value;
        if (live != null) {
            value = Optional.of(live);
        } else {
            long now = System.nanoTime();
            Lookup last = LOOKED_UP.get(name);
            if (last == null || now - last.at() >= LOOKUP_TTL_NANOS) {
                last = new Lookup(ConfigProvider.getConfig().getOptionalValue(name, String.class), now);
                LOOKED_UP.put(name, last);
            }
            value = last.value();
        }
        return value.map(String::strip).filter(text -> !text.isEmpty());
    }

    private static <T> T get(String name, Function<String, T> parse, T defaultValue) {
        Optional<String> text = getString(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return parse.apply(text.get());
        } catch (RuntimeException e) {
            if (WARNED.add(name + "=" + text.get())) {
                LOG.warning(() -> "Setting " + name + " has the invalid value \"" + text.get() + "\"; using "
                        + defaultValue);
            }
            return defaultValue;
        }
    }
}
