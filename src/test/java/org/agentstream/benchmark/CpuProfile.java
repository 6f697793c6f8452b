package org.agentstream.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A CPU profile of a running JVM over one load: async-profiler (the test dependency
 * {@code tools.profiler:async-profiler}, whose jar holds its native library) loaded into the server with
 * {@code jcmd JVMTI.agent_load}, sampling each thread's CPU time ({@code ctimer}: no perf_events needed), and written
 * on stop as collapsed stacks with each stack's CPU nanoseconds, which {@link ProfileBreakdown} reads.
 */
record CpuProfile(Path library, long pid, Path file) {

    /** async-profiler's native library for this machine, copied out of its jar into {@code directory}. */
    static Path library(Path directory) throws IOException {
        String resource = "/linux-" + ("aarch64".equals(System.getProperty("os.arch")) ? "arm64" : "x64")
                + "/libasyncProfiler.so";
        Path library = directory.resolve("libasyncProfiler.so");
        try (InputStream in = CpuProfile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " on the test classpath (tools.profiler:async-profiler)");
            }
            Files.createDirectories(directory);
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        return library;
    }

    /** Starts profiling the JVM {@code pid} with the {@link #library}; {@link #stop()} writes {@code file}. */
    static CpuProfile start(Path library, long pid, Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        CpuProfile profile = new CpuProfile(library, pid, file);
        profile.agent("start,event=ctimer,interval=1ms,threads");
        return profile;
    }

    /** Stops profiling and writes the collapsed stacks, each with its CPU time in nanoseconds. */
    Path stop() throws IOException, InterruptedException {
        agent("stop,collapsed,total,threads,file=" + file);
        if (!Files.isRegularFile(file)) {
            throw new IOException("async-profiler wrote no " + file);
        }
        return file;
    }

    private void agent(String options) throws IOException, InterruptedException {
        // quoted, or jcmd would read the options' '=' as its own argument syntax
        Jcmd.run(pid, "JVMTI.agent_load", library.toString(), '"' + options + '"');
    }
}
