package org.agentstream.streaming;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What the server's JVM is spending, for {@code /status}: threads, and CPU time of the process and of its threads
 * (through the platform MBeans, no vendor classes). A thread that spins shows in the threads' CPU time at once,
 * without the noise of garbage collection and compilation that the process's CPU time carries.
 */
record JvmLoad(int threads, int peakThreads, long cpuNanos, long threadCpuNanos) {

    static JvmLoad now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return new JvmLoad(threads.getThreadCount(), threads.getPeakThreadCount(), processCpuNanos(),
                threadCpuNanos(threads));
    }

    /** The process's CPU time; -1 if it is not offered. */
    private static long processCpuNanos() {
        try {
            Object value = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
            return value instanceof Long nanos ? nanos : -1;
        } catch (JMException | RuntimeException e) {
            return -1;
        }
    }

    /** The CPU time of every live thread, added up; -1 if it is not measured. */
    private static long threadCpuNanos(ThreadMXBean threads) {
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long total = 0;
        for (long id : threads.getAllThreadIds()) {
            total += Math.max(0, threads.getThreadCpuTime(id));
        }
        return total;
    }
}
