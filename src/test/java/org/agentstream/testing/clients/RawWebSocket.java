package org.agentstream.testing.clients;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.agentstream.testing.fixtures.TestUrls;

/**
 * A WebSocket client on a bare socket that does the handshake and sends frames, and reads nothing after the
 * handshake unless asked to ({@link #readTexts}): a client whose network or browser has stopped reading, or one
 * that vanishes without a close handshake ({@link #reset}).
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket open(URL base) throws IOException {
        return open(base, null);
    }

    /** Opens a connection whose handshake sends {@code cookie} (a signed-in session's, say); null sends none. */
    public static RawWebSocket open(URL base, String cookie) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (cookie != null) {
            headers.put("Cookie", cookie);
        }
        Socket socket = handshake(base, headers);
        String status = readHeaders(socket.getInputStream());
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + status);
        }
        return new RawWebSocket(socket);
    }

    /**
     * The status line the server answers a handshake with, sent with {@code headers} (which may name the
     * {@code Host} and {@code Origin} a browser would send, whatever the address connected to); the connection is
     * closed after it.
     */
    public static String handshakeStatus(URL base, Map<String, String> headers) throws IOException {
        try (Socket socket = handshake(base, headers)) {
            return readHeaders(socket.getInputStream());
        }
    }

    private static Socket handshake(URL base, Map<String, String> headers) throws IOException {
        URI chat = TestUrls.resolve(base, "chat");
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(chat.getHost(), chat.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", chat.getHost() + ":" + chat.getPort());
        all.putAll(headers);
        StringBuilder request = new StringBuilder("GET " + chat.getRawPath() + " HTTP/1.1\r\n");
        all.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads the handshake response byte by byte up to its blank line, so no frame byte is consumed. */
    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed during the handshake: " + headers);
            }
            headers.append((char) next);
        }
        return headers.substring(0, headers.indexOf("\r\n"));
    }

    /** Sends one masked text frame, as a client must. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        out.write(payload);
        out.flush();
    }

    /**
     * From now on reads every frame the server sends, on a daemon thread of the test, and hands each text message to
     * {@code onText}, so the server's sends to this client never block. The thread ends when the socket closes.
     */
    public void readTexts(Consumer<String> onText) throws IOException {
        socket.setSoTimeout(0);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
        Thread reader = new Thread(() -> {
            try {
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                while (true) {
                    int first = in.readUnsignedByte();
                    int opcode = first & 0x0f;
                    byte[] payload = readPayload(in);
                    if (opcode == 0x8) {
                        return;
                    }
                    if (opcode == 0x1 || opcode == 0x0) {
                        message.write(payload);
                        if ((first & 0x80) != 0) {
                            onText.accept(message.toString(StandardCharsets.UTF_8));
                            message.reset();
                        }
                    }
                }
            } catch (IOException e) {
                // the socket was closed or reset: nothing more to read
            }
        }, "raw-websocket-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads the rest of a server frame (unmasked) after its first byte. */
    private static byte[] readPayload(DataInputStream in) throws IOException {
        long length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame of " + length + " bytes");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return payload;
    }

    /**
     * Drops the connection as a crashed client or a cut network does: SO_LINGER 0, then close, so the kernel sends a
     * TCP reset; no WebSocket close frame, no FIN.
     */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
