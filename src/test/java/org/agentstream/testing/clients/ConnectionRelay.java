package org.agentstream.testing.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in the test JVM between a browser and the server, so a test can cut the browser's connections the
 * way a network or a proxy does (reset, no WebSocket close frame) while the server keeps running. The server sees
 * its side of each connection close too. Test-side only: the application has no hook for this. It can also send the
 * connections that come after to another server ({@link #retarget}), as a balancer that moves a client, or a network
 * that changed, does; and it can hold what the server sends until the test releases it ({@link #holdFromServer}), as
 * a buffering proxy does, so that the client gets a reply's frames in one burst.
 */
public final class ConnectionRelay implements AutoCloseable {

    private record Pair(Socket client, Socket server) {
    }

    private final ServerSocket listener;
    private volatile InetSocketAddress target;
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;
    /** While holding, what the server sent on each connection, not yet forwarded; guarded by itself. */
    private final Map<Socket, ByteArrayOutputStream> held = new HashMap<>();
    private boolean holding;

    private ConnectionRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Relays to the host and port of {@code base}. */
    public static ConnectionRelay to(URL base) throws IOException {
        return new ConnectionRelay(new InetSocketAddress(base.getHost(), base.getPort()));
    }

    /** Relays the connections accepted from now on to the host and port of {@code base}; open ones stay as they are. */
    public void retarget(URL base) {
        target = new InetSocketAddress(base.getHost(), base.getPort());
    }

    /** {@code base} with its host and port replaced by the relay's. */
    public String relayed(URL base) {
        return "http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort() + base.getPath();
    }

    /** Holds what the server sends on every connection from now on, until {@link #release()}. */
    public void holdFromServer() {
        synchronized (held) {
            holding = true;
        }
    }

    /** Forwards what was held, each connection's bytes in one write, and stops holding; returns the bytes. */
    public int release() throws IOException {
        int bytes = 0;
        synchronized (held) {
            holding = false;
            for (var entry : held.entrySet()) {
                byte[] burst = entry.getValue().toByteArray();
                bytes += burst.length;
                OutputStream out = entry.getKey().getOutputStream();
                out.write(burst);
                out.flush();
            }
            held.clear();
        }
        return bytes;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Resets every relayed connection now, on both sides; new connections are still accepted. */
    public int dropConnections() {
        int dropped = 0;
        for (Pair pair : Set.copyOf(open)) {
            reset(pair);
            dropped++;
        }
        return dropped;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket();
                server.connect(target, 5_000);
                Pair pair = new Pair(client, server);
                open.add(pair);
                pump(pair, client, server, "relay-up", false);
                pump(pair, server, client, "relay-down", true);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Pair pair, Socket from, Socket to, String name, boolean fromServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    synchronized (held) {
                        if (fromServer && holding) {
                            held.computeIfAbsent(to, socket -> new ByteArrayOutputStream())
                                    .write(buffer, 0, read);
                            continue;
                        }
                        // in order after what was held: a release writes under this lock too
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away: the pair is done
            } finally {
                reset(pair);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void reset(Pair pair) {
        open.remove(pair);
        for (Socket socket : new Socket[] {pair.client(), pair.server()}) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        dropConnections();
    }
}
