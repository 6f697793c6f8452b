package org.agentstream.timing;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ContextClassLoaderTest {

    @Test
    void theActionSeesTheGivenLoaderAndTheThreadGetsItsOwnBack() {
        ClassLoader own = Thread.currentThread().getContextClassLoader();
        AtomicReference<ClassLoader> seen = new AtomicReference<>();

        ContextClassLoader.with(ContextClassLoader.PLATFORM,
                () -> seen.set(Thread.currentThread().getContextClassLoader()));

        assertSame(ContextClassLoader.PLATFORM, seen.get());
        assertSame(own, Thread.currentThread().getContextClassLoader());
    }

    @Test
    void aFailingActionStillGivesTheThreadItsOwnLoaderBack() {
        ClassLoader own = Thread.currentThread().getContextClassLoader();

        assertThrows(IOException.class, () -> ContextClassLoader.with(ContextClassLoader.PLATFORM, () -> {
            throw new IOException("send failed");
        }));

        assertSame(own, Thread.currentThread().getContextClassLoader());
    }
}
