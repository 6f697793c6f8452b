// A reference peer for the benchmark: protocol v1's streaming subset on Netty 4.1, the JVM's own limit on this
// machine: one event loop per core, each reply paced on its channel's event loop, one flush per frame, no thread
// hand-off and no blocking. Run (the jars are copied to target/bench-netty by mvn package):
//   java -cp 'target/bench-netty/*' src/benchmark/netty/NettyPeer.java PORT

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** Starts the server on the port given and serves until it is stopped. */
public final class NettyPeer {

    private static final Logger LOG = Logger.getLogger(NettyPeer.class.getName());
    private static final String STATUS_PATH = "/agent-stream/status";
    private static final String CHAT_PATH = "/agent-stream/chat";
    private static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private NettyPeer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int loops = Runtime.getRuntime().availableProcessors();
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup acceptor = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        try {
            ChannelHandler status = new StatusHandler();
            ChannelHandler chat = new ChatHandler();
            Channel server = new ServerBootstrap().group(acceptor, workers).channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel connection) {
                            connection.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler(CHAT_PATH, null, false, MAX_MESSAGE_BYTES),
                                    new WebSocketFrameAggregator(MAX_MESSAGE_BYTES), status, chat);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            LOG.log(Level.INFO, "listening on 127.0.0.1:{0,number,#} with {1} event loops on {2}",
                    new Object[] {port, loops, epoll ? "epoll" : "NIO"});
            server.closeFuture().sync();
        } finally {
            acceptor.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }

    /** GET /agent-stream/status answers with the pid; every other plain HTTP request with 404. */
    @ChannelHandler.Sharable
    private static final class StatusHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (request.method().equals(HttpMethod.GET) && request.uri().equals(STATUS_PATH)) {
                ByteBuf body = ByteBufUtil.writeAscii(ctx.alloc(), "{\"pid\":" + ProcessHandle.current().pid() + "}");
                response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK, body);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            } else {
                response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND,
                        ctx.alloc().buffer(0));
            }
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                    : ChannelFutureListener.CLOSE);
        }
    }

    /** A {@code message} frame starts a reply on the connection's event loop; other frames are ignored. */
    @ChannelHandler.Sharable
    private static final class ChatHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            JsonNode message;
            try {
                message = JSON.readTree(new ByteBufInputStream(frame.content()));
            } catch (IOException notJson) {
                return;
            }
            if (message != null && "message".equals(message.path("type").asText(null))) {
                new Reply(ctx.channel(), message).start();
            }
        }

        /** A connection the client reset or dropped is closed without a word, as the other peers do. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * One reply: stream_start, then each chunk followed by a 10 ms pause (the simulated model waits its 30 ms gap
     * before each chunk as well), then stream_end; every step a task on the channel's event loop.
     */
    private static final class Reply implements Runnable {

        private static final long PAUSE_MS = 10;
        private static final long MODEL_GAP_MS = 30;
        private static final int MODEL_WORDS = 60;
        // The text of agent-stream's SimulatedModelAgent.
        private static final String[] MODEL_TEXT = ("Streaming a reply means every token should reach the reader "
                + "when the model produced it. Proxies, buffers and batching transports like to hold small frames "
                + "back and release them together, so a reply that was written over seconds appears in one instant. "
                + "Flushing each chunk and keeping a small pause between sends lets the reader watch the answer "
                + "grow, which is the whole point of streaming in the first place.").split(" ");
        private static final String[] MODEL_REPLY = IntStream.range(0, MODEL_WORDS)
                .mapToObj(i -> MODEL_TEXT[i % MODEL_TEXT.length] + (i == MODEL_WORDS - 1 ? "" : " "))
                .toArray(String[]::new);
        // As agent-stream's ChunkPublisher.words: each word keeps the whitespace after it.
        private static final Pattern WORD_START = Pattern.compile("(?<=\\s)(?=\\S)");

        private final Channel channel;
        private final JsonNode replyTo;
        private final String agent;
        private final boolean model;
        private final String[] words;
        private final String messageId = UUID.randomUUID().toString();
        private int seq;

        Reply(Channel channel, JsonNode message) {
            this.channel = channel;
            this.replyTo = message.get("id");
            String named = message.path("agent").asText("");
            this.agent = named.isEmpty() ? "echo" : named;
            this.model = agent.equals("simulated-model");
            this.words = model ? MODEL_REPLY : WORD_START.split(message.path("content").asText(""));
        }

        void start() {
            channel.writeAndFlush(frame(json -> {
                json.writeStringField("type", "stream_start");
                json.writeStringField("messageId", messageId);
                writeReplyTo(json);
                json.writeStringField("agent", agent);
                json.writeStringField("conversationId", UUID.randomUUID().toString());
            }));
            if (model) {
                channel.eventLoop().schedule(this, MODEL_GAP_MS, TimeUnit.MILLISECONDS);
            } else {
                run();
            }
        }

        /** Sends the next chunk and schedules the step after it, or sends stream_end after the last. */
        @Override
        public void run() {
            if (!channel.isActive()) {
                return;
            }
            if (seq == words.length) {
                channel.writeAndFlush(frame(json -> {
                    json.writeStringField("type", "stream_end");
                    json.writeStringField("messageId", messageId);
                    writeReplyTo(json);
                    json.writeStringField("status", "complete");
                    json.writeNumberField("chunks", words.length);
                }));
                return;
            }
            Instant now = Instant.now();
            channel.writeAndFlush(frame(json -> {
                json.writeStringField("type", "chunk");
                json.writeStringField("messageId", messageId);
                json.writeNumberField("seq", seq);
                json.writeStringField("delta", words[seq]);
                // epoch ms with µs as its fraction, never in exponent notation (the load client reads digits)
                json.writeNumberField("sentAt", BigDecimal.valueOf(
                        now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000, 3));
            }));
            seq++;
            long delay = seq < words.length && model ? PAUSE_MS + MODEL_GAP_MS : PAUSE_MS;
            channel.eventLoop().schedule(this, delay, TimeUnit.MILLISECONDS);
        }

        private void writeReplyTo(JsonGenerator json) throws IOException {
            if (replyTo != null) {
                json.writeFieldName("replyTo");
                JSON.writeTree(json, replyTo);
            }
        }

        /** A text frame whose JSON object {@code fields} writes, encoded straight into a pooled buffer. */
        private TextWebSocketFrame frame(Fields fields) {
            ByteBuf buffer = channel.alloc().buffer(256);
            try (JsonGenerator json = JSON.createGenerator((OutputStream) new ByteBufOutputStream(buffer))) {
                json.writeStartObject();
                fields.write(json);
                json.writeEndObject();
            } catch (IOException e) {
                buffer.release();
                throw new UncheckedIOException(e);
            }
            return new TextWebSocketFrame(buffer);
        }
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }
}
