package org.agentstream.config;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The server's system properties for agent-stream's settings, read live. WildFly's MicroProfile Config keeps the
 * value a system property had when the application started, so a value changed later in the console would not be
 * seen; this source asks {@link System#getProperty} every time, just above the standard system-property source.
 */
public class LiveSystemPropertiesConfigSource implements ConfigSource {

    static final String PREFIX = "agentstream.";

    @Override
    public Set<String> getPropertyNames() {
        return System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(PREFIX))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Map<String, String> getProperties() {
        return getPropertyNames().stream().collect(Collectors.toUnmodifiableMap(name -> name, System::getProperty,
                (first, second) -> second));
    }

    @Override
    public String getValue(String propertyName) {
        return propertyName.startsWith(PREFIX) ? System.getProperty(propertyName) : null;
    }

    @Override
    public int getOrdinal() {
        return 410;
    }

    @Override
    public String getName() {
        return "agent-stream live system properties";
    }
}
